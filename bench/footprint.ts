// Issue 17, footprint: how long `npm start` and `npm run dev` take to their
// first 200, the server's RSS idle, a fresh `npm ci` with an empty cache, the
// size of node_modules (all, and production dependencies only) and of the
// production build, and whether production dependencies hold test-only
// packages, and the server's RSS after load: the first `npm start` then
// takes 64 clients making workflows with a task each and posting their signed
// callbacks, and its resident and peak memory are read after that.
import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Webhook } from "standardwebhooks";
import { accessToken, benchEncryptionKey, callbackBody, prepareCallbackTargets, signatureHeaders, unreachableLimits } from "./support/app-requests";
import { expectStatus, LoopbackClient } from "./support/http-client";
import { runLoad } from "./support/load-loop";
import { seedOrg } from "./support/seed-org";
import type { CreatedOrg } from "@/lib/orgs/create-org";
import { npmStartNodeArgs } from "./support/app-server";
import { keepingTsconfig } from "./support/build-app";
import { createBenchDatabase } from "./support/bench-database";
import type { BenchModule } from "./support/bench-module";
import { registerCleanup } from "./support/cleanup-registry";
import { freePort } from "./support/loopback";
import { markdownTable } from "./support/markdown-table";
import { processMemory } from "./support/process-memory";

// Packages that only tests, linting or type checking use: none may be a production dependency.
const testOnly = /^(vitest|@vitest\/.*|msw|playwright(-core)?|fast-check|ajv(-formats)?|eslint|@eslint\/.*|typescript-eslint|typescript|@types\/.*|js-yaml|pg-boss|esbuild|prisma)$/;

function megabytes(dir: string): number {
  // du -s --block-size=1M: what the folder takes on disk.
  return Number(execFileSync("du", ["-s", "--block-size=1M", dir], { encoding: "utf8" }).split("\t")[0]);
}

function megabytesExcluding(dir: string, exclude: string): number {
  return Number(execFileSync("du", ["-s", "--block-size=1M", `--exclude=${exclude}`, dir], { encoding: "utf8" }).split("\t")[0]);
}

interface Started {
  firstOkMs: number;
  rssIdleMb: number | null;
  afterLoad?: AfterLoad;
  log: string;
}

interface AfterLoad {
  operations: number;
  seconds: number;
  rssMb: number;
  peakRssMb: number;
}

/** Load on a started server: `workflows` workflows with a task each, then their signed callbacks, 64 clients at a time. */
async function loadServer(baseUrl: string, org: CreatedOrg, workflows: number, pid: number): Promise<AfterLoad> {
  const started = performance.now();
  const token = await accessToken(baseUrl, org);
  const targets = await prepareCallbackTargets(baseUrl, token, workflows, 64);
  const webhook = new Webhook(org.signingSecret);
  const client = new LoopbackClient(baseUrl, 64);
  try {
    let next = 0;
    const result = await runLoad({ concurrency: 64, durationMs: 30 * 60_000, maxOps: targets.length }, async () => {
      const target = targets[next++];
      if (!target) return "exhausted";
      expectStatus(await client.postJson(target, callbackBody, signatureHeaders(webhook, callbackBody)), 200, "callback");
      return "ok";
    });
    if (result.failed > 0) throw new Error(`footprint load: ${result.failed} callbacks failed: ${result.failures[0]}`);
  } finally {
    client.close();
  }
  const memory = processMemory(pid);
  return { operations: workflows * 3, seconds: (performance.now() - started) / 1000, rssMb: memory.rssMb, peakRssMb: memory.peakRssMb };
}

/** Runs `npm run <script>` in its own process group and times it to the first 200 of /api/health. */
async function timeToFirst200(
  script: string,
  env: Record<string, string>,
  serverPidOf: (child: ChildProcess) => number | null,
  load?: (baseUrl: string, pid: number) => Promise<AfterLoad>,
): Promise<Started> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn("npm", ["run", "--silent", script], {
    cwd: process.cwd(),
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr.on("data", (c: Buffer) => (log += c.toString()));
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const stop = registerCleanup(`stop npm run ${script} (${child.pid})`, async () => {
    if (!exited) {
      process.kill(-child.pid!, "SIGTERM");
      const timer = setTimeout(() => !exited && process.kill(-child.pid!, "SIGKILL"), 10_000);
      await gone;
      clearTimeout(timer);
    }
  });
  try {
    const deadline = started + 240_000;
    for (;;) {
      if (exited) throw new Error(`npm run ${script} exited before answering:\n${log.slice(-2000)}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (performance.now() > deadline) throw new Error(`npm run ${script}: no 200 within 240 s:\n${log.slice(-2000)}`);
      await sleep(25);
    }
    const firstOkMs = performance.now() - started;
    await sleep(3000);
    const pid = serverPidOf(child);
    const rssIdleMb = pid ? processMemory(pid).rssMb : null;
    const afterLoad = load && pid ? await load(`http://127.0.0.1:${port}`, pid) : undefined;
    return { firstOkMs, rssIdleMb, afterLoad, log };
  } finally {
    await stop();
  }
}

/** The node process under `npm run` whose command line runs `file`. */
function descendantRunning(root: number, file: string): number | null {
  const out = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" });
  const rows = out.split("\n").filter(Boolean).map((line) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line)!;
    return { pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! };
  });
  const inTree = new Set([root]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const row of rows) {
      if (inTree.has(row.ppid) && !inTree.has(row.pid)) {
        inTree.add(row.pid);
        changed = true;
      }
    }
  }
  // `npm run` goes through a shell, and tsx through a second node process: the server is the biggest node process running the file.
  const candidates = rows.filter((row) => inTree.has(row.pid) && row.args.includes(file) && /^\S*node\s/.test(row.args));
  candidates.sort((a, b) => processMemory(b.pid).rssMb - processMemory(a.pid).rssMb);
  return candidates[0]?.pid ?? null;
}

/** The biggest packages in a node_modules folder (scoped packages counted by scope/name). */
function largestPackages(dir: string, count: number): Array<{ name: string; mb: number }> {
  const out = execFileSync("sh", ["-c", 'du -s --block-size=1M ./[!@.]* ./@*/* 2>/dev/null | sort -rn | head -n "$1"', "sh", String(count)], { cwd: dir, encoding: "utf8" });
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [mb, name] = line.split("\t");
      return { name: name!.replace(/^\.\//, ""), mb: Number(mb) };
    });
}

async function freshInstall(log: (message: string) => void): Promise<{ ciSeconds: number; allMb: number; productionMb: number; productionCiSeconds: number; biggest: Array<{ name: string; mb: number }> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "longrun-bench-npm-ci-"));
  const remove = registerCleanup(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  try {
    for (const entry of ["package.json", "package-lock.json", "prisma", "prisma.config.ts"]) await cp(entry, path.join(dir, entry), { recursive: true });
    const cache = path.join(dir, "npm-cache");
    const run = (args: string[]) =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        const child = spawn("npm", args, { cwd: dir, env: { ...process.env, npm_config_cache: cache }, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString()));
        child.stderr.on("data", (c: Buffer) => (output += c.toString()));
        child.once("exit", (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`npm ${args.join(" ")} failed (${code}):\n${output.slice(-2000)}`))));
      });
    log("footprint: npm ci with an empty cache");
    const ciSeconds = await run(["ci", "--no-audit", "--no-fund"]);
    const allMb = megabytes(path.join(dir, "node_modules"));
    await rm(path.join(dir, "node_modules"), { recursive: true, force: true });
    // Production dependencies only, from the now warm cache; scripts off, since `prisma generate` is a build step (devDependency).
    const productionCiSeconds = await run(["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"]);
    const productionMb = megabytes(path.join(dir, "node_modules"));
    const biggest = largestPackages(path.join(dir, "node_modules"), 8);
    return { ciSeconds, allMb, productionMb, productionCiSeconds, biggest };
  } finally {
    await remove();
  }
}

export const footprint: BenchModule = {
  name: "footprint",
  async run(settings) {
    const database = await createBenchDatabase(settings.databases[0]!, settings.postgresServerUrl);
    const pkg = JSON.parse(await readFile("package.json", "utf8")) as { dependencies?: Record<string, string>; scripts: Record<string, string> };
    const production = Object.keys(pkg.dependencies ?? {});
    const misplaced = production.filter((name) => testOnly.test(name));
    const env = { DATABASE_URL: database.url, ENCRYPTION_KEY: benchEncryptionKey, NEXT_DIST_DIR: settings.distDir, ...unreachableLimits };
    const serverFile = npmStartNodeArgs().at(-1)!;
    const loadWorkflows = 2000;
    try {
      const org = await seedOrg(database.url, benchEncryptionKey);
      settings.log("footprint: npm start → first 200 (the first start then takes load)");
      const starts = [];
      for (let i = 0; i < 3; i++) {
        const load = i === 0 ? (baseUrl: string, pid: number) => loadServer(baseUrl, org, loadWorkflows, pid) : undefined;
        starts.push(await timeToFirst200("start", env, (child) => descendantRunning(child.pid!, serverFile), load));
      }
      const loaded = starts[0]!.afterLoad;
      settings.log("footprint: npm run dev → first 200 (cold: empty build folder)");
      const devDir = ".next-bench-dev";
      await rm(devDir, { recursive: true, force: true });
      const cleanDev = registerCleanup(`remove ${devDir}`, () => rm(devDir, { recursive: true, force: true }));
      // Next's dev server adds its folder to tsconfig.json; that is undone afterwards.
      const dev = () => keepingTsconfig(devDir, () => timeToFirst200("dev", { ...env, NEXT_DIST_DIR: devDir }, (child) => descendantRunning(child.pid!, "server.ts")));
      const devCold = await dev();
      settings.log("footprint: npm run dev → first 200 (warm: build folder kept)");
      const devWarm = await dev();
      await cleanDev();
      const buildMb = megabytesExcluding(settings.distDir, "cache") + megabytes("dist");
      const install = process.env.BENCH_SKIP_NPM_CI === "1" ? null : await freshInstall(settings.log);
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const startMs = median(starts.map((s) => s.firstOkMs));
      const rows: Array<[string, string]> = [
        ["`npm start` → first 200 of /api/health (median of 3; DATABASE_URL set, migrations up to date)", `${(startMs / 1000).toFixed(2)} s (${starts.map((s) => (s.firstOkMs / 1000).toFixed(2)).join(", ")}); aim ≤ 3 s — ${startMs <= 3000 ? "met" : "not met"}`],
        ["server RSS idle (3 s after its first 200)", `${starts.map((s) => (s.rssIdleMb === null ? "?" : s.rssIdleMb.toFixed(0))).join(", ")} MB`],
        [
          `server RSS after load (the first start: ${loadWorkflows.toLocaleString("en")} initiates, tasks and signed callbacks, 64 clients)`,
          loaded ? `${loaded.rssMb.toFixed(0)} MB now, ${loaded.peakRssMb.toFixed(0)} MB peak (${loaded.operations.toLocaleString("en")} requests in ${loaded.seconds.toFixed(0)} s); aim ≤ 300 MB — ${loaded.peakRssMb <= 300 ? "met" : "not met"}` : "not measured (no server pid)",
        ],
        ["`npm run dev` → first 200, cold (no dev build folder: compiles the route)", `${(devCold.firstOkMs / 1000).toFixed(1)} s`],
        ["`npm run dev` → first 200, warm (dev build folder kept)", `${(devWarm.firstOkMs / 1000).toFixed(1)} s`],
        ["dev server RSS idle (after its first 200)", `${devCold.rssIdleMb?.toFixed(0) ?? "?"} MB cold, ${devWarm.rssIdleMb?.toFixed(0) ?? "?"} MB warm`],
        ["production build (`npm run build`: the Next build without its cache folder, and dist/)", `${buildMb} MB`],
      ];
      if (install) {
        rows.push(
          ["fresh `npm ci`, empty npm cache (downloads everything; postinstall generates the Prisma client)", `${install.ciSeconds.toFixed(0)} s`],
          ["node_modules after `npm ci`", `${install.allMb} MB`],
          ["node_modules with production dependencies only (`npm ci --omit=dev`, warm cache)", `${install.productionMb} MB (${install.productionCiSeconds.toFixed(0)} s)`],
          ["the biggest packages of those", install.biggest.map((p) => `${p.name} ${p.mb} MB`).join(", ")],
        );
      }
      rows.push([
        "production dependencies that only tests, linting or builds use",
        misplaced.length ? `**${misplaced.join(", ")}**` : `none (${production.length} production dependencies; \`tsx\` stays one: \`npm run dev\`, \`npm run worker\` and the operators' \`org:*\`/\`secret:*\` commands run TypeScript through it)`,
      ]);
      const markdown = [markdownTable(["what", "measured"], rows)].join("\n");
      return { data: { starts, devCold: { firstOkMs: devCold.firstOkMs, rssIdleMb: devCold.rssIdleMb }, devWarm: { firstOkMs: devWarm.firstOkMs, rssIdleMb: devWarm.rssIdleMb }, buildMb, install, misplaced }, markdown };
    } finally {
      await database.drop();
    }
  },
};
