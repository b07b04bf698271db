// This tree against an older commit, end to end and in the same run (issue 11:
// "nothing may get slower" after the engine and writer change, on a machine
// whose speed varies about 2× from day to day, so only ratios within one run
// count).
//
// The older commit (BENCH_COMPARE_REF, default d67cad2, the last commit before
// the one-engine/one-writer change) is unpacked with `git archive` into a
// folder outside the repository, installed with its own lockfile (`npm ci`)
// and built with its own `next build`; both are cached there for reruns. Per
// database server (each of BENCH_DATABASES) each build gets a database of its
// own migrated by its own migrations and an org seeded by its own createOrg,
// and three servers run side by side, idle while another is measured:
// - `old`: the older commit as its `npm start` started it (`tsx server.ts`);
// - `tsx`: this tree started the same way (`tsx server.ts`), so that the
//   difference to `old` is the code, not the launcher;
// - `npm start`: this tree as users start it now (compiled `dist/server.js`).
// Cells: initiate and callback, at the lowest and highest BENCH_CONCURRENCY,
// in BENCH_COMPARE_ROUNDS interleaved rounds (every server's cell before the
// next cell kind, the order rotating per round).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { Webhook } from "standardwebhooks";
import { accessToken, benchEncryptionKey, callbackBody, initiateBody, prepareCallbackTargets, signatureHeaders, unreachableLimits } from "./support/app-requests";
import { npmStartLabel, startAppServer, type AppServer } from "./support/app-server";
import { createBenchDatabase, postgresVersion, type BenchDatabase, type DatabaseKind } from "./support/bench-database";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { databaseBackends, type DatabaseBackends } from "./support/database-backends";
import { startCpuProbe, type CpuShares } from "./support/cpu-usage";
import { expectStatus, LoopbackClient } from "./support/http-client";
import { runLoad, WorkQueue, type LoadResult } from "./support/load-loop";
import { formatMs, formatRate, formatRatio, markdownTable } from "./support/markdown-table";
import { seedOrg } from "./support/seed-org";
import { median } from "./support/statistics";

const exec = promisify(execFile);

type ServerKind = "old" | "tsx" | "npm-start";
type Operation = "initiate" | "callback";
const serverKinds: ServerKind[] = ["old", "tsx", "npm-start"];

interface Cell extends LoadResult {
  database: DatabaseKind;
  server: ServerKind;
  operation: Operation;
  round: number;
  cpu: CpuShares;
}

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: a positive integer`);
  return value;
}

async function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await exec(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
}

/** The older commit unpacked, installed and built (each step skipped when its output is there). */
async function prepareCheckout(ref: string, log: (message: string) => void): Promise<{ dir: string; sha: string }> {
  const { stdout } = await exec("git", ["rev-parse", "--verify", `${ref}^{commit}`]);
  const sha = stdout.trim();
  const dir = path.join(process.env.BENCH_COMPARE_DIR ?? path.join(os.tmpdir(), "longrun-bench-compare"), sha.slice(0, 12));
  if (!existsSync(path.join(dir, "package.json"))) {
    await mkdir(dir, { recursive: true });
    log(`engine-compare: unpacking ${sha.slice(0, 12)} into ${dir}`);
    await exec("bash", ["-c", `git archive ${sha} | tar -x -C '${dir}'`], { maxBuffer: 64 * 1024 * 1024 });
  }
  if (!existsSync(path.join(dir, "node_modules"))) {
    log(`engine-compare: npm ci in ${dir}`);
    await sh("npm", ["ci", "--no-audit", "--no-fund"], dir);
  }
  if (!existsSync(path.join(dir, ".next-bench", "BUILD_ID"))) {
    log(`engine-compare: next build of ${sha.slice(0, 12)}`);
    await sh("npx", ["next", "build"], dir, { ...process.env, NEXT_DIST_DIR: ".next-bench", NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" });
  }
  return { dir, sha };
}

interface Running {
  kind: ServerKind;
  server: AppServer;
  token: string;
  webhook: Webhook;
  targets: WorkQueue<string>;
  backends: DatabaseBackends;
}

export const engineCompare: BenchModule = {
  name: "engine-compare",
  async run(settings: BenchSettings) {
    const ref = process.env.BENCH_COMPARE_REF ?? "d67cad2";
    const rounds = positive("BENCH_COMPARE_ROUNDS", 3);
    const opsHigh = positive("BENCH_COMPARE_OPS", 1500);
    const low = Math.min(...settings.concurrencies);
    const high = Math.max(...settings.concurrencies);
    const concurrencies = low === high ? [high] : [low, high];
    const opsAt = (clients: number) => (clients === high ? opsHigh : Math.max(100, Math.round(opsHigh / 5)));
    const checkout = await prepareCheckout(ref, settings.log);
    const cells: Cell[] = [];
    const versions: Record<string, string> = {};
    for (const kind of settings.databases) {
      const databases: BenchDatabase[] = [];
      const stops: Array<() => Promise<void>> = [];
      try {
        const current = await createBenchDatabase(kind, settings.postgresServerUrl);
        databases.push(current);
        const older = await createBenchDatabase(kind, settings.postgresServerUrl, checkout.dir);
        databases.push(older);
        versions[kind] = await postgresVersion(current.url);
        const running: Running[] = [];
        for (const server of serverKinds) {
          const database = server === "old" ? older : current;
          const org = await seedOrg(database.url, benchEncryptionKey, server === "old" ? checkout.dir : undefined);
          const app = await startAppServer({
            distDir: ".next-bench",
            databaseUrl: database.url,
            encryptionKey: benchEncryptionKey,
            poolSize: settings.poolSize,
            logFile: path.join(settings.resultsDir, `${settings.runStamp}-compare-${kind}-${server}.log`),
            extraEnv: unreachableLimits,
            ...(server === "old"
              ? { checkout: { cwd: checkout.dir, nodeArgs: ["--import", "tsx", "server.ts"] } }
              : server === "tsx"
                ? { checkout: { cwd: process.cwd(), nodeArgs: ["--import", "tsx", "server.ts"] } }
                : { entry: "npm-start" as const }),
          });
          stops.push(app.stop);
          const backends = await databaseBackends(database.url);
          stops.push(backends.close);
          running.push({ kind: server, server: app, token: await accessToken(app.baseUrl, org), webhook: new Webhook(org.signingSecret), targets: new WorkQueue([]), backends });
        }
        const warm = 200;
        const needed = rounds * concurrencies.reduce((sum, c) => sum + opsAt(c), 0) + warm;
        settings.log(`engine-compare ${kind}: preparing ${needed} workflows with a task on each of ${running.length} servers`);
        for (const r of running) r.targets = new WorkQueue(await prepareCallbackTargets(r.server.baseUrl, r.token, needed));

        const load = (r: Running, operation: Operation, clients: number, maxOps: number): Promise<LoadResult> => {
          const client = new LoopbackClient(r.server.baseUrl, clients);
          const auth = { authorization: `Bearer ${r.token}` };
          return runLoad({ concurrency: clients, durationMs: settings.cellMs * 6, maxOps }, async () => {
            if (operation === "initiate") {
              expectStatus(await client.postJson("/api/v1/workflows", initiateBody(randomUUID()), auth), 201, "initiate");
              return "ok";
            }
            const target = r.targets.take();
            if (target === undefined) return "exhausted";
            const response = expectStatus(await client.postJson(target, callbackBody, signatureHeaders(r.webhook, callbackBody)), 200, "callback");
            if (!response.body.includes('"COMPLETED"')) throw new Error(`callback did not complete the workflow: ${response.body.slice(0, 200)}`);
            return "ok";
          }).finally(() => client.close());
        };
        // Warm-up of both routes on every server (JIT, pools, route modules), not recorded.
        for (const r of running) {
          await load(r, "initiate", high, warm);
          await load(r, "callback", high, warm);
        }
        for (let round = 1; round <= rounds; round++) {
          // Rotate the order so that no server always goes first right after another's load.
          const order = serverKinds.map((_, i) => running[(i + round - 1) % running.length]!);
          for (const operation of ["initiate", "callback"] as Operation[]) {
            for (const clients of concurrencies) {
              for (const r of order) {
                const stop = await startCpuProbe({ appServerPid: r.server.pid, databasePids: r.backends.pids });
                const result = await load(r, operation, clients, opsAt(clients));
                const cell: Cell = { database: kind, server: r.kind, operation, round, ...result, cpu: await stop(result.ok) };
                cells.push(cell);
                settings.log(
                  `compare ${kind} r${round} ${operation} ×${clients} ${r.kind.padEnd(9)} ${formatRate(cell.perSecond).padStart(6)}/s p50 ${formatMs(cell.p50Ms)} p99 ${formatMs(cell.p99Ms)} ms ` +
                    `server ${formatMs(cell.cpu.appServerMsPerOp)} db ${formatMs(cell.cpu.databaseMsPerOp)} ms/op${cell.failed ? ` FAILED ${cell.failed}: ${cell.failures[0]}` : ""}`,
                );
              }
            }
          }
        }
      } finally {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
        for (const database of databases) await database.drop().catch(() => undefined);
      }
    }
    const data = { ref, sha: checkout.sha, rounds, concurrencies, opsHigh, versions, cells };
    return { data, markdown: compareMarkdown(data) };
  },
};

function compareMarkdown(data: { ref: string; sha: string; rounds: number; concurrencies: number[]; opsHigh: number; versions: Record<string, string>; cells: Cell[] }): string {
  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const database of Object.keys(data.versions) as DatabaseKind[]) {
    for (const operation of ["initiate", "callback"] as Operation[]) {
      for (const clients of data.concurrencies) {
        const of = (server: ServerKind) => data.cells.filter((c) => c.database === database && c.operation === operation && c.concurrency === clients && c.server === server);
        const rate = (server: ServerKind) => median(of(server).map((c) => c.perSecond));
        const old = rate("old");
        for (const server of serverKinds) {
          const mine = of(server);
          rows.push([
            `${database}`,
            `${operation} ×${clients}`,
            server === "old" ? `\`${data.sha.slice(0, 7)}\` (\`tsx server.ts\`)` : server === "tsx" ? "this tree, `tsx server.ts`" : `this tree, \`npm start\` (\`${npmStartLabel()}\`)`,
            `**${formatRate(rate(server))}**`,
            mine.map((c) => formatRate(c.perSecond)).join(" / "),
            `${formatMs(median(mine.map((c) => c.p50Ms)))} / ${formatMs(median(mine.map((c) => c.p99Ms)))}`,
            formatMs(median(mine.map((c) => c.cpu.appServerMsPerOp ?? Number.NaN))),
            formatMs(median(mine.map((c) => c.cpu.databaseMsPerOp ?? Number.NaN))),
            server === "old" ? "1" : formatRatio(rate(server) / old),
          ]);
        }
        verdicts.push(
          `- ${database}, ${operation} ×${clients}: this tree ÷ \`${data.sha.slice(0, 7)}\` = **${formatRatio(rate("tsx") / old)}** with the same launcher, **${formatRatio(rate("npm-start") / old)}** as \`npm start\``,
        );
      }
    }
  }
  return [
    `This tree against \`${data.sha.slice(0, 7)}\` (\`BENCH_COMPARE_REF=${data.ref}\`), both built for production, each on a database of its own migrated by its own migrations on the same PostgreSQL server, ` +
      `${data.rounds} interleaved rounds, ${data.opsHigh} operations per cell at ${Math.max(...data.concurrencies)} clients (fewer at 1 client). Servers: ${Object.entries(data.versions)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; ")}.`,
    "",
    ...verdicts,
    "",
    markdownTable(["database", "cell", "server", "ops/s (median)", "per round", "p50 / p99 ms", "server CPU ms/op", "PostgreSQL CPU ms/op", "÷ old"], rows),
  ].join("\n");
}
