// Timeout sweep cost: 10,000 overdue tasks among 100,000 and among 1,000,000
// workflows on PostgreSQL. The claim walks the partial index on the active
// tasks' (deadlineAt, id) by keyset, so its cost should follow the overdue
// count, not the table size. Then the escalations the sweep made are drained
// by the outbox for one cell's time, and the rate is reported.
//
// BENCH_TIMEOUT_SWEEP_SIZES=100000 runs one smaller table (trial runs).
import type pg from "pg";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { explainClaim, needsPostgres, sweepSizes, timedSweep, withSweepDatabase } from "./support/sweep-cell";

const overdue = 10_000;
const sizes = sweepSizes("BENCH_TIMEOUT_SWEEP_SIZES", [100_000, 1_000_000], overdue);

interface SweepCell {
  workflows: number;
  overdue: number;
  seedSeconds: number;
  sweepSeconds: number;
  timedOut: number;
  tasksPerSecond: number;
  claimPlan: string;
  claimBuffers: string;
  firstBatchMs: number;
  concurrency: number;
  drain: { seconds: number; delivered: number; perSecond: number; left: number };
}

const concurrency = 3;

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
}

async function runSize(settings: BenchSettings, workflows: number): Promise<SweepCell> {
  return withSweepDatabase(settings, `timeout-sweep: ${workflows} workflows`, (client, orgId) => seed(client, orgId, workflows), async ({ client, seedSeconds }) => {
    const { sweepTimeouts } = await import("@/lib/timeouts/sweep-timeouts");
    const { claimOverdueTasksPlan } = await import("@/lib/db/workflow-writes");
    const claim = await explainClaim(claimOverdueTasksPlan(new Date(), 500), { buffers: true, nodes: /Scan|Sort|Append|Execution Time/ });
    const sweep = await timedSweep(
      () => sweepTimeouts({ batchSize: 500, maxBatches: 1, deliver: false, concurrency: 1 }),
      () => sweepTimeouts({ batchSize: 500, maxBatches: 1000, deliver: false, concurrency }),
    );
    const timedOut = sweep.first.timedOut + sweep.rest.timedOut;

    // The escalations drain through the outbox as the worker runs it (no Genesys credentials here: each one
    // becomes an open notice and an ESCALATION_DELIVERED write, the path with the most database work).
    const { processOutbox } = await import("@/lib/outbox/process-outbox");
    const drainStart = performance.now();
    let delivered = 0;
    while (performance.now() - drainStart < settings.cellMs) {
      const run = await processOutbox({ kinds: ["ESCALATE"], maxBatches: 1 });
      delivered += run.delivered;
      if (run.claimed === 0) break;
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const left = Number((await client.query(`SELECT count(*) FROM "Delivery" WHERE "kind" = 'ESCALATE' AND "status" = 'PENDING'`)).rows[0].count);
    return {
      workflows, overdue, seedSeconds, sweepSeconds: sweep.sweepSeconds, timedOut, tasksPerSecond: timedOut / sweep.sweepSeconds, claimPlan: claim.plan, claimBuffers: claim.buffers,
      firstBatchMs: sweep.firstBatchMs, concurrency, drain: { seconds: drainSeconds, delivered, perSecond: delivered / drainSeconds, left },
    };
  });
}

export const timeoutSweep: BenchModule = {
  name: "timeout-sweep",
  async run(settings) {
    const skipped = needsPostgres(settings);
    if (skipped) return skipped;
    const cells: SweepCell[] = [];
    for (const size of sizes) cells.push(await runSize(settings, size));
    const rows = cells.map((c) =>
      `| ${c.workflows.toLocaleString("en")} | ${c.overdue.toLocaleString("en")} | ${c.timedOut.toLocaleString("en")} | ${c.sweepSeconds.toFixed(2)} s | ${Math.round(c.tasksPerSecond).toLocaleString("en")} | ${c.firstBatchMs.toFixed(0)} ms | ${Math.round(c.drain.perSecond)}/s (${c.drain.delivered.toLocaleString("en")} in ${c.drain.seconds.toFixed(1)} s, ${c.drain.left.toLocaleString("en")} left) |`,
    );
    const ratio = cells.length === 2 ? cells[1]!.sweepSeconds / cells[0]!.sweepSeconds : Number.NaN;
    const markdown = [
      `Sweep of 10,000 overdue tasks (claim with \`FOR UPDATE SKIP LOCKED\` by keyset on the partial index of active deadlines, TIME_OUT transition, event and escalation outbox row per task, batches of 500, ${concurrency} batches side by side), PostgreSQL, in-process through the app's code. Half of the other tasks are settled with deadlines in the past, half wait with deadlines ahead. Then the escalations drain through the outbox (claimed 50 at a time, 8 in flight, each batch settled with one statement; no Genesys credentials, so each becomes an open notice) for one cell's time.`,
      "",
      "| workflows | overdue | timed out | sweep time | tasks/s | first batch of 500 | escalations drained |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
      `1,000,000 ÷ 100,000 sweep time: ${ratio.toFixed(2)}× (aim ≤ 1.2×; aim ≤ 2 s each).`,
      "",
      `Claim plan of the first batch (1,000,000 workflows; EXPLAIN (ANALYZE, BUFFERS) of the writer's claimOverdueTasksPlan): \`${cells.at(-1)?.claimPlan ?? ""}\`; \`${cells.at(-1)?.claimBuffers ?? ""}\``,
    ].join("\n");
    return { data: cells, markdown };
  },
};
