// Timeout sweep cost: 10,000 overdue tasks among 100,000 and among 1,000,000
// workflows on PostgreSQL. The claim query walks the Task(status, deadlineAt)
// index, so its cost should follow the overdue count, not the table size.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { createBenchDatabase } from "./support/bench-database";

const overdue = 10_000;
const sizes = [100_000, 1_000_000];

interface SweepCell {
  workflows: number;
  overdue: number;
  seedSeconds: number;
  sweepSeconds: number;
  timedOut: number;
  tasksPerSecond: number;
  claimPlan: string;
  firstBatchMs: number;
}

async function seed(client: pg.Client, orgId: string, workflows: number): Promise<void> {
  const now = Date.now();
  // Three populations: settled long ago (deadline past but SUCCEEDED), waiting (deadline ahead), overdue.
  await client.query(`
    INSERT INTO "Workflow" ("orgId", "id", "customerId", "status", "version", "requestHash", "initiatedAt", "sessionState", "currentTaskId", "deadlineAt", "createdAt", "updatedAt")
    SELECT $1::uuid, md5('w' || i)::uuid, 'C-' || i,
           CASE WHEN i <= $3::int THEN 'PENDING' WHEN i % 2 = 0 THEN 'COMPLETED' ELSE 'PENDING' END,
           2, 'bench', to_timestamp($4::bigint / 1000.0), 'NONE', md5('t' || i)::uuid, NULL, to_timestamp($4::bigint / 1000.0), to_timestamp($4::bigint / 1000.0)
    FROM generate_series(1, $2::int) AS i`, [orgId, workflows, overdue, now - 3600_000]);
  await client.query(`
    INSERT INTO "Task" ("id", "orgId", "workflowId", "type", "payload", "status", "timeoutSeconds", "deadlineAt", "callbackVersion", "createdAt", "updatedAt")
    SELECT md5('t' || i)::uuid, $1::uuid, md5('w' || i)::uuid, 'BENCH', '{}'::jsonb,
           CASE WHEN i <= $3::int THEN 'ACCEPTED' WHEN i % 2 = 0 THEN 'SUCCEEDED' ELSE 'ACCEPTED' END, 600,
           CASE WHEN i <= $3::int THEN to_timestamp(($4::bigint - 60000) / 1000.0)
                WHEN i % 2 = 0 THEN to_timestamp(($4::bigint - 1800000) / 1000.0)
                ELSE to_timestamp(($4::bigint + 3600000) / 1000.0) END,
           2, to_timestamp($4::bigint / 1000.0), to_timestamp($4::bigint / 1000.0)
    FROM generate_series(1, $2::int) AS i`, [orgId, workflows, overdue, now]);
  await client.query(`ANALYZE "Workflow"; ANALYZE "Task"`);
}

async function runSize(settings: BenchSettings, workflows: number): Promise<SweepCell> {
  const database = await createBenchDatabase("postgres", settings.postgresServerUrl);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const orgId = randomUUID();
    await client.query(`INSERT INTO "Org" ("id", "region", "settings", "updatedAt") VALUES ($1, 'mypurecloud.com', '{}', now())`, [orgId]);
    const seedStart = performance.now();
    await seed(client, orgId, workflows);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    settings.log(`timeout-sweep: seeded ${workflows} workflows in ${seedSeconds.toFixed(1)} s`);

    // The sweep runs in this process through the app's own code and driver.
    process.env.DATABASE_URL = database.url;
    process.env.LOG_LEVEL = "error";
    const { resetEnvCache } = await import("@/lib/env");
    resetEnvCache();
    const { sweepTimeouts } = await import("@/lib/timeouts/sweep-timeouts");
    const { closeDb, db } = await import("@/lib/db/client");
    const { claimOverdueTasksPlan } = await import("@/lib/db/workflow-writes");
    const { Prisma } = await import("@/lib/generated/prisma/client");
    // The claim the sweep really sends (the writer's builder), with the rows each step really read.
    const explained = await (await db()).$transaction((tx) =>
      tx.$queryRaw<Array<{ "QUERY PLAN": string }>>(Prisma.sql`EXPLAIN (ANALYZE, TIMING OFF) ${claimOverdueTasksPlan(new Date(), 500)}`),
    );
    const claimPlan = explained
      .map((r) => r["QUERY PLAN"])
      .filter((line) => /Scan|Sort|Append|Execution Time/.test(line) && !/Sort Key/.test(line))
      .map((l) => l.trim().replace(/\(cost=[^)]*\) /, ""))
      .join(" → ");
    const firstStart = performance.now();
    const first = await sweepTimeouts({ batchSize: 500, maxBatches: 1, deliver: false });
    const firstBatchMs = performance.now() - firstStart;
    const start = performance.now();
    const rest = await sweepTimeouts({ batchSize: 500, maxBatches: 1000, deliver: false });
    const sweepSeconds = (performance.now() - start) / 1000 + firstBatchMs / 1000;
    await closeDb();
    const timedOut = first.timedOut + rest.timedOut;
    return { workflows, overdue, seedSeconds, sweepSeconds, timedOut, tasksPerSecond: timedOut / sweepSeconds, claimPlan, firstBatchMs };
  } finally {
    await client.end();
    await database.drop();
  }
}

export const timeoutSweep: BenchModule = {
  name: "timeout-sweep",
  async run(settings) {
    if (!settings.databases.includes("postgres")) return { data: [], markdown: "_Skipped: needs PostgreSQL (BENCH_DATABASES)._" };
    const cells: SweepCell[] = [];
    for (const size of sizes) cells.push(await runSize(settings, size));
    const rows = cells.map((c) =>
      `| ${c.workflows.toLocaleString("en")} | ${c.overdue.toLocaleString("en")} | ${c.timedOut.toLocaleString("en")} | ${c.sweepSeconds.toFixed(2)} s | ${Math.round(c.tasksPerSecond).toLocaleString("en")} | ${c.firstBatchMs.toFixed(0)} ms |`,
    );
    const markdown = [
      "Sweep of 10,000 overdue tasks (claim with `FOR UPDATE SKIP LOCKED`, TIME_OUT transition, event and escalation outbox row per task, batches of 500), PostgreSQL, in-process through the app's code. Half of the other tasks are settled with deadlines in the past, half wait with deadlines ahead.",
      "",
      "| workflows | overdue | timed out | sweep time | tasks/s | first batch of 500 |",
      "| ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
      `Claim plan of the first batch (1,000,000 workflows; EXPLAIN ANALYZE of the writer's claimOverdueTasksPlan): \`${cells.at(-1)?.claimPlan ?? ""}\``,
    ].join("\n");
    return { data: cells, markdown };
  },
};
