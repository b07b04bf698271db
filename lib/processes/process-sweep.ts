// The process wake-up sweep: retries whose backoff has passed and wait steps
// whose time has come. Like the timeout sweep it claims due workflows in
// batches with FOR UPDATE SKIP LOCKED on an index over the due time (the cost
// follows the due rows, not the table), runs each through the state machine
// (WAKE) and writes the batch through the one writer in the claim's
// transaction; then it delivers the dispatches. Overlapping sweeps skip each
// other's rows; a sweep that dies leaves either nothing (rolled back) or
// pending outbox rows that the next run delivers — never a step twice.
import { randomUUID } from "node:crypto";
import { clock } from "@/lib/clock";
import { db, transactionOptions, type Tx } from "@/lib/db/client";
import { claimDueProcessWakes, writeChanges, type WorkflowChange } from "@/lib/db/workflow-writes";
import { transition } from "@/lib/domain/workflow-machine";
import { log } from "@/lib/log";
import { processOutbox, type OutboxRun } from "@/lib/outbox/process-outbox";
import { pinnedDefinition, processInputsOf } from "@/lib/processes/process-inputs";
import { loadedWorkflow, toState } from "@/lib/workflows/workflow-store";

export interface WakeSweepResult {
  woken: number;
  skipped: number;
  batches: number;
  outbox: OutboxRun;
}

async function wakeBatch(tx: Tx, claimed: Array<{ orgId: string; id: string }>, now: Date): Promise<{ woken: number; skipped: number }> {
  const rows = await tx.$queryRaw<Array<{ workflow: Record<string, unknown>; current: Record<string, unknown> | null; settings: unknown }>>`
    SELECT to_jsonb(w) AS "workflow", to_jsonb(ct) AS "current", o."settings"
    FROM unnest(${claimed.map((c) => c.orgId)}::uuid[], ${claimed.map((c) => c.id)}::uuid[]) AS c("orgId", "id")
    JOIN "Workflow" w ON w."orgId" = c."orgId" AND w."id" = c."id"
    JOIN "Org" o ON o."id" = w."orgId"
    LEFT JOIN "Task" ct ON ct."id" = w."currentTaskId" AND ct."orgId" = w."orgId"`;
  const changes: WorkflowChange[] = [];
  for (const row of rows) {
    const { workflow, task } = loadedWorkflow({ workflow: row.workflow, task: row.current });
    if (!workflow.processName || workflow.processVersion === null) continue;
    const definition = await pinnedDefinition(tx, workflow.orgId, workflow.processName, workflow.processVersion);
    const state = toState(workflow, task, processInputsOf(definition, workflow.context, row.settings));
    const outcome = transition(state, { type: "WAKE", taskId: randomUUID() }, now);
    if (!outcome.ok) {
      log.warn("process.wake_skipped", { workflowId: workflow.id, reason: outcome.error.message });
      continue;
    }
    changes.push({ orgId: workflow.orgId, workflowId: workflow.id, expectedRevision: workflow.revision, outcome, meta: { actor: "cron", requestId: null }, now });
  }
  const written = await writeChanges(tx, changes);
  // We hold the row locks, so a swap that missed means a bug: the batch rolls back.
  if (written.length !== changes.length) throw new Error(`process sweep: ${changes.length - written.length} workflows changed under a held lock`);
  return { woken: changes.length, skipped: claimed.length - changes.length };
}

export async function sweepProcessWakes(options: { batchSize?: number; maxBatches?: number; deliver?: boolean } = {}): Promise<WakeSweepResult> {
  const { batchSize = 500, maxBatches = 100, deliver = true } = options;
  const prisma = await db();
  const result: WakeSweepResult = { woken: 0, skipped: 0, batches: 0, outbox: { claimed: 0, delivered: 0, retried: 0, dead: 0 } };
  for (let batch = 0; batch < maxBatches; batch++) {
    const now = clock.now();
    const claimed = await prisma.$transaction(async (tx) => {
      const rows = await claimDueProcessWakes(tx, now, batchSize);
      if (rows.length === 0) return 0;
      const counts = await wakeBatch(tx, rows, now);
      result.woken += counts.woken;
      result.skipped += counts.skipped;
      return rows.length;
    }, transactionOptions);
    result.batches++;
    if (claimed < batchSize) break;
  }
  if (deliver && result.woken > 0) result.outbox = await processOutbox({ kinds: ["DISPATCH_TASK", "ESCALATE", "RESULT_FOLLOW_UP"] });
  return result;
}
