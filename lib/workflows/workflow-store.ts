// Applies state-machine transitions to the database: compare-and-swap on the
// workflow's version, the task row, the audit events and the outbox rows, all
// in one atomic statement.
import { randomUUID } from "node:crypto";
import { clock } from "@/lib/clock";
import { db, type Tx } from "@/lib/db/client";
import { Prisma, type Task, type Workflow } from "@/lib/generated/prisma/client";
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

const workflowDates = ["initiatedAt", "deadlineAt", "createdAt", "updatedAt"] as const;
const taskDates = ["deadlineAt", "lastHeartbeatAt", "completedAt", "timedOutAt", "createdAt", "updatedAt"] as const;

// to_jsonb renders timestamp(3) columns, which hold UTC, without a zone.
function revive<T>(row: Record<string, unknown>, dates: readonly string[]): T {
  for (const key of dates) {
    const value = row[key];
    if (typeof value === "string") row[key] = new Date(`${value}Z`);
  }
  return row as T;
}

export interface LoadedWorkflow {
  workflow: Workflow;
  task: Task | null;
}

/** Rows selected as `to_jsonb(w) AS "workflow", to_jsonb(t) AS "task"` (see loadWorkflow), as Prisma would return them. */
export function loadedWorkflow(row: { workflow: Record<string, unknown>; task: Record<string, unknown> | null }): LoadedWorkflow {
  return { workflow: revive<Workflow>(row.workflow, workflowDates), task: row.task ? revive<Task>(row.task, taskDates) : null };
}

/** The workflow and its current task in one round trip. */
export async function loadWorkflow(client: Tx, orgId: string, workflowId: string): Promise<LoadedWorkflow> {
  const rows = await client.$queryRaw<Array<{ workflow: Record<string, unknown>; task: Record<string, unknown> | null }>>`
    SELECT to_jsonb(w) AS "workflow", to_jsonb(t) AS "task"
    FROM "Workflow" w
    LEFT JOIN "Task" t ON t."id" = w."currentTaskId" AND t."orgId" = w."orgId"
    WHERE w."orgId" = ${orgId}::uuid AND w."id" = ${workflowId}::uuid`;
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", "workflow not found");
  return loadedWorkflow(row);
}

export interface NewTaskData {
  payload: Prisma.InputJsonValue;
}

/** The first answer to a webhook-id, stored by the write that makes the change it reports. */
export interface ReceiptRow {
  webhookId: string;
  statusCode: number;
  responseBody: unknown;
}

export interface CommandOptions {
  /** Data for the task row a DISPATCH_TASK creates. */
  newTask?: NewTaskData;
  /** Fields of the result to store on the task (RECORD_RESULT). */
  taskResult?: { resultStatus: string | null; resultData: Prisma.InputJsonValue | null; failureReason: string | null };
  /** Context the deliveries need later (e.g. the base URL callbacks reach us on). */
  deliveryPayload?: Record<string, string>;
  /** The webhook receipt to store with the change, built from its outcome. */
  receipt?: (applied: Applied) => ReceiptRow;
  /**
   * The workflow as the caller already read it, saving the first read. Safe
   * because the write is a compare-and-swap: if it has moved on since, the
   * write fails as a conflict, exactly as if it had moved after a fresh read.
   */
  loaded?: LoadedWorkflow;
}

type DeliveryRow = Prisma.DeliveryCreateManyInput;

/** Outbox rows for the effects that create one; SUPERSEDE_ESCALATION is an update (writeChange). */
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

interface Change {
  orgId: string;
  workflowId: string;
  /** The row as read: its version and its updatedAt, which every write moves (see writeChange). */
  expected: { version: number; updatedAt: Date };
  workflow: Workflow;
  task: { row: Task; created: boolean } | null;
  events: Prisma.EventCreateManyInput[];
  deliveries: DeliveryRow[];
  supersedeEscalationsOf: string[];
  receipt: ReceiptRow | null;
  now: Date;
}

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * The whole change as one autocommit statement: data-modifying CTEs that all
 * hang on the compare-and-swap of the workflow row (`w`). If the row moved
 * since it was read, `w` is empty and nothing else is written; PostgreSQL runs
 * the statement atomically, so no transaction (and none of its round trips) is
 * needed. NOTIFY is in the same statement: listeners hear of the change only if
 * it commits.
 *
 * The swap compares the version and updatedAt: heartbeats and deliveries change
 * the task without a new version (the version in a callback URL must stay
 * valid), so the version alone would let a writer with an older read put back
 * a deadline or status they had changed. updatedAt moves forward by at least a
 * millisecond on every write, so it differs after any of them.
 * Returns the new updatedAt, or null when the row had moved.
 */
async function writeChange(client: Tx, change: Change): Promise<Date | null> {
  const { orgId, workflowId, workflow, task, now } = change;
  const applied = Prisma.sql`EXISTS (SELECT 1 FROM w)`;
  const ctes: Prisma.Sql[] = [
    Prisma.sql`w AS (
      UPDATE "Workflow" SET "status" = ${workflow.status}, "version" = ${workflow.version}, "currentTaskId" = ${workflow.currentTaskId}::uuid,
        "deadlineAt" = ${workflow.deadlineAt}, "updatedAt" = GREATEST(${now}, "updatedAt" + interval '1 millisecond')
      WHERE "orgId" = ${orgId}::uuid AND "id" = ${workflowId}::uuid AND "version" = ${change.expected.version} AND "updatedAt" = ${change.expected.updatedAt}
      RETURNING "updatedAt")`,
  ];
  if (task?.created) {
    const t = task.row;
    ctes.push(Prisma.sql`t AS (
      INSERT INTO "Task" ("id", "orgId", "workflowId", "type", "payload", "status", "dispatch", "timeoutSeconds", "heartbeatTimeoutSeconds", "deadlineAt", "callbackVersion", "createdAt", "updatedAt")
      SELECT ${t.id}::uuid, ${orgId}::uuid, ${workflowId}::uuid, ${t.type}, ${json(t.payload)}::jsonb, ${t.status}, ${t.dispatch}, ${t.timeoutSeconds}, ${t.heartbeatTimeoutSeconds}::int,
        ${t.deadlineAt}, ${t.callbackVersion}, ${now}, ${now}
      WHERE ${applied})`);
  } else if (task) {
    const t = task.row;
    ctes.push(Prisma.sql`t AS (
      UPDATE "Task" SET "status" = ${t.status}, "deadlineAt" = ${t.deadlineAt}, "lastHeartbeatAt" = ${t.lastHeartbeatAt}, "lateResult" = ${t.lateResult},
        "timedOutAt" = ${t.timedOutAt}, "resultStatus" = ${t.resultStatus}, "resultData" = ${json(t.resultData)}::jsonb, "failureReason" = ${t.failureReason},
        "completedAt" = ${t.completedAt}, "updatedAt" = ${now}
      WHERE "id" = ${t.id}::uuid AND "orgId" = ${orgId}::uuid AND ${applied})`);
  }
  if (change.events.length > 0) {
    // Event ids follow the order of the domain's events.
    const rows = change.events.map((e, n) => ({ n, taskId: e.taskId ?? null, type: e.type, fromStatus: e.fromStatus ?? null, toStatus: e.toStatus ?? null, data: e.data ?? null }));
    const first = change.events[0]!;
    ctes.push(Prisma.sql`e AS (
      INSERT INTO "Event" ("orgId", "workflowId", "taskId", "type", "fromStatus", "toStatus", "version", "actor", "requestId", "data", "createdAt")
      SELECT ${orgId}::uuid, ${workflowId}::uuid, r."taskId", r."type", r."fromStatus", r."toStatus", ${first.version}, ${first.actor}, ${first.requestId ?? null}, r."data", ${now}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("n" int, "taskId" uuid, "type" text, "fromStatus" text, "toStatus" text, "data" jsonb)
      WHERE ${applied}
      ORDER BY r."n")`);
  }
  if (change.deliveries.length > 0) {
    const rows = change.deliveries.map((d) => ({ id: d.id, taskId: d.taskId ?? null, kind: d.kind, payload: d.payload }));
    ctes.push(Prisma.sql`d AS (
      INSERT INTO "Delivery" ("id", "orgId", "workflowId", "taskId", "kind", "payload", "nextAttemptAt", "createdAt", "updatedAt")
      SELECT r."id", ${orgId}::uuid, ${workflowId}::uuid, r."taskId", r."kind", r."payload", ${now}, ${now}, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("id" uuid, "taskId" uuid, "kind" text, "payload" jsonb)
      WHERE ${applied})`);
  }
  if (change.supersedeEscalationsOf.length > 0) {
    ctes.push(Prisma.sql`s AS (
      UPDATE "Delivery" SET "status" = 'SUPERSEDED', "lockedUntil" = NULL, "updatedAt" = ${now}
      WHERE "orgId" = ${orgId}::uuid AND "taskId" = ANY(${change.supersedeEscalationsOf}::uuid[]) AND "kind" = 'ESCALATE' AND "status" IN ('PENDING', 'DEAD') AND ${applied})`);
  }
  if (change.receipt) {
    const r = change.receipt;
    ctes.push(Prisma.sql`rc AS (
      INSERT INTO "WebhookReceipt" ("orgId", "webhookId", "statusCode", "responseBody", "createdAt")
      SELECT ${orgId}::uuid, ${r.webhookId}, ${r.statusCode}, ${JSON.stringify(r.responseBody)}::jsonb, ${now}
      WHERE ${applied})`);
  }
  ctes.push(Prisma.sql`n AS (SELECT pg_notify(${workflowChangedChannel}, ${`${orgId}:${workflowId}`}) FROM w)`);
  // `n` modifies nothing, so PostgreSQL runs it only because it is referenced here.
  const [row] = await client.$queryRaw<Array<{ updatedAt: Date | null }>>`
    WITH ${Prisma.join(ctes, ",\n")}
    SELECT (SELECT "updatedAt" FROM w) AS "updatedAt", (SELECT count(*) FROM n)::int AS "notified"`;
  return row?.updatedAt ?? null;
}

type CommandInput = WorkflowCommand | ((state: WorkflowState, workflow: Workflow) => WorkflowCommand);

async function applyOnce(client: Tx, orgId: string, workflowId: string, command: CommandInput, meta: CommandMeta, options: CommandOptions, loaded?: LoadedWorkflow): Promise<Applied> {
  const { workflow, task } = loaded ?? (await loadWorkflow(client, orgId, workflowId));
  const now = clock.now();
  const before = toState(workflow, task);
  const cmd = typeof command === "function" ? command(before, workflow) : command;
  const outcome = transition(before, cmd, now);
  if (!outcome.ok) throw new AppError(domainErrorToAppError[outcome.error.code], outcome.error.message);
  const after = outcome.state;

  const updated: Workflow = {
    ...workflow,
    status: after.status,
    version: after.version,
    currentTaskId: after.task?.id ?? null,
    deadlineAt: after.task && (after.task.status === "QUEUED" || after.task.status === "ACCEPTED") ? after.task.deadlineAt : null,
    updatedAt: now,
  };

  let taskChange: Change["task"] = null;
  if (after.task && cmd.type === "DISPATCH_TASK") {
    const row: Task = {
      id: after.task.id,
      orgId,
      workflowId,
      type: after.task.type,
      payload: (options.newTask?.payload ?? {}) as Task["payload"],
      status: after.task.status,
      dispatch: after.task.dispatch,
      attempts: 0,
      timeoutSeconds: after.task.timeoutSeconds,
      heartbeatTimeoutSeconds: after.task.heartbeatTimeoutSeconds,
      deadlineAt: after.task.deadlineAt,
      lastHeartbeatAt: null,
      callbackVersion: after.version,
      resultStatus: null,
      resultData: null,
      failureReason: null,
      lateResult: false,
      completedAt: null,
      timedOutAt: null,
      createdAt: now,
      updatedAt: now,
    };
    taskChange = { row, created: true };
  } else if (after.task && task) {
    const result = options.taskResult;
    const row: Task = {
      ...task,
      status: after.task.status,
      deadlineAt: after.task.deadlineAt,
      lastHeartbeatAt: after.task.lastHeartbeatAt,
      lateResult: after.task.lateResult,
      ...(cmd.type === "TIME_OUT" ? { timedOutAt: now } : {}),
      ...(result
        ? { resultStatus: result.resultStatus, resultData: (result.resultData ?? task.resultData) as Task["resultData"], failureReason: result.failureReason, completedAt: now }
        : {}),
      updatedAt: now,
    };
    taskChange = { row, created: false };
  }

  const applied: Applied = { workflow: updated, task: taskChange?.row ?? task, events: outcome.events.length };
  const written = await writeChange(client, {
    orgId,
    workflowId,
    expected: { version: workflow.version, updatedAt: workflow.updatedAt },
    workflow: updated,
    task: taskChange,
    events: eventRows(orgId, workflowId, outcome.events, after.version, meta, now),
    deliveries: effectDeliveryRows(orgId, workflowId, outcome.effects, now, options.deliveryPayload ?? {}),
    supersedeEscalationsOf: outcome.effects.flatMap((e) => (e.kind === "SUPERSEDE_ESCALATION" ? [e.taskId] : [])),
    receipt: options.receipt?.(applied) ?? null,
    now,
  });
  // Compare-and-swap: nothing was written if somebody moved the workflow since our read.
  if (!written) throw new VersionConflict(`workflow changed concurrently; version ${before.version} is stale`);
  updated.updatedAt = written;
  return applied;
}

/**
 * Runs one command: one read, the state machine, one atomic write. When the
 * workflow moved between the read and the write, the command is decided again
 * on a fresh read (up to `conflictRetries` times): a command that names a version
 * (a callback) is then refused by the state machine if the version moved, and
 * goes through if only a heartbeat or a delivery came in between, as it would
 * have had it come a moment later.
 */
const conflictRetries = 3;

export async function applyCommand(orgId: string, workflowId: string, command: CommandInput, meta: CommandMeta, options: CommandOptions = {}): Promise<Applied> {
  const prisma = await db();
  for (let attempt = 0; ; attempt++) {
    try {
      return await applyOnce(prisma, orgId, workflowId, command, meta, options, attempt === 0 ? options.loaded : undefined);
    } catch (error) {
      if (error instanceof VersionConflict && attempt < conflictRetries) continue;
      throw error;
    }
  }
}
