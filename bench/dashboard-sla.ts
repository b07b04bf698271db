// Issue 7: the admin dashboard's queries on a million workflows, on
// PostgreSQL. Seeds one org with 1,000,000 workflows spread over 30 days (one
// task each, 3–4 events per task: ~3.4 M events) plus a second org of 100,000,
// then times the SLA report (lib/admin/sla-report.ts) over 24 hours, 7 and 30
// days, and the workflow search (lib/admin/workflow-search.ts) with each
// filter and deep keyset pages — the very functions the pages call. The plans
// are checked for sequential scans on the big tables.
//
// Plug-in: add `import dashboardSla from "./dashboard-sla";` to bench/run.ts
// and put it in `modules` (BENCH_ONLY=dashboard-sla runs it alone). Alone:
// `npx tsx bench/dashboard-sla.ts` (TEST_DATABASE_URL or
// postgresql://postgres:postgres@127.0.0.1:5432/postgres; WORKFLOWS=… to size).
import { randomUUID } from "node:crypto";
import os from "node:os";
import pg from "pg";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { createBenchDatabase } from "./support/bench-database";
import { markdownTable } from "./support/markdown-table";

const workflowsMain = Number(process.env.WORKFLOWS ?? 1_000_000);
const workflowsOther = Math.round(workflowsMain / 10);
const spanDays = 30;
const repeats = 5;
const taskTypes = ["FRAUD_VERIFICATION", "CREDIT_CHECK", "KYC_REVIEW", "ERP_ORDER"];

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

/** Sequential scans on the big tables in the plans of everything the callback runs (auto_explain in this session). */
async function seqScansOf(client: pg.Client, sql: string, params: unknown[]): Promise<string[]> {
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const found: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (node["Node Type"] === "Seq Scan" && ["Workflow", "Task", "Event"].includes(String(node["Relation Name"]))) found.push(String(node["Relation Name"]));
    for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
  };
  walk((rows[0]["QUERY PLAN"] as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan);
  return found;
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
    const { slaReport } = await import("@/lib/admin/sla-report");
    const { searchWorkflows, workflowSearchSchema } = await import("@/lib/admin/workflow-search");

    const end = new Date("2026-11-27T00:00:00Z");
    const back = (days: number) => new Date(end.getTime() - days * 86_400_000);
    const timings: Timing[] = [];
    const sla = async (days: number) => {
      const report = await slaReport(orgId, { from: back(days), to: end });
      return report.perTaskType.reduce((n, r) => n + r.dispatched, 0);
    };
    // EXPLAIN of the SLA's two statements, with the same shape the function sends.
    const slaPlanSql = `
      SELECT d."taskId", min(r."createdAt") FROM "Event" d
      LEFT JOIN "Event" r ON r."orgId" = d."orgId" AND r."taskId" = d."taskId" AND r."type" IN ('TASK_SUCCEEDED','TASK_FAILED','TASK_TIMED_OUT','LATE_RESULT') AND r."createdAt" >= $2 AND r."createdAt" < $3::timestamp + interval '8 days'
      WHERE d."orgId" = $1::uuid AND d."type" = 'TASK_DISPATCHED' AND d."createdAt" >= $2 AND d."createdAt" < $3 AND d."taskId" IS NOT NULL
      GROUP BY d."taskId"`;
    const overTimeSql = `SELECT date_trunc('hour', e."createdAt"), count(*) FROM "Event" e WHERE e."orgId" = $1::uuid AND e."type" IN ('TASK_DISPATCHED','TASK_TIMED_OUT','LATE_RESULT') AND e."createdAt" >= $2 AND e."createdAt" < $3 GROUP BY 1`;
    for (const days of [1, 7, 30]) {
      const timing = await time(`SLA report, last ${days === 1 ? "24 hours" : `${days} days`}`, () => sla(days));
      const scans = [...(await seqScansOf(client, slaPlanSql, [orgId, back(days), end])), ...(await seqScansOf(client, overTimeSql, [orgId, back(days), end]))];
      timings.push({ ...timing, seqScans: scans });
      settings.log(`dashboard-sla: ${timing.query}: median ${timing.medianMs.toFixed(1)} ms`);
    }

    // An old window: the outcome scan may not simply run from "from" to now.
    {
      const timing = await time("SLA report, one day three weeks ago", async () => {
        const report = await slaReport(orgId, { from: back(21), to: back(20) });
        return report.perTaskType.reduce((n, r) => n + r.dispatched, 0);
      });
      const scans = [...(await seqScansOf(client, slaPlanSql, [orgId, back(21), back(20)])), ...(await seqScansOf(client, overTimeSql, [orgId, back(21), back(20)]))];
      timings.push({ ...timing, seqScans: scans });
    }

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
    const markdown = [
      `PostgreSQL 15 on this machine (${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB): ${Number(sizes[0].workflows).toLocaleString("en")} workflows and ${Number(sizes[0].events).toLocaleString("en")} events in two orgs; the measured org has ${workflowsMain.toLocaleString("en")} workflows over ${spanDays} days. Median and p95 of ${repeats} runs after one warm-up, through lib/admin's functions (what the pages call).`,
      "",
      table,
    ].join("\n");
    return { data: { workflows: sizes[0].workflows, events: sizes[0].events, timings }, markdown };
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
