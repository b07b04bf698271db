// Issue 17's goals as ratios measured in one run on one PostgreSQL database,
// at 64 clients, in interleaved rounds (every cell of round 1, then every
// cell of round 2, …) so that a change in the shared machine's load hits all
// cells alike:
// - the callback through the server `npm start` starts, and through
//   `next start` on the same build;
// - the lean server: node:http + pg running Longrun's signature check and
//   callback write, nothing else (bench/lean-callback-server.ts);
// - the floor: the database alone doing the callback's read and write,
//   sent from this process through a pg pool;
// - a pg-boss send + fetch + complete cycle on the same database.
// Each cell reports the CPU per operation of each process taking part.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { PgBoss } from "pg-boss";
import { Webhook } from "standardwebhooks";
import { accessToken, benchEncryptionKey, callbackBody, prepareCallbackTargets, signatureHeaders, unreachableLimits } from "./support/app-requests";
import { serverEntryLabel, startAppServer, type AppServer, type ServerEntry } from "./support/app-server";
import { createBenchDatabase, postgresVersion } from "./support/bench-database";
import { databaseBackends } from "./support/database-backends";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { startCpuProbe, type CpuProbeTargets, type CpuShares } from "./support/cpu-usage";
import { expectStatus, LoopbackClient } from "./support/http-client";
import { startLeanServer } from "./support/lean-server";
import { runLoad, WorkQueue, type LoadResult } from "./support/load-loop";
import { formatMs, formatPct, formatRate, formatRatio, markdownTable } from "./support/markdown-table";
import { prepareRawCallbackRows, rawCallbackCollapsed } from "./support/raw-callback-writes";
import { seedOrg } from "./support/seed-org";
import { mean, median } from "./support/statistics";
import { postgresDriver } from "./support/sql-driver";

type CellKind = "npm-start" | "next-start" | "lean" | "floor" | "pg-boss";

const cellLabel: Record<CellKind, string> = {
  "npm-start": "callback, Longrun started by `npm start`",
  "next-start": "callback, Longrun started by `next start` (same build)",
  lean: "callback, lean node:http + pg server (Longrun's signature check and write)",
  floor: "floor: the database alone doing the callback's read and write",
  "pg-boss": "pg-boss 12 send + fetch + complete",
};

interface Cell extends LoadResult {
  kind: CellKind;
  round: number;
  cpu: CpuShares;
}

function settingsNumber(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: a positive integer`);
  return value;
}

async function measured(kind: CellKind, round: number, probe: CpuProbeTargets, load: () => Promise<LoadResult>): Promise<Cell> {
  const stop = await startCpuProbe(probe);
  const result = await load();
  return { kind, round, ...result, cpu: await stop(result.ok) };
}

/** What limits a cell, read from its CPU shares (100 % = one core; the machine has two). */
function limitOf(cell: Cell): string {
  const server = cell.cpu.appServerPct;
  const db = cell.cpu.databasePct ?? 0;
  if (server !== null && server >= 85) return `the server's one JavaScript thread (${formatPct(server)} of a core)`;
  if (cell.cpu.machineBusyPct >= 85) return `the two cores (machine ${formatPct(cell.cpu.machineBusyPct)} busy; PostgreSQL ${formatPct(db)}, load generator ${formatPct(cell.cpu.benchPct)} of a core)`;
  return `waiting, not CPU (PostgreSQL ${formatPct(db)} of a core, machine ${formatPct(cell.cpu.machineBusyPct)} busy): commit flushes and locks`;
}

function totalMsPerOp(cell: Cell): number {
  return (cell.cpu.appServerMsPerOp ?? 0) + (cell.cpu.databaseMsPerOp ?? 0) + (cell.cpu.benchMsPerOp ?? 0);
}

export const callbackGoals: BenchModule = {
  name: "callback-goals",
  async run(settings: BenchSettings) {
    const concurrency = Math.max(...settings.concurrencies);
    const rounds = settingsNumber("BENCH_GOAL_ROUNDS", 2);
    const opsPerCell = settingsNumber("BENCH_GOAL_OPS", 1000);
    const timeCapMs = settings.cellMs * 4;
    settings.log(`callback-goals: ${rounds} rounds, ${opsPerCell} operations per cell at ${concurrency} clients`);
    // The first of BENCH_DATABASES (default: the embedded PostgreSQL, what `npm start` runs on without DATABASE_URL).
    const database = await createBenchDatabase(settings.databases[0]!, settings.postgresServerUrl);
    const serverVersion = await postgresVersion(database.url);
    const cells: Cell[] = [];
    const stops: Array<() => Promise<void>> = [];
    try {
      const org = await seedOrg(database.url, benchEncryptionKey);
      const backends = await databaseBackends(database.url);
      stops.push(backends.close);
      const servers = {} as Record<"npm-start" | "next-start", AppServer>;
      for (const entry of ["npm-start", "next-start"] as ServerEntry[]) {
        const server = await startAppServer({
          distDir: settings.distDir,
          databaseUrl: database.url,
          encryptionKey: benchEncryptionKey,
          poolSize: settings.poolSize,
          logFile: path.join(settings.resultsDir, `${settings.runStamp}-goals-${entry}.log`),
          entry,
          extraEnv: unreachableLimits,
        });
        stops.push(server.stop);
        servers[entry] = server;
      }
      const lean = await startLeanServer({
        databaseUrl: database.url,
        encryptionKey: benchEncryptionKey,
        poolSize: settings.poolSize,
        resultsDir: settings.resultsDir,
        logFile: path.join(settings.resultsDir, `${settings.runStamp}-goals-lean.log`),
      });
      stops.push(lean.stop);
      // The floor's pool and pg-boss's are opened for their own cells only: with two app
      // servers and the lean server also holding pools, the shared server's
      // max_connections would otherwise run out.
      const setup = postgresDriver(database.url, 2, "");
      const floorRows = await prepareRawCallbackRows(setup, org.orgId, concurrency);
      const leanRows = await prepareRawCallbackRows(setup, org.orgId, concurrency);
      await setup.close();
      const queue = "bench-cycle";

      const webhook = new Webhook(org.signingSecret);
      // Each app cell completes workflows of its own, made beforehand through that server (warm-up included).
      const warmOps = 200;
      const perServer = rounds * opsPerCell + warmOps;
      settings.log(`callback-goals: preparing ${perServer * 2} workflows with a task`);
      const [npmTargets, nextTargets] = await Promise.all(
        (["npm-start", "next-start"] as const).map(async (entry) => prepareCallbackTargets(servers[entry].baseUrl, await accessToken(servers[entry].baseUrl, org), perServer)),
      );
      const queues = { "npm-start": new WorkQueue(npmTargets!), "next-start": new WorkQueue(nextTargets!) };

      const appLoad = (entry: "npm-start" | "next-start", maxOps: number) => {
        const client = new LoopbackClient(servers[entry].baseUrl, concurrency);
        return runLoad({ concurrency, durationMs: timeCapMs, maxOps }, async () => {
          const target = queues[entry].take();
          if (target === undefined) return "exhausted";
          const response = expectStatus(await client.postJson(target, callbackBody, signatureHeaders(webhook, callbackBody)), 200, "callback");
          if (!response.body.includes('"COMPLETED"')) throw new Error(`callback did not complete the workflow: ${response.body.slice(0, 200)}`);
          return "ok";
        }).finally(() => client.close());
      };
      const leanClient = new LoopbackClient(lean.baseUrl, concurrency);
      stops.push(async () => leanClient.close());
      const leanLoad = (maxOps: number) =>
        runLoad({ concurrency, durationMs: timeCapMs, maxOps }, async (index) => {
          const row = leanRows[index]!;
          const response = expectStatus(await leanClient.postJson(`/callback/${row.workflowId}`, callbackBody, signatureHeaders(webhook, callbackBody)), 200, "lean callback");
          if (!response.body.includes('"COMPLETED"')) throw new Error(`lean callback: ${response.body.slice(0, 200)}`);
          return "ok";
        });
      // A session per cell: opened (pools connected, warmed) before the clock starts, closed after.
      interface Session {
        run: (maxOps: number) => Promise<LoadResult>;
        close: () => Promise<void>;
      }
      const floorSession = async (): Promise<Session> => {
        const driver = postgresDriver(database.url, settings.poolSize, "");
        const write = async (index: number) => {
          await rawCallbackCollapsed(driver, floorRows[index]!);
          return "ok" as const;
        };
        await runLoad({ concurrency, durationMs: timeCapMs, maxOps: 200 }, write);
        return { run: (maxOps) => runLoad({ concurrency, durationMs: timeCapMs, maxOps }, write), close: () => driver.close() };
      };
      let queueCreated = false;
      const bossSession = async (): Promise<Session> => {
        const boss = new PgBoss({ connectionString: database.url, max: settings.poolSize, schedule: false, supervise: false });
        boss.on("error", (error: unknown) => settings.log(`pg-boss: ${String(error)}`));
        await boss.start();
        if (!queueCreated) await boss.createQueue(queue);
        queueCreated = true;
        const cycle = async () => {
          await boss.send(queue, { workflowId: randomUUID() });
          const [job] = await boss.fetch(queue);
          if (!job) throw new Error("pg-boss fetch found no job right after a send");
          await boss.complete(queue, job.id);
          return "ok" as const;
        };
        await runLoad({ concurrency, durationMs: timeCapMs, maxOps: 200 }, cycle);
        return { run: (maxOps) => runLoad({ concurrency, durationMs: timeCapMs, maxOps }, cycle), close: () => boss.stop({ graceful: false }) };
      };
      const open = (run: (maxOps: number) => Promise<LoadResult>) => async (): Promise<Session> => ({ run, close: async () => undefined });

      const loads: Record<CellKind, { probe: CpuProbeTargets; open: () => Promise<Session> }> = {
        "npm-start": { probe: { appServerPid: servers["npm-start"].pid, databasePids: backends.pids }, open: open((n) => appLoad("npm-start", n)) },
        "next-start": { probe: { appServerPid: servers["next-start"].pid, databasePids: backends.pids }, open: open((n) => appLoad("next-start", n)) },
        lean: { probe: { appServerPid: lean.pid, databasePids: backends.pids }, open: open(leanLoad) },
        floor: { probe: { databasePids: backends.pids }, open: floorSession },
        "pg-boss": { probe: { databasePids: backends.pids }, open: bossSession },
      };
      const order: CellKind[] = ["npm-start", "next-start", "lean", "floor", "pg-boss"];
      // Warm-up of every path (JIT, pools, route modules), not recorded.
      for (const kind of order) {
        const session = await loads[kind].open();
        await session.run(kind === "npm-start" || kind === "next-start" ? warmOps : 300);
        await session.close();
      }
      for (let round = 1; round <= rounds; round++) {
        // Alternate the order so that no cell always runs first or last in a round.
        const inRound = round % 2 === 1 ? order : [...order].reverse();
        for (const kind of inRound) {
          const session = await loads[kind].open();
          const cell = await measured(kind, round, loads[kind].probe, () => session.run(opsPerCell)).finally(() => session.close());
          cells.push(cell);
          settings.log(
            `goals r${round} ${kind.padEnd(10)} ${formatRate(cell.perSecond).padStart(6)}/s p50 ${formatMs(cell.p50Ms)} p99 ${formatMs(cell.p99Ms)} ms ` +
              `server ${formatMs(cell.cpu.appServerMsPerOp)} db ${formatMs(cell.cpu.databaseMsPerOp)} bench ${formatMs(cell.cpu.benchMsPerOp)} ms/op${cell.failed ? ` FAILED ${cell.failed}: ${cell.failures[0]}` : ""}`,
          );
        }
      }
      const markdown = goalsMarkdown(cells, { concurrency, rounds, opsPerCell, poolSize: settings.poolSize, database: `${database.kind} ${serverVersion}` });
      return { data: { concurrency, rounds, opsPerCell, database: `${database.kind} ${serverVersion}`, cells }, markdown };
    } finally {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await database.drop();
    }
  },
};

interface Summary {
  kind: CellKind;
  perSecond: number;
  rates: number[];
  p50Ms: number;
  p99Ms: number;
  cells: Cell[];
}

function summarize(cells: Cell[], kind: CellKind): Summary {
  const mine = cells.filter((c) => c.kind === kind);
  return {
    kind,
    perSecond: median(mine.map((c) => c.perSecond)),
    rates: mine.map((c) => c.perSecond),
    p50Ms: median(mine.map((c) => c.p50Ms)),
    p99Ms: median(mine.map((c) => c.p99Ms)),
    cells: mine,
  };
}

function goalsMarkdown(cells: Cell[], run: { concurrency: number; rounds: number; opsPerCell: number; poolSize: number; database: string }): string {
  const kinds: CellKind[] = ["npm-start", "next-start", "lean", "floor", "pg-boss"];
  const s = Object.fromEntries(kinds.map((k) => [k, summarize(cells, k)])) as Record<CellKind, Summary>;
  const callback = s["npm-start"].perSecond;
  const cpu = (summary: Summary, pick: (c: Cell) => number | null) => mean(summary.cells.map((c) => pick(c) ?? Number.NaN));
  const rows = kinds.map((kind) => {
    const summary = s[kind];
    const serverMs = cpu(summary, (c) => c.cpu.appServerMsPerOp);
    return [
      cellLabel[kind],
      `**${formatRate(summary.perSecond)}**`,
      summary.rates.map(formatRate).join(" / "),
      `${formatMs(summary.p50Ms)} / ${formatMs(summary.p99Ms)}`,
      Number.isNaN(serverMs) ? "–" : formatMs(serverMs),
      formatMs(cpu(summary, (c) => c.cpu.databaseMsPerOp)),
      formatMs(cpu(summary, (c) => c.cpu.benchMsPerOp)),
      formatMs(mean(summary.cells.map(totalMsPerOp))),
      kind === "npm-start" ? "1" : formatRatio(callback / summary.perSecond),
      limitOf(summary.cells.at(-1)!),
    ];
  });
  const aims: Array<[string, CellKind, number]> = [
    ["callback ÷ floor", "floor", 0.8],
    ["callback ÷ lean server", "lean", 0.7],
    ["callback ÷ pg-boss cycle", "pg-boss", 1.0],
    ["`npm start` ÷ `next start`", "next-start", 1.0],
  ];
  const aimLines = aims.map(([name, kind, aim]) => {
    const ratio = callback / s[kind].perSecond;
    return `- ${name}: **${formatRatio(ratio)}** (aim ≥ ${aim.toFixed(1)}) — ${ratio >= aim ? "met" : "not met"}`;
  });
  return [
    `${run.concurrency} closed-loop clients, ${run.opsPerCell} operations per cell, ${run.rounds} interleaved rounds (round 2 in reverse order); ` +
      `app and lean server pools ${run.poolSize} connections. "callback" is ${serverEntryLabel("npm-start")}, the server users run. ` +
      `Every cell on the same database (${run.database}) in the same run; the floor and pg-boss run in the bench process (their Node CPU is the "load generator" column).`,
    "",
    ...aimLines,
    "",
    markdownTable(
      ["cell", "ops/s (median)", "per round", "p50 / p99 ms", "server CPU ms/op", "PostgreSQL CPU ms/op", "load generator CPU ms/op", "total CPU ms/op", "callback ÷ this", "what limits it (last round)"],
      rows,
    ),
  ].join("\n");
}
