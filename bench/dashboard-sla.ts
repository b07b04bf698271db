// Issue 7: the admin dashboard's queries on a million workflows, on
// PostgreSQL. Seeds one org with 1,000,000 workflows spread over 30 days (one
// task each, 3–4 events per task: ~3.4 M events) plus a second org of 100,000,
// then rolls the SLA events up (lib/admin/sla-rollup.ts: the first run catches
// up the whole history) and times the SLA report (lib/admin/sla-report.ts)
// over 24 hours, 7, 30 and 90 days, with the last hour not rolled up yet and
// with everything rolled up, and the workflow search
// (lib/admin/workflow-search.ts) with each filter and deep keyset pages — the
// very functions the pages and the job call. The plans are checked for
// sequential scans on the big tables.
//
// Plug-in: add `import dashboardSla from "./dashboard-sla";` to bench/run.ts
// and put it in `modules` (BENCH_ONLY=dashboard-sla runs it alone). Alone:
// `npx tsx bench/dashboard-sla.ts` (TEST_DATABASE_URL or
// postgresql://postgres:postgres@127.0.0.1:5432/postgres; WORKFLOWS=… to size).
import { randomUUID } from "node:crypto";
import os from "node:os";
import pg from "pg";
import type { SlaReport } from "@/lib/admin/sla-report";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { createBenchDatabase } from "./support/bench-database";
import { markdownTable } from "./support/markdown-table";

const workflowsMain = Number(process.env.WORKFLOWS ?? 1_000_000);
const workflowsOther = Math.round(workflowsMain / 10);
const spanDays = 30;
const repeats = 5;
const taskTypes = ["FRAUD_VERIFICATION", "CREDIT_CHECK", "KYC_REVIEW", "ERP_ORDER"];

const bigTables = ["Workflow", "Task", "Event", "SlaPeriod", "SlaDurationBucket"];

interface Timing {
  query: string;
  rows: number;
  medianMs: number;
  p95Ms: number;
  seqScans: string[];
}

/** One INSERT … SELECT generate_series per table; outcome decided by the workflow's number. */
async function seed(client: pg.Client, orgId: string, count: number, log: (m: string) => void): Promise<void> {
  const started = Date.now();
  const end = "timestamp '2026-11-27 00:00:00'";
  await client.query(`INSERT INTO "Org" ("id", "region", "name", "updatedAt") VALUES ($1, 'mypurecloud.com', 'bench', now())`, [orgId]);
  // n-th workflow: created n·span/count seconds into the 30 days; task type n % 4; outcome by n % 20.
  await client.query(`
    INSERT INTO "Workflow" ("orgId", "id", "customerId", "conversationId", "status", "version", "requestHash", "initiatedAt", "createdAt", "updatedAt", "currentTaskId", "sessionState")
    SELECT $1::uuid, md5('w' || $1 || n)::uuid, 'C-' || (n % 50000), md5('c' || n)::uuid::text,
           CASE WHEN n % 20 < 17 THEN 'COMPLETED' WHEN n % 20 = 17 THEN 'FAILED' ELSE 'TIMED_OUT' END, 4, 'x',
           ${end} - interval '${spanDays} days' + (n * ${spanDays * 86400}.0 / $2) * interval '1 second',
           ${end} - interval '${spanDays} days' + (n * ${spanDays * 86400}.0 / $2) * interval '1 second',
           now(), md5('t' || $1 || n)::uuid, 'ENDED'
    FROM generate_series(1, $2::int) AS n`, [orgId, count]);
  await client.query(`
    INSERT INTO "Task" ("id", "orgId", "workflowId", "type", "payload", "status", "timeoutSeconds", "deadlineAt", "callbackVersion", "lateResult", "createdAt", "updatedAt")
    SELECT md5('t' || $1 || n)::uuid, $1::uuid, md5('w' || $1 || n)::uuid, (ARRAY['${taskTypes.join("','")}'])[1 + n % 4], '{}',
           CASE WHEN n % 20 < 17 THEN 'SUCCEEDED' WHEN n % 20 = 17 THEN 'FAILED' ELSE 'TIMED_OUT' END, 900,
           ${end} - interval '${spanDays} days' + (n * ${spanDays * 86400}.0 / $2 + 900) * interval '1 second', 2, n % 20 = 19,
           ${end} - interval '${spanDays} days' + (n * ${spanDays * 86400}.0 / $2) * interval '1 second', now()
    FROM generate_series(1, $2::int) AS n`, [orgId, count]);
  // Events: dispatched at creation, accepted 1 s later, then a result after 5–600 s, or a timeout at 900 s (every other one followed by a late result).
  await client.query(`
    INSERT INTO "Event" ("orgId", "workflowId", "taskId", "type", "fromStatus", "toStatus", "version", "actor", "data", "createdAt")
    SELECT $1::uuid, md5('w' || $1 || n)::uuid, md5('t' || $1 || n)::uuid, e.type, 'PENDING', e.to_status, e.version, 'bench', e.data, e.at
    FROM generate_series(1, $2::int) AS n
    CROSS JOIN LATERAL (SELECT ${end} - interval '${spanDays} days' + (n * ${spanDays * 86400}.0 / $2) * interval '1 second' AS t0) base
    CROSS JOIN LATERAL (VALUES
      ('TASK_DISPATCHED', 'PENDING', 2, jsonb_build_object('task_type', (ARRAY['${taskTypes.join("','")}'])[1 + n % 4]), base.t0),
      ('TASK_ACCEPTED', 'PENDING', 2, NULL::jsonb, base.t0 + interval '1 second'),
      (CASE WHEN n % 20 < 17 THEN 'TASK_SUCCEEDED' WHEN n % 20 = 17 THEN 'TASK_FAILED' ELSE 'TASK_TIMED_OUT' END,
       CASE WHEN n % 20 < 17 THEN 'COMPLETED' WHEN n % 20 = 17 THEN 'FAILED' ELSE 'TIMED_OUT' END, 3, NULL::jsonb,
       base.t0 + CASE WHEN n % 20 < 18 THEN (5 + (n::bigint * 7919) % 596) * interval '1 second' ELSE interval '900 seconds' END)
    ) AS e(type, to_status, version, data, at)`, [orgId, count]);
  await client.query(`
    INSERT INTO "Event" ("orgId", "workflowId", "taskId", "type", "fromStatus", "toStatus", "version", "actor", "createdAt")
    SELECT $1::uuid, md5('w' || $1 || n)::uuid, md5('t' || $1 || n)::uuid, 'LATE_RESULT', 'TIMED_OUT', 'TIMED_OUT', 4, 'bench',
           ${end} - interval '${spanDays} days' + (n * ${spanDays * 86400}.0 / $2 + 1200) * interval '1 second'
    FROM generate_series(1, $2::int) AS n WHERE n % 20 = 19`, [orgId, count]);
  log(`dashboard-sla: seeded ${count.toLocaleString("en")} workflows for one org in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function time(label: string, run: () => Promise<number>): Promise<Omit<Timing, "seqScans">> {
  await run(); // warm the cache: the dashboard is read repeatedly
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    rows = await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { query: label, rows, medianMs: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95) };
}

/** Sequential scans on the big tables in the plan of a statement. */
async function seqScansOf(client: pg.Client, sql: string, params: unknown[]): Promise<string[]> {
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const found: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (node["Node Type"] === "Seq Scan" && bigTables.includes(String(node["Relation Name"]))) found.push(String(node["Relation Name"]));
    for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
  };
  walk((rows[0]["QUERY PLAN"] as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan);
  return found;
}

/**
 * The largest relative deviation of the report's p50/p95 from the exact
 * percentile_cont over the same results (those that arrived in the range);
 * throws beyond the histogram's stated bound.
 */
async function percentileDeviation(client: pg.Client, orgId: string, report: SlaReport, errorFactor: number): Promise<number> {
  const { rows } = await client.query<{ task_type: string; p50: number; p95: number }>(
    `SELECT d."data"->>'task_type' AS task_type,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM r."createdAt" - d."createdAt"))::float8 AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM r."createdAt" - d."createdAt"))::float8 AS p95
     FROM "Event" r
     JOIN "Event" d ON d."orgId" = r."orgId" AND d."workflowId" = r."workflowId" AND d."taskId" = r."taskId" AND d."type" = 'TASK_DISPATCHED'
     WHERE r."orgId" = $1 AND r."type" IN ('TASK_SUCCEEDED', 'TASK_FAILED') AND r."createdAt" >= ($2::timestamptz AT TIME ZONE 'UTC') AND r."createdAt" < ($3::timestamptz AT TIME ZONE 'UTC')
     GROUP BY 1`,
    [orgId, report.from.toISOString(), report.to.toISOString()],
  );
  let worst = 0;
  for (const exact of rows) {
    const estimated = report.perTaskType.find((r) => r.taskType === exact.task_type);
    for (const [estimate, value] of [[estimated?.p50Seconds, exact.p50], [estimated?.p95Seconds, exact.p95]] as const) {
      if (estimate === null || estimate === undefined || !(estimate > value / errorFactor && estimate <= value * errorFactor)) {
        throw new Error(`dashboard-sla: ${exact.task_type}: ${String(estimate)} s is not within the histogram's error of ${value} s`);
      }
      worst = Math.max(worst, Math.abs(estimate / value - 1));
    }
  }
  if (rows.length === 0) throw new Error("dashboard-sla: no results to check the percentiles against");
  return worst;
}

async function run(settings: BenchSettings): Promise<{ data: unknown; markdown: string }> {
  const database = await createBenchDatabase("postgres", settings.postgresServerUrl);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const previousUrl = process.env.DATABASE_URL;
  try {
    const orgId = randomUUID();
    await seed(client, orgId, workflowsMain, settings.log);
    await seed(client, randomUUID(), workflowsOther, settings.log);
    // What autovacuum does to a table after a burst of inserts: statistics, and the visibility map that lets index-only scans skip the heap.
    await client.query("VACUUM ANALYZE");
    const { rows: sizes } = await client.query(`SELECT (SELECT count(*) FROM "Workflow")::int AS workflows, (SELECT count(*) FROM "Event")::int AS events`);

    // The app's own query code, against this database.
    process.env.DATABASE_URL = database.url;
    const { resetEnvCache } = await import("@/lib/env");
    resetEnvCache();
    const { closeDb } = await import("@/lib/db/client");
    const { slaRange, slaRangeParts, slaReport, slaReportSql } = await import("@/lib/admin/sla-report");
    const { addChunkSql, rollUpSla, settleLagMs } = await import("@/lib/admin/sla-rollup");
    const { histogramErrorFactor } = await import("@/lib/admin/sla-histogram");
    const { searchWorkflows, workflowSearchSchema } = await import("@/lib/admin/workflow-search");

    const end = new Date("2026-11-27T00:00:00Z");
    const back = (days: number) => new Date(end.getTime() - days * 86_400_000);
    const hourMs = 3_600_000;

    // The rollup job as it runs after the migration: the first run catches up the whole history of both orgs,
    // here up to one hour before the end so that the report can be timed with an hour not rolled up yet.
    const rollups: Array<{ run: string; events: number; chunks: number; ms: number; seqScans: string[] }> = [];
    const rollUp = async (label: string, now: Date) => {
      const started = performance.now();
      const run = await rollUpSla({ now, budgetMs: Number.POSITIVE_INFINITY });
      const ms = performance.now() - started;
      if (run.failed > 0 || run.behind > 0) throw new Error(`dashboard-sla: rollup left orgs out: ${JSON.stringify(run)}`);
      const chunk = addChunkSql(orgId, back(10), back(9));
      rollups.push({ run: label, events: run.events, chunks: run.chunks, ms, seqScans: await seqScansOf(client, chunk.text, chunk.values) });
      settings.log(`dashboard-sla: ${label}: ${run.events.toLocaleString("en")} events in ${(ms / 1000).toFixed(1)} s`);
    };
    await rollUp("first run: the whole history up to 1 hour before the end", new Date(end.getTime() - hourMs + settleLagMs));
    // What autovacuum does after the first run's burst of inserts.
    await client.query(`VACUUM ANALYZE "SlaPeriod", "SlaDurationBucket", "SlaRollupState"`);

    const timings: Timing[] = [];
    /** Times the report and checks the plan of its statement, with the parts the report itself reads. */
    const timeReport = async (label: string, from: Date, to: Date) => {
      const timing = await time(label, async () => {
        const report = await slaReport(orgId, { from, to });
        return report.perTaskType.reduce((n, r) => n + r.dispatched, 0);
      });
      // As epoch milliseconds: node-postgres would read a timestamp without time zone in this process's zone.
      const { rows } = await client.query<{ ms: number }>(`SELECT extract(epoch FROM "rolledUpTo")::float8 * 1000 AS ms FROM "SlaRollupState" WHERE "orgId" = $1`, [orgId]);
      const statement = slaReportSql(orgId, slaRangeParts(from, to, rows[0] ? new Date(rows[0].ms) : null, slaRange({ from, to }).bucket), slaRange({ from, to }).bucket);
      timings.push({ ...timing, seqScans: await seqScansOf(client, statement.text, statement.values) });
      settings.log(`dashboard-sla: ${timing.query}: median ${timing.medianMs.toFixed(1)} ms`);
    };
    const lastDays = (days: number) => (days === 1 ? "last 24 hours" : `last ${days} days`);
    for (const days of [1, 30]) await timeReport(`SLA report, ${lastDays(days)}, last hour not rolled up yet`, back(days), end);
    const withTail = await Promise.all([1, 30].map((days) => slaReport(orgId, { from: back(days), to: end })));

    // The next run adds that hour and the results that came after the end.
    await rollUp("next run: the last hour and the 20 minutes after it", new Date(end.getTime() + hourMs / 2 + settleLagMs));
    for (const days of [1, 7, 30, 90]) await timeReport(`SLA report, ${lastDays(days)}`, back(days), end);
    // Honest figures: the same with the last hour read live as read from the rollup, and percentiles within the histogram's error of the exact ones.
    const rolled = await Promise.all([1, 30].map((days) => slaReport(orgId, { from: back(days), to: end })));
    if (JSON.stringify(rolled) !== JSON.stringify(withTail)) throw new Error("dashboard-sla: the report changed when the last hour was rolled up");
    const deviation = await percentileDeviation(client, orgId, rolled[0]!, histogramErrorFactor);
    // An old window, and one whose edges are not whole hours (those partial hours are read from events).
    await timeReport("SLA report, one day three weeks ago", back(21), back(20));
    await timeReport("SLA report, 7 days from 00:17 to 23:47", new Date(back(7).getTime() + 17 * 60_000), new Date(end.getTime() - 13 * 60_000));
    const { rows: rollupSizes } = await client.query(`SELECT (SELECT count(*) FROM "SlaPeriod")::int AS periods, (SELECT count(*) FROM "SlaDurationBucket")::int AS buckets`);

    const search = (q: Record<string, string>) => async () => (await searchWorkflows(orgId, workflowSearchSchema.parse(q))).workflows.length;
    const searches: Array<[string, Record<string, string>]> = [
      ["Search: first page, no filter", {}],
      ["Search: status = TIMED_OUT", { status: "TIMED_OUT" }],
      ["Search: customer id", { customerId: "C-4242" }],
      ["Search: conversation id", { conversationId: "00000000-0000-0000-0000-000000000000" }],
      ["Search: task type = KYC_REVIEW", { taskType: "KYC_REVIEW" }],
      ["Search: time range (one day, 3 weeks ago)", { from: back(21).toISOString(), to: back(20).toISOString() }],
    ];
    for (const [label, q] of searches) {
      const timing = await time(label, search(q));
      timings.push({ ...timing, seqScans: [] });
    }
    // Page 200 of the unfiltered list: each page is a keyset step, as the "Next page" link makes it.
    let cursor: string | null = null;
    for (let i = 0; i < 199; i++) cursor = (await searchWorkflows(orgId, workflowSearchSchema.parse(cursor ? { cursor } : {}))).nextCursor;
    timings.push({ ...(await time("Search: page 200 (keyset cursor)", search({ cursor: cursor! }))), seqScans: [] });

    await closeDb();

    const table = markdownTable(
      ["query", "rows", "median", "p95", "seq scans on big tables"],
      timings.map((t) => [t.query, String(t.rows), `${t.medianMs.toFixed(1)} ms`, `${t.p95Ms.toFixed(1)} ms`, t.seqScans.length ? t.seqScans.join(", ") : "none"]),
    );
    const rollupTable = markdownTable(
      ["rollup run (lib/admin/sla-rollup.ts, both orgs)", "events added", "chunks", "time", "events/s", "seq scans (one day's chunk)"],
      rollups.map((r) => [r.run, r.events.toLocaleString("en"), String(r.chunks), `${(r.ms / 1000).toFixed(2)} s`, Math.round(r.events / (r.ms / 1000)).toLocaleString("en"), r.seqScans.length ? r.seqScans.join(", ") : "none"]),
    );
    const markdown = [
      `PostgreSQL 15 on this machine (${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB): ${Number(sizes[0].workflows).toLocaleString("en")} workflows and ${Number(sizes[0].events).toLocaleString("en")} events in two orgs; the measured org has ${workflowsMain.toLocaleString("en")} workflows over ${spanDays} days. The rollup holds ${Number(rollupSizes[0].periods).toLocaleString("en")} counter rows and ${Number(rollupSizes[0].buckets).toLocaleString("en")} histogram rows (hour and day rows). Median and p95 of ${repeats} runs after one warm-up, through lib/admin's functions (what the pages call).`,
      "",
      rollupTable,
      "",
      `Checks: the reports over the last 24 hours and 30 days were the same with the last hour read live as after it was rolled up; the last 24 hours' p50/p95 per task type were within ${(deviation * 100).toFixed(1)} % of PostgreSQL's exact percentile_cont over the same results (the histogram's bound: −8.3 % to +9.1 %).`,
      "",
      table,
    ].join("\n");
    return { data: { workflows: sizes[0].workflows, events: sizes[0].events, rollupRows: rollupSizes[0], rollups, timings }, markdown };
  } finally {
    process.env.DATABASE_URL = previousUrl;
    await client.end();
    // BENCH_KEEP_DATABASE=1 leaves the seeded database for looking at plans by hand.
    if (process.env.BENCH_KEEP_DATABASE === "1") settings.log(`dashboard-sla: kept ${database.url}`);
    else await database.drop();
  }
}

const dashboardSla: BenchModule = { name: "dashboard-sla", run };
export default dashboardSla;

if (process.argv[1]?.endsWith("dashboard-sla.ts")) {
  const settings = {
    distDir: ".next-bench",
    databases: ["postgres"],
    concurrencies: [1],
    cellMs: 0,
    poolSize: 4,
    serverEntry: "npm-start",
    postgresServerUrl: process.env.TEST_DATABASE_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/postgres",
    resultsDir: "bench/results",
    runStamp: new Date().toISOString().replace(/[:.]/g, "-"),
    log: (m: string) => console.error(m),
  } satisfies BenchSettings;
  run(settings)
    .then((outcome) => {
      console.log(outcome.markdown);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
