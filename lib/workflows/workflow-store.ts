// Applies state-machine transitions to the database: compare-and-swap on the
// workflow's version, the task row, the audit events and the outbox rows, all
// in one transaction.
import { randomUUID } from "node:crypto";
import { clock } from "@/lib/clock";
import { db, transactionOptions, type Tx } from "@/lib/db/client";
import type { Prisma, Task, Workflow } from "@/lib/generated/prisma/client";
import { AppError, type ErrorCode } from "@/lib/errors/app-error";
import {
  transition,
  type DomainErrorCode,
  type DomainEvent,
  type Effect,
  type TaskStatus,
  type WorkflowCommand,
  type WorkflowState,
  type WorkflowStatus,
} from "@/lib/domain/workflow-machine";

export type Actor = "data-action" | "callback" | "cron" | "agent" | "admin" | "outbox";

export interface CommandMeta {
  actor: Actor;
  requestId: string | null;
}

export interface Applied {
  workflow: Workflow;
  task: Task | null;
  events: number;
}

export const domainErrorToAppError: Record<DomainErrorCode, ErrorCode> = {
  INVALID_TRANSITION: "INVALID_TRANSITION",
  STALE_VERSION: "STALE_VERSION",
  TASK_NOT_FOUND: "CONFLICT",
  TASK_IN_PROGRESS: "TASK_IN_PROGRESS",
};

/** Raised when a concurrent writer changed the workflow between our read and our write. */
export class VersionConflict extends AppError {
  constructor(message: string) {
    super("STALE_VERSION", message);
  }
}

/** Channel on which every committed workflow change is announced (the agent panel listens). */
export const workflowChangedChannel = "longrun_workflow_changed";

/** NOTIFY inside the transaction: PostgreSQL delivers it only if the change commits. */
export async function notifyWorkflowChanged(tx: Tx, orgId: string, workflowId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${workflowChangedChannel}, ${`${orgId}:${workflowId}`})`;
}

export function toState(workflow: Workflow, task: Task | null): WorkflowState {
  return {
    status: workflow.status as WorkflowStatus,
    version: workflow.version,
    conversationId: workflow.conversationId,
    task: task && {
      id: task.id,
      type: task.type,
      status: task.status as TaskStatus,
      dispatch: task.dispatch,
      timeoutSeconds: task.timeoutSeconds,
      heartbeatTimeoutSeconds: task.heartbeatTimeoutSeconds,
      deadlineAt: task.deadlineAt,
      lastHeartbeatAt: task.lastHeartbeatAt,
      lateResult: task.lateResult,
    },
  };
}

export async function loadWorkflow(client: Tx, orgId: string, workflowId: string): Promise<{ workflow: Workflow; task: Task | null }> {
  const workflow = await client.workflow.findUnique({ where: { orgId_id: { orgId, id: workflowId } } });
  if (!workflow) throw new AppError("NOT_FOUND", "workflow not found");
  const task = workflow.currentTaskId ? await client.task.findFirst({ where: { id: workflow.currentTaskId, orgId } }) : null;
  return { workflow, task };
}

export interface NewTaskData {
  payload: Prisma.InputJsonValue;
}

export interface CommandOptions {
  /** Data for the task row a DISPATCH_TASK creates. */
  newTask?: NewTaskData;
  /** Fields of the result to store on the task (RECORD_RESULT). */
  taskResult?: { resultStatus: string | null; resultData: Prisma.InputJsonValue | null; failureReason: string | null; success: boolean };
  /** Context the deliveries need later (e.g. the base URL callbacks reach us on). */
  deliveryPayload?: Record<string, string>;
  /** Extra writes in the same transaction (e.g. the webhook receipt). */
  alsoInTransaction?: (tx: Tx, applied: Applied) => Promise<void>;
}

type DeliveryRow = Prisma.DeliveryCreateManyInput;

/** Outbox rows for the effects that create one; SUPERSEDE_ESCALATION is an update (writeEffects). */
export function effectDeliveryRows(orgId: string, workflowId: string, effects: Effect[], now: Date, extra: Record<string, string>): DeliveryRow[] {
  const row = (taskId: string, kind: string, payload: Prisma.InputJsonValue): DeliveryRow => ({ id: randomUUID(), orgId, workflowId, taskId, kind, payload, nextAttemptAt: now });
  return effects.flatMap((effect): DeliveryRow[] => {
    switch (effect.kind) {
      case "DISPATCH_TASK":
        return [row(effect.taskId, "DISPATCH_TASK", extra)];
      case "ESCALATE":
        return [row(effect.taskId, "ESCALATE", { ...extra, path: effect.path })];
      case "DELIVER_LATE_RESULT":
        return [row(effect.taskId, "LATE_RESULT", { ...extra, escalatedAs: effect.escalatedAs })];
      case "FOLLOW_UP_RESULT":
        return [row(effect.taskId, "RESULT_FOLLOW_UP", extra)];
      case "SUPERSEDE_ESCALATION":
        return [];
    }
  });
}

export function eventRows(orgId: string, workflowId: string, events: DomainEvent[], version: number, meta: CommandMeta, now: Date): Prisma.EventCreateManyInput[] {
  return events.map((event) => ({
    orgId,
    workflowId,
    taskId: event.taskId,
    type: event.type,
    fromStatus: event.from,
    toStatus: event.to,
    version,
    actor: meta.actor,
    requestId: meta.requestId,
    data: (event.data ?? undefined) as Prisma.InputJsonValue | undefined,
    createdAt: now,
  }));
}

async function writeEffects(tx: Tx, orgId: string, workflowId: string, effects: Effect[], now: Date, extra: Record<string, string>): Promise<void> {
  const rows = effectDeliveryRows(orgId, workflowId, effects, now, extra);
  if (rows.length > 0) await tx.delivery.createMany({ data: rows });
  for (const effect of effects) {
    if (effect.kind !== "SUPERSEDE_ESCALATION") continue;
    await tx.delivery.updateMany({
      where: { orgId, taskId: effect.taskId, kind: "ESCALATE", status: { in: ["PENDING", "DEAD"] } },
      data: { status: "SUPERSEDED", lockedUntil: null },
    });
  }
}

async function applyInTransaction(tx: Tx, orgId: string, workflowId: string, command: WorkflowCommand | ((state: WorkflowState, workflow: Workflow) => WorkflowCommand), meta: CommandMeta, options: CommandOptions): Promise<Applied> {
  const now = clock.now();
  const { workflow, task } = await loadWorkflow(tx, orgId, workflowId);
  const before = toState(workflow, task);
  const cmd = typeof command === "function" ? command(before, workflow) : command;
  const outcome = transition(before, cmd, now);
  if (!outcome.ok) throw new AppError(domainErrorToAppError[outcome.error.code], outcome.error.message);
  const after = outcome.state;

  // Compare-and-swap: the write happens only if nobody moved the workflow since our read.
  const { count } = await tx.workflow.updateMany({
    where: { orgId, id: workflowId, version: before.version },
    data: {
      status: after.status,
      version: after.version,
      currentTaskId: after.task?.id ?? null,
      deadlineAt: after.task && (after.task.status === "QUEUED" || after.task.status === "ACCEPTED") ? after.task.deadlineAt : null,
    },
  });
  if (count === 0) throw new VersionConflict(`workflow changed concurrently; version ${before.version} is stale`);

  let taskRow: Task | null = task;
  if (after.task) {
    if (cmd.type === "DISPATCH_TASK") {
      taskRow = await tx.task.create({
        data: {
          id: after.task.id,
          orgId,
          workflowId,
          type: after.task.type,
          payload: options.newTask?.payload ?? {},
          status: after.task.status,
          dispatch: after.task.dispatch,
          timeoutSeconds: after.task.timeoutSeconds,
          heartbeatTimeoutSeconds: after.task.heartbeatTimeoutSeconds,
          deadlineAt: after.task.deadlineAt,
          callbackVersion: after.version,
        },
      });
    } else if (task) {
      const result = options.taskResult;
      taskRow = await tx.task.update({
        where: { id: after.task.id },
        data: {
          status: after.task.status,
          deadlineAt: after.task.deadlineAt,
          lastHeartbeatAt: after.task.lastHeartbeatAt,
          lateResult: after.task.lateResult,
          ...(cmd.type === "TIME_OUT" ? { timedOutAt: now } : {}),
          ...(result
            ? {
                resultStatus: result.resultStatus,
                resultData: result.resultData ?? undefined,
                failureReason: result.failureReason,
                completedAt: now,
              }
            : {}),
        },
      });
    }
  }

  if (outcome.events.length > 0) await tx.event.createMany({ data: eventRows(orgId, workflowId, outcome.events, after.version, meta, now) });
  await writeEffects(tx, orgId, workflowId, outcome.effects, now, options.deliveryPayload ?? {});

  await notifyWorkflowChanged(tx, orgId, workflowId);

  const updated: Workflow = { ...workflow, status: after.status, version: after.version, currentTaskId: after.task?.id ?? null };
  const applied: Applied = { workflow: updated, task: taskRow, events: outcome.events.length };
  await options.alsoInTransaction?.(tx, applied);
  return applied;
}

/**
 * Runs one command in its own transaction. System commands (outbox, cron)
 * pass `retries`: a concurrent change makes them re-read and decide again;
 * a caller's versioned command never retries (its version is the point).
 */
export async function applyCommand(
  orgId: string,
  workflowId: string,
  command: WorkflowCommand | ((state: WorkflowState, workflow: Workflow) => WorkflowCommand),
  meta: CommandMeta,
  options: CommandOptions & { retries?: number } = {},
): Promise<Applied> {
  const prisma = await db();
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction((tx) => applyInTransaction(tx, orgId, workflowId, command, meta, options), transactionOptions);
    } catch (error) {
      if (error instanceof VersionConflict && attempt < (options.retries ?? 0)) continue;
      throw error;
    }
  }
}

/** The same, inside a transaction the caller already holds (cron claims). */
export function applyCommandIn(tx: Tx, orgId: string, workflowId: string, command: WorkflowCommand | ((state: WorkflowState, workflow: Workflow) => WorkflowCommand), meta: CommandMeta, options: CommandOptions = {}): Promise<Applied> {
  return applyInTransaction(tx, orgId, workflowId, command, meta, options);
}
