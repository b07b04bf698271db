// The timeout sweep. Claims overdue tasks in batches with FOR UPDATE SKIP
// LOCKED, runs each through the state machine and writes the whole batch —
// workflow versions, task statuses, events, escalation outbox rows — in the
// same transaction as the claim; then delivers the escalations. Overlapping
// sweeps skip each other's rows, and a sweep that dies leaves either nothing
// (rolled back) or pending outbox rows that the next run delivers.
import { clock } from "@/lib/clock";
import { db, transactionOptions, type Tx } from "@/lib/db/client";
import { transition, type EscalationPath } from "@/lib/domain/workflow-machine";
import type { Prisma, Task, Workflow } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { readOrgSettings, settingsForTaskType } from "@/lib/orgs/org-settings";
import { processOutbox, type OutboxRun } from "@/lib/outbox/process-outbox";
import { effectDeliveryRows, eventRows, toState, workflowChangedChannel } from "@/lib/workflows/workflow-store";
import "@/lib/outbox/handlers";

/**
 * The path planned at timeout. The escalation handler confirms it with
 * Genesys (is the customer still connected?) before acting.
 */
export function plannedEscalationPath(workflow: Workflow, sessionLimitSeconds: number, now: Date): EscalationPath {
  if (!workflow.conversationId || workflow.sessionState === "ENDED") return "CALLBACK";
  // Past the flow session limit the interaction's flow is gone whatever Genesys says about the call.
  const sessionEnds = workflow.initiatedAt.getTime() + sessionLimitSeconds * 1000;
  return now.getTime() > sessionEnds ? "CALLBACK" : "FLOW";
}

export interface SweepResult {
  timedOut: number;
  skipped: number;
  batches: number;
  escalations: OutboxRun;
}

interface Claimed {
  taskId: string;
  orgId: string;
  workflowId: string;
}

const activeStatuses = ["QUEUED", "ACCEPTED"];

/**
 * Overdue tasks whose workflows we could lock. The inner query walks the
 * Task(status, deadlineAt) index for a bounded number of overdue rows, so the
 * cost follows the overdue count; workflow rows are locked in the order a
 * callback locks them (workflow, then task), so the two never deadlock.
 */
async function claimOverdue(tx: Tx, now: Date, batchSize: number): Promise<Claimed[]> {
  return tx.$queryRaw<Claimed[]>`
    SELECT t."taskId", t."orgId", t."workflowId"
    FROM (
      SELECT "id" AS "taskId", "orgId", "workflowId", "deadlineAt" FROM "Task"
      WHERE "status" IN ('QUEUED', 'ACCEPTED') AND "deadlineAt" <= ${now}
      ORDER BY "deadlineAt"
      LIMIT ${batchSize * 4}
    ) t
    JOIN "Workflow" w ON w."orgId" = t."orgId" AND w."id" = t."workflowId"
    ORDER BY t."deadlineAt"
    LIMIT ${batchSize}
    FOR UPDATE OF w SKIP LOCKED`;
}

async function timeOutBatch(tx: Tx, claimed: Claimed[], now: Date): Promise<{ timedOut: number; skipped: number }> {
  const [workflows, tasks] = await Promise.all([
    tx.workflow.findMany({ where: { orgId: { in: [...new Set(claimed.map((c) => c.orgId))] }, id: { in: claimed.map((c) => c.workflowId) } }, include: { org: { select: { settings: true } } } }),
    tx.task.findMany({ where: { id: { in: claimed.map((c) => c.taskId) } } }),
  ]);
  const workflowByKey = new Map(workflows.map((w) => [`${w.orgId}:${w.id}`, w]));
  const taskById = new Map<string, Task>(tasks.map((t) => [t.id, t]));

  const updates: Array<{ orgId: string; id: string; before: number; status: string; version: number }> = [];
  const timedOutTasks: string[] = [];
  const retiredTasks: string[] = [];
  const events: Prisma.EventCreateManyInput[] = [];
  const deliveries: Prisma.DeliveryCreateManyInput[] = [];
  for (const { taskId, orgId, workflowId } of claimed) {
    const workflow = workflowByKey.get(`${orgId}:${workflowId}`);
    const task = taskById.get(taskId);
    if (!workflow || !task) continue;
    if (workflow.currentTaskId !== task.id) {
      // An active task that is no longer its workflow's current one can never time out or complete: retire it.
      retiredTasks.push(task.id);
      continue;
    }
    const limit = settingsForTaskType(readOrgSettings(workflow.org.settings), task.type).flowSessionLimitSeconds;
    const outcome = transition(toState(workflow, task), { type: "TIME_OUT", taskId, path: plannedEscalationPath(workflow, limit, now) }, now);
    if (!outcome.ok) {
      log.warn("timeout.skipped", { taskId, reason: outcome.error.message });
      continue;
    }
    updates.push({ orgId, id: workflowId, before: workflow.version, status: outcome.state.status, version: outcome.state.version });
    timedOutTasks.push(taskId);
    events.push(...eventRows(orgId, workflowId, outcome.events, outcome.state.version, { actor: "cron", requestId: null }, now));
    deliveries.push(...effectDeliveryRows(orgId, workflowId, outcome.effects, now, {}));
  }

  if (updates.length > 0) {
    // Compare-and-swap for the whole batch; we hold the row locks, so a miss means a bug, and the batch rolls back.
    const changed = await tx.$executeRaw`
      UPDATE "Workflow" AS w
      SET "status" = v."status", "version" = v."version", "deadlineAt" = NULL, "updatedAt" = ${now}
      FROM unnest(${updates.map((u) => u.orgId)}::uuid[], ${updates.map((u) => u.id)}::uuid[], ${updates.map((u) => u.before)}::int[], ${updates.map((u) => u.status)}::text[], ${updates.map((u) => u.version)}::int[])
        AS v("orgId", "id", "before", "status", "version")
      WHERE w."orgId" = v."orgId" AND w."id" = v."id" AND w."version" = v."before"`;
    if (changed !== updates.length) throw new Error(`timeout sweep: ${updates.length - changed} workflows changed under a held lock`);
    await tx.task.updateMany({ where: { id: { in: timedOutTasks }, status: { in: activeStatuses } }, data: { status: "TIMED_OUT", timedOutAt: now } });
    await tx.event.createMany({ data: events });
    await tx.delivery.createMany({ data: deliveries });
    await tx.$executeRaw`SELECT pg_notify(${workflowChangedChannel}, key) FROM unnest(${updates.map((u) => `${u.orgId}:${u.id}`)}::text[]) AS key`;
  }
  if (retiredTasks.length > 0) {
    await tx.task.updateMany({ where: { id: { in: retiredTasks }, status: { in: activeStatuses } }, data: { status: "CANCELLED" } });
  }
  return { timedOut: updates.length, skipped: claimed.length - updates.length };
}

export async function sweepTimeouts(options: { batchSize?: number; maxBatches?: number; deliver?: boolean } = {}): Promise<SweepResult> {
  const { batchSize = 500, maxBatches = 100, deliver = true } = options;
  const prisma = await db();
  const result: SweepResult = { timedOut: 0, skipped: 0, batches: 0, escalations: { claimed: 0, delivered: 0, retried: 0, dead: 0 } };

  for (let batch = 0; batch < maxBatches; batch++) {
    const now = clock.now();
    const claimed = await prisma.$transaction(async (tx) => {
      const rows = await claimOverdue(tx, now, batchSize);
      const counts = await timeOutBatch(tx, rows, now);
      result.timedOut += counts.timedOut;
      result.skipped += counts.skipped;
      return rows.length;
    }, transactionOptions);
    result.batches++;
    if (claimed < batchSize) break;
  }
  if (deliver) result.escalations = await processOutbox({ kinds: ["ESCALATE"] });
  return result;
}
