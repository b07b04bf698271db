// The timeout sweep. Claims overdue tasks in batches with FOR UPDATE SKIP
// LOCKED (lib/db/workflow-writes.ts), runs each through the state machine
// (TIME_OUT, or RETIRE_TASK for a running task its workflow no longer points
// at) and writes the whole batch — workflow rows, task rows, events,
// escalation outbox rows — through the one writer in the same transaction as
// the claim; then delivers the escalations. Overlapping sweeps skip each
// other's rows, and a sweep that dies leaves either nothing (rolled back) or
// pending outbox rows that the next run delivers.
import { randomUUID } from "node:crypto";
import { clock } from "@/lib/clock";
import { db, transactionOptions, type Tx } from "@/lib/db/client";
import { claimOverdueTasks, writeChanges, type ClaimedTask, type WorkflowChange } from "@/lib/db/workflow-writes";
import { transition, type WorkflowCommand } from "@/lib/domain/workflow-machine";
import type { Task, Workflow } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { readOrgSettings, settingsForTaskType } from "@/lib/orgs/org-settings";
import { processOutbox, type OutboxRun } from "@/lib/outbox/process-outbox";
import { pinnedDefinition, processInputsOf } from "@/lib/processes/process-inputs";
import { loadedTask, loadedWorkflow, toState, toTaskState } from "@/lib/workflows/workflow-store";

export interface SweepResult {
  timedOut: number;
  retired: number;
  skipped: number;
  batches: number;
  escalations: OutboxRun;
}

interface ClaimedRows {
  claimed: Task;
  workflow: Workflow;
  current: Task | null;
  settings: unknown;
}

/** The claimed tasks with their workflows, current tasks and org settings, in one read. */
async function loadClaimed(tx: Tx, claimed: ClaimedTask[]): Promise<ClaimedRows[]> {
  const rows = await tx.$queryRaw<Array<{ claimed: Record<string, unknown>; workflow: Record<string, unknown>; current: Record<string, unknown> | null; settings: unknown }>>`
    SELECT to_jsonb(t) AS "claimed", to_jsonb(w) AS "workflow", to_jsonb(ct) AS "current", o."settings"
    FROM unnest(${claimed.map((c) => c.taskId)}::uuid[]) AS c("taskId")
    JOIN "Task" t ON t."id" = c."taskId"
    JOIN "Workflow" w ON w."orgId" = t."orgId" AND w."id" = t."workflowId"
    JOIN "Org" o ON o."id" = w."orgId"
    LEFT JOIN "Task" ct ON ct."id" = w."currentTaskId" AND ct."orgId" = w."orgId"`;
  return rows.map((r) => {
    const { workflow, task } = loadedWorkflow({ workflow: r.workflow, task: r.current });
    return { claimed: loadedTask(r.claimed), workflow, current: task, settings: r.settings };
  });
}

async function timeOutBatch(tx: Tx, claimed: ClaimedTask[], now: Date): Promise<{ timedOut: number; retired: number; skipped: number }> {
  const changes: WorkflowChange[] = [];
  let timedOut = 0;
  let retired = 0;
  // One change per workflow: a workflow with two overdue rows (its current task and a stale one) is decided once per batch.
  const seen = new Set<string>();
  for (const { claimed: task, workflow, current, settings } of await loadClaimed(tx, claimed)) {
    const key = `${workflow.orgId}:${workflow.id}`;
    if (seen.has(key)) continue;
    // A process step's timeout may retry it or start the next step: the machine needs the pinned definition.
    const inputs = workflow.processName && workflow.processVersion !== null
      ? processInputsOf(await pinnedDefinition(tx, workflow.orgId, workflow.processName, workflow.processVersion), workflow.context, settings)
      : null;
    const state = toState(workflow, current, inputs);
    const command: WorkflowCommand =
      workflow.currentTaskId === task.id
        ? { type: "TIME_OUT", taskId: task.id, sessionLimitSeconds: settingsForTaskType(readOrgSettings(settings), task.type).flowSessionLimitSeconds, nextTaskId: randomUUID() }
        : { type: "RETIRE_TASK", task: toTaskState(task) };
    const outcome = transition(state, command, now);
    if (!outcome.ok) {
      log.warn("timeout.skipped", { taskId: task.id, reason: outcome.error.message });
      continue;
    }
    seen.add(key);
    if (command.type === "TIME_OUT") timedOut++;
    else retired++;
    changes.push({ orgId: workflow.orgId, workflowId: workflow.id, expectedRevision: workflow.revision, outcome, meta: { actor: "cron", requestId: null }, now });
  }
  const written = await writeChanges(tx, changes);
  // We hold the row locks, so a swap that missed means a bug: the batch rolls back.
  if (written.length !== changes.length) throw new Error(`timeout sweep: ${changes.length - written.length} workflows changed under a held lock`);
  return { timedOut, retired, skipped: claimed.length - changes.length };
}

export async function sweepTimeouts(options: { batchSize?: number; maxBatches?: number; deliver?: boolean } = {}): Promise<SweepResult> {
  const { batchSize = 500, maxBatches = 100, deliver = true } = options;
  const prisma = await db();
  const result: SweepResult = { timedOut: 0, retired: 0, skipped: 0, batches: 0, escalations: { claimed: 0, delivered: 0, retried: 0, dead: 0 } };

  for (let batch = 0; batch < maxBatches; batch++) {
    const now = clock.now();
    const claimed = await prisma.$transaction(async (tx) => {
      const rows = await claimOverdueTasks(tx, now, batchSize);
      if (rows.length === 0) return 0;
      const counts = await timeOutBatch(tx, rows, now);
      result.timedOut += counts.timedOut;
      result.retired += counts.retired;
      result.skipped += counts.skipped;
      return rows.length;
    }, transactionOptions);
    result.batches++;
    if (claimed < batchSize) break;
  }
  if (deliver) result.escalations = await processOutbox({ kinds: ["ESCALATE"] });
  return result;
}
