// Process wake-up sweep cost: 10,000 due retries and waits among 1,000,000
// workflows on PostgreSQL (issue 15). The claim walks the Workflow(wakeAt)
// index with FOR UPDATE SKIP LOCKED, so its cost should follow the due rows,
// not the table: half of the other workflows wait with a wake-up time ahead
// (in the same index), half ended long ago (no wake-up time at all).
//
// BENCH_PROCESS_SWEEP_SIZES=100000 runs a smaller table (trial runs).
import type pg from "pg";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { explainClaim, needsPostgres, sweepSizes, timedSweep, withSweepDatabase } from "./support/sweep-cell";

const due = 10_000;
const sizes = sweepSizes("BENCH_PROCESS_SWEEP_SIZES", [1_000_000], due);

/** A retried task step, then a wait: the due retries dispatch attempt 2, the due waits end their process. */
const definition = {
  steps: [
    { name: "check", kind: "task", task_type: "BENCH_CHECK", retry: { max_attempts: 5, initial_interval: 10, backoff_coefficient: 2, non_retryable: [] }, on_success: "hold" },
    { name: "hold", kind: "wait", duration: 3600, on_success: "end" },
  ],
};

interface SweepCell {
  workflows: number;
  due: number;
  seedSeconds: number;
  sweepSeconds: number;
  woken: number;
  wakesPerSecond: number;
  firstBatchMs: number;
  claimPlan: string;
}

async function seed(client: pg.Client, orgId: string, workflows: number): Promise<void> {
  const now = Date.now();
  await client.query(
    `INSERT INTO "ProcessVersion" ("orgId", "name", "version", "definition", "definitionHash", "stepCount", "createdBy", "createdAt")
     VALUES ($1, 'bench-sweep', 1, $2::jsonb, 'bench', 2, 'bench', now())`,
    [orgId, JSON.stringify(definition)],
  );
  // i ≤ due/2: a retry of "check" due a minute ago; i ≤ due: the "hold" wait due a minute ago;
  // the rest: even i ended an hour ago, odd i sleep in "hold" until an hour from now.
  await client.query(
    `INSERT INTO "Workflow" ("orgId", "id", "customerId", "status", "version", "requestHash", "initiatedAt", "sessionState", "currentTaskId",
                             "processName", "processVersion", "currentStep", "stepIndex", "stepCount", "attempt", "processPhase", "wakeAt", "stepResults", "createdAt", "updatedAt")
     SELECT $1::uuid, md5('w' || i)::uuid, 'C-' || i,
            CASE WHEN i > $3::int AND i % 2 = 0 THEN 'COMPLETED' ELSE 'PENDING' END, 3, 'bench', to_timestamp($4::bigint / 1000.0), 'UNKNOWN',
            CASE WHEN i <= $3::int THEN md5('t' || i)::uuid END,
            'bench-sweep', 1,
            CASE WHEN i <= $3::int / 2 THEN 'check' ELSE 'hold' END,
            CASE WHEN i <= $3::int / 2 THEN 0 ELSE 1 END, 2, 1,
            CASE WHEN i <= $3::int / 2 THEN 'RETRY' WHEN i <= $3::int THEN 'WAIT' WHEN i % 2 = 0 THEN 'ENDED' ELSE 'WAIT' END,
            CASE WHEN i <= $3::int THEN to_timestamp(($4::bigint - 60000) / 1000.0) WHEN i % 2 = 0 THEN NULL ELSE to_timestamp(($4::bigint + 3600000) / 1000.0) END,
            CASE WHEN i <= $3::int / 2 THEN '{}'::jsonb ELSE '{"check": {"score": 1}}'::jsonb END,
            to_timestamp(($4::bigint - 3600000) / 1000.0), to_timestamp(($4::bigint - 3600000) / 1000.0)
     FROM generate_series(1, $2::int) AS i`,
    [orgId, workflows, due, now],
  );
  // The due workflows' current tasks: the failed attempt of a retry, the succeeded check before a wait.
  await client.query(
    `INSERT INTO "Task" ("id", "orgId", "workflowId", "type", "payload", "status", "timeoutSeconds", "deadlineAt", "callbackVersion", "step", "attempt", "resultSuccess", "failureReason", "completedAt", "createdAt", "updatedAt")
     SELECT md5('t' || i)::uuid, $1::uuid, md5('w' || i)::uuid, 'BENCH_CHECK', '{}'::jsonb,
            CASE WHEN i <= $2::int / 2 THEN 'FAILED' ELSE 'SUCCEEDED' END, 600, to_timestamp(($3::bigint + 600000) / 1000.0), 2, 'check', 1,
            i > $2::int / 2, CASE WHEN i <= $2::int / 2 THEN 'VENDOR_DOWN' END, to_timestamp(($3::bigint - 120000) / 1000.0),
            to_timestamp(($3::bigint - 180000) / 1000.0), to_timestamp(($3::bigint - 120000) / 1000.0)
     FROM generate_series(1, $2::int) AS i`,
    [orgId, due, now],
  );
}

async function runSize(settings: BenchSettings, workflows: number): Promise<SweepCell> {
  return withSweepDatabase(settings, `process-sweep: ${workflows} workflows (${due} due)`, (client, orgId) => seed(client, orgId, workflows), async ({ client, seedSeconds }) => {
    const { sweepProcessWakes } = await import("@/lib/processes/process-sweep");
    const { claimDueProcessWakesPlan } = await import("@/lib/db/workflow-writes");
    const claim = await explainClaim(claimDueProcessWakesPlan(new Date(), 500), { buffers: false, nodes: /Scan|Sort|Limit|LockRows|Execution Time/ });
    const sweep = await timedSweep(
      () => sweepProcessWakes({ batchSize: 500, maxBatches: 1, deliver: false }),
      () => sweepProcessWakes({ batchSize: 500, maxBatches: 1000, deliver: false }),
    );
    const woken = sweep.first.woken + sweep.rest.woken;
    // Every due one woke once: a dispatch of attempt 2 per retry, an end per wait.
    const check = await client.query<{ dispatched: string; ended: string; left: string }>(
      `SELECT (SELECT count(*) FROM "Task" WHERE "attempt" = 2)::text AS dispatched,
              (SELECT count(*) FROM "Event" WHERE "type" = 'PROCESS_ENDED')::text AS ended,
              (SELECT count(*) FROM "Workflow" WHERE "wakeAt" <= now())::text AS left`,
    );
    const row = check.rows[0]!;
    if (Number(row.dispatched) !== due / 2 || Number(row.ended) !== due / 2 || Number(row.left) !== 0) {
      throw new Error(`process-sweep: expected ${due / 2} retries dispatched and ${due / 2} waits ended, none left due; got ${JSON.stringify(row)}`);
    }
    return { workflows, due, seedSeconds, sweepSeconds: sweep.sweepSeconds, woken, wakesPerSecond: woken / sweep.sweepSeconds, firstBatchMs: sweep.firstBatchMs, claimPlan: claim.plan };
  });
}

export const processSweep: BenchModule = {
  name: "process-sweep",
  async run(settings) {
    const skipped = needsPostgres(settings);
    if (skipped) return skipped;
    const cells: SweepCell[] = [];
    for (const size of sizes) cells.push(await runSize(settings, size));
    const rows = cells.map(
      (c) =>
        `| ${c.workflows.toLocaleString("en")} | ${c.due.toLocaleString("en")} | ${c.woken.toLocaleString("en")} | ${c.sweepSeconds.toFixed(2)} s | ${Math.round(c.wakesPerSecond).toLocaleString("en")} | ${c.firstBatchMs.toFixed(0)} ms |`,
    );
    const markdown = [
      "Process wake-up sweep of 10,000 due workflows — 5,000 retries whose backoff passed (each dispatches its next attempt: task, event, outbox row) and 5,000 waits whose time came (each ends its process) — in batches of 500 (claim on Workflow(wakeAt) with `FOR UPDATE SKIP LOCKED`, WAKE transition, one write per batch), PostgreSQL, in-process through the app's code. Of the other workflows half sleep in a wait due an hour later (in the same index), half ended long ago.",
      "",
      "| workflows | due | woken | sweep time | wakes/s | first batch of 500 |",
      "| ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
      `Claim plan of the first batch (${cells.at(-1)?.workflows.toLocaleString("en") ?? ""} workflows; EXPLAIN ANALYZE of the writer's claimDueProcessWakesPlan): \`${cells.at(-1)?.claimPlan ?? ""}\``,
    ].join("\n");
    return { data: cells, markdown };
  },
};
