// The timeout sweep. Claims overdue tasks in batches with FOR UPDATE SKIP
// LOCKED, times each out and records its escalation in the outbox in the same
// transaction; then delivers the escalations. Overlapping sweeps skip each
// other's rows, and a sweep that dies leaves either nothing (rolled back) or
// pending outbox rows that the next run delivers.
import { clock } from "@/lib/clock";
import { db, transactionOptions } from "@/lib/db/client";
import type { EscalationPath } from "@/lib/domain/workflow-machine";
import { AppError } from "@/lib/errors/app-error";
import type { Workflow } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { readOrgSettings, settingsForTaskType } from "@/lib/orgs/org-settings";
import { processOutbox, type OutboxRun } from "@/lib/outbox/process-outbox";
import { applyCommandIn } from "@/lib/workflows/workflow-store";
import "@/lib/outbox/handlers";

interface OverdueRow {
  taskId: string;
  orgId: string;
  workflowId: string;
  taskType: string;
  settings: unknown;
}

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

export async function sweepTimeouts(options: { batchSize?: number; maxBatches?: number; deliver?: boolean } = {}): Promise<SweepResult> {
  const { batchSize = 200, maxBatches = 100, deliver = true } = options;
  const prisma = await db();
  const result: SweepResult = { timedOut: 0, skipped: 0, batches: 0, escalations: { claimed: 0, delivered: 0, retried: 0, dead: 0 } };

  for (let batch = 0; batch < maxBatches; batch++) {
    const now = clock.now();
    const claimed = await prisma.$transaction(async (tx) => {
      // Locks the workflow rows (not only the tasks) so that the sweep takes
      // locks in the same order as a callback (workflow, then task): no deadlock.
      const rows = await tx.$queryRaw<OverdueRow[]>`
        SELECT t."id" AS "taskId", t."orgId", t."workflowId", t."type" AS "taskType", o."settings"
        FROM "Task" t
        JOIN "Workflow" w ON w."orgId" = t."orgId" AND w."id" = t."workflowId"
        JOIN "Org" o ON o."id" = t."orgId"
        WHERE t."status" IN ('QUEUED', 'ACCEPTED') AND t."deadlineAt" <= ${now}
        ORDER BY t."deadlineAt"
        LIMIT ${batchSize}
        FOR UPDATE OF w SKIP LOCKED`;
      for (const row of rows) {
        const limit = settingsForTaskType(readOrgSettings(row.settings), row.taskType).flowSessionLimitSeconds;
        try {
          await applyCommandIn(tx, row.orgId, row.workflowId, (_state, workflow) => ({ type: "TIME_OUT", taskId: row.taskId, path: plannedEscalationPath(workflow, limit, now) }), { actor: "cron", requestId: null });
          result.timedOut++;
        } catch (error) {
          // Settled between our read and our write (e.g. not the current task): nothing to time out.
          if (!(error instanceof AppError) || error.status !== 409) throw error;
          result.skipped++;
          if (error.code === "CONFLICT") {
            // An active task that is no longer its workflow's current one can never time out or complete: retire it.
            await tx.task.updateMany({ where: { id: row.taskId, status: { in: ["QUEUED", "ACCEPTED"] } }, data: { status: "CANCELLED" } });
          }
          log.warn("timeout.skipped", { taskId: row.taskId, reason: error.message });
        }
      }
      return rows.length;
    }, transactionOptions);
    result.batches++;
    if (claimed < batchSize) break;
  }
  if (deliver) result.escalations = await processOutbox({ kinds: ["ESCALATE"] });
  return result;
}
