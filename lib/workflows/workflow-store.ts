// Runs state-machine commands against the database: one read, the state
// machine (lib/domain), one atomic write through the one writer
// (lib/db/workflow-writes.ts). No decision is made here.
import { clock } from "@/lib/clock";
import { db, type Db, type Tx } from "@/lib/db/client";
import type { Task, Workflow } from "@/lib/generated/prisma/client";
import { AppError, type ErrorCode } from "@/lib/errors/app-error";
import {
  transition,
  type DomainErrorCode,
  type SessionState,
  type TaskState,
  type TaskStatus,
  type TransitionOk,
  type WorkflowCommand,
  type WorkflowState,
  type WorkflowStatus,
} from "@/lib/domain/workflow-machine";
import type { ProcessInputs, ProcessPhase, ProcessState } from "@/lib/domain/process-machine";
import { loadProcessInputs } from "@/lib/processes/process-inputs";
import { writeChangesNow, type AppliedRow, type CommandMeta, type ReceiptRow, type WorkflowChange } from "@/lib/db/workflow-writes";

export { workflowChangedChannel, workflowChangedListenerName, type Actor, type CommandMeta, type ReceiptRow } from "@/lib/db/workflow-writes";

export interface Applied {
  workflow: Workflow;
  task: Task | null;
  events: number;
  /** The change wrote a DISPATCH_TASK outbox row (a task to send to the orchestrator now). */
  dispatches: boolean;
}

export const domainErrorToAppError: Record<DomainErrorCode, ErrorCode> = {
  INVALID_TRANSITION: "INVALID_TRANSITION",
  STALE_VERSION: "STALE_VERSION",
  TASK_NOT_FOUND: "CONFLICT",
  TASK_IN_PROGRESS: "TASK_IN_PROGRESS",
  WORKFLOW_EXISTS: "IDEMPOTENCY_CONFLICT",
  INPUT_MISSING: "UNPROCESSABLE",
};

/** Raised when a concurrent writer changed the workflow between our read and our write. */
export class VersionConflict extends AppError {
  constructor(message: string) {
    super("STALE_VERSION", message);
  }
}

export function toTaskState(task: Task): TaskState {
  return {
    id: task.id,
    type: task.type,
    status: task.status as TaskStatus,
    dispatch: task.dispatch,
    timeoutSeconds: task.timeoutSeconds,
    heartbeatTimeoutSeconds: task.heartbeatTimeoutSeconds,
    deadlineAt: task.deadlineAt,
    lastHeartbeatAt: task.lastHeartbeatAt,
    callbackVersion: task.callbackVersion,
    resultStatus: task.resultStatus,
    resultData: task.resultData,
    failureReason: task.failureReason,
    resultSuccess: task.resultSuccess,
    lateResult: task.lateResult,
    completedAt: task.completedAt,
    timedOutAt: task.timedOutAt,
    step: task.step,
    attempt: task.attempt,
  };
}

/** The process fields of a workflow row; `inputs` (definition, context, timeouts) when the command may take a step. */
export function toProcessState(workflow: Workflow, inputs: ProcessInputs | null): ProcessState | null {
  if (!workflow.processName || workflow.processVersion === null) return null;
  return {
    name: workflow.processName,
    version: workflow.processVersion,
    step: workflow.currentStep ?? "",
    stepIndex: workflow.stepIndex ?? 0,
    stepCount: workflow.stepCount ?? 0,
    attempt: workflow.attempt ?? 1,
    phase: (workflow.processPhase ?? "RUNNING") as ProcessPhase,
    wakeAt: workflow.wakeAt,
    results: (workflow.stepResults ?? {}) as Record<string, unknown>,
    inputs,
  };
}

export function toState(workflow: Workflow, task: Task | null, processInputs: ProcessInputs | null = null): WorkflowState {
  return {
    status: workflow.status as WorkflowStatus,
    version: workflow.version,
    conversationId: workflow.conversationId,
    sessionState: workflow.sessionState as SessionState,
    initiatedAt: workflow.initiatedAt,
    deadlineAt: workflow.deadlineAt,
    task: task && toTaskState(task),
    process: toProcessState(workflow, processInputs),
  };
}

/** The rows as they are after `outcome` was written (for answers and later reads in the same request). */
export function appliedRows(workflow: Workflow | null, task: Task | null, outcome: TransitionOk, written: AppliedRow, orgId: string, workflowId: string, now: Date): Applied {
  const s = outcome.state;
  const base: Workflow = workflow ?? ({ orgId, id: workflowId, createdAt: now } as Workflow);
  const updated: Workflow = {
    ...base,
    status: s.status,
    version: s.version,
    conversationId: s.conversationId,
    sessionState: s.sessionState,
    initiatedAt: s.initiatedAt,
    deadlineAt: s.deadlineAt,
    currentTaskId: s.task?.id ?? null,
    ...processColumns(s.process),
    revision: written.revision,
    updatedAt: written.updatedAt,
  };
  let taskRow: Task | null = task;
  if (s.task) {
    const write = outcome.tasks.find((t) => t.task.id === s.task!.id);
    const previous = task && task.id === s.task.id ? task : null;
    taskRow = {
      ...(previous ?? ({ orgId, workflowId, attempts: 0, createdAt: now, payload: (write?.payload ?? {}) } as Task)),
      ...s.task,
      resultData: (s.task.resultData ?? null) as Task["resultData"],
      updatedAt: write ? now : (previous?.updatedAt ?? now),
    };
  }
  return { workflow: updated, task: taskRow, events: outcome.events.length, dispatches: outcome.effects.some((e) => e.kind === "DISPATCH_TASK") };
}

/** The workflow row's process columns for a process state (all null without one). */
export function processColumns(process: ProcessState | null): Pick<Workflow, "processName" | "processVersion" | "currentStep" | "stepIndex" | "stepCount" | "attempt" | "processPhase" | "wakeAt" | "stepResults"> {
  return {
    processName: process?.name ?? null,
    processVersion: process?.version ?? null,
    currentStep: process?.step ?? null,
    stepIndex: process?.stepIndex ?? null,
    stepCount: process?.stepCount ?? null,
    attempt: process?.attempt ?? null,
    processPhase: process?.phase ?? null,
    wakeAt: process?.wakeAt ?? null,
    stepResults: (process?.results ?? null) as Workflow["stepResults"],
  };
}

const workflowDates = ["initiatedAt", "deadlineAt", "wakeAt", "createdAt", "updatedAt"] as const;
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

/** A task row read as JSON (to_jsonb), as Prisma would return it. */
export function loadedTask(row: Record<string, unknown>): Task {
  return revive<Task>(row, taskDates);
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

export interface TaskRef {
  orgId: string;
  workflowId: string;
  taskId: string;
}

/** A task with its workflow and the workflow's current task (`loaded.task`, the same row when the task is the current one). */
export interface LoadedTask {
  loaded: LoadedWorkflow;
  task: Task;
}

/**
 * Many tasks with their workflows and current tasks in one round trip (an
 * outbox batch's deliveries): the task comes once when it is its workflow's
 * current one, as it nearly always is. Answers in the order asked, null for a
 * task or workflow that no longer exists.
 */
export async function loadTasks(client: Tx, refs: TaskRef[]): Promise<Array<LoadedTask | null>> {
  if (refs.length === 0) return [];
  const rows = await client.$queryRaw<Array<{ n: number; workflow: Record<string, unknown>; current: Record<string, unknown> | null; task: Record<string, unknown> | null }>>`
    SELECT r."n"::int AS "n", to_jsonb(w) AS "workflow", to_jsonb(ct) AS "current", CASE WHEN ct."id" = t."id" THEN NULL ELSE to_jsonb(t) END AS "task"
    FROM unnest(${refs.map((r) => r.orgId)}::uuid[], ${refs.map((r) => r.workflowId)}::uuid[], ${refs.map((r) => r.taskId)}::uuid[]) WITH ORDINALITY AS r("orgId", "workflowId", "taskId", "n")
    JOIN "Task" t ON t."orgId" = r."orgId" AND t."id" = r."taskId" AND t."workflowId" = r."workflowId"
    JOIN "Workflow" w ON w."orgId" = r."orgId" AND w."id" = r."workflowId"
    LEFT JOIN "Task" ct ON ct."id" = w."currentTaskId" AND ct."orgId" = w."orgId"`;
  const found: Array<LoadedTask | null> = refs.map(() => null);
  for (const row of rows) {
    const loaded = loadedWorkflow({ workflow: row.workflow, task: row.current });
    found[row.n - 1] = { loaded, task: row.task ? loadedTask(row.task) : loaded.task! };
  }
  return found;
}

export interface CommandOptions {
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
  /** The org's settings as stored, when the caller read them already (a process step's timeouts come from them). */
  orgSettings?: unknown;
}

type CommandInput = WorkflowCommand | ((state: WorkflowState, workflow: Workflow) => WorkflowCommand);

interface Decided {
  change: WorkflowChange;
  workflow: Workflow;
  task: Task | null;
  outcome: TransitionOk;
  version: number;
}

/** One read (unless the caller's), the state machine, and the change to write. No write. */
async function decide(client: Db, orgId: string, workflowId: string, command: CommandInput, meta: CommandMeta, options: CommandOptions, loaded?: LoadedWorkflow): Promise<Decided> {
  const { workflow, task } = loaded ?? (await loadWorkflow(client, orgId, workflowId));
  const now = clock.now();
  // A process workflow's next step is decided from its pinned definition (cached: versions never change).
  const before = toState(workflow, task, await loadProcessInputs(client, workflow, options.orgSettings));
  const cmd = typeof command === "function" ? command(before, workflow) : command;
  const outcome = transition(before, cmd, now);
  if (!outcome.ok) throw new AppError(domainErrorToAppError[outcome.error.code], outcome.error.message);

  const change: WorkflowChange = { orgId, workflowId, expectedRevision: workflow.revision, outcome, meta, deliveryPayload: options.deliveryPayload, now };
  if (options.receipt) {
    // The receipt reports the change it is stored with: build it from the rows as they will be.
    const predicted = appliedRows(workflow, task, outcome, { orgId, id: workflowId, revision: workflow.revision + 1, updatedAt: now }, orgId, workflowId, now);
    change.receipt = options.receipt(predicted);
  }
  return { change, workflow, task, outcome, version: before.version };
}

/** What a decided change became once written; nothing written means somebody moved the workflow since the read. */
function writtenAs(decided: Decided, written: AppliedRow | undefined): Applied {
  // Compare-and-swap: nothing was written if somebody moved the workflow since our read.
  if (!written) throw new VersionConflict(`workflow changed concurrently; version ${decided.version} is stale`);
  const { workflow, task, outcome, change } = decided;
  return appliedRows(workflow, task, outcome, written, change.orgId, change.workflowId, change.now);
}

async function applyOnce(client: Db, orgId: string, workflowId: string, command: CommandInput, meta: CommandMeta, options: CommandOptions, loaded?: LoadedWorkflow): Promise<Applied> {
  const decided = await decide(client, orgId, workflowId, command, meta, options, loaded);
  const [written] = await writeChangesNow([decided.change]);
  return writtenAs(decided, written);
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

export interface CommandRequest {
  orgId: string;
  workflowId: string;
  command: WorkflowCommand;
  meta: CommandMeta;
  /** The workflow as the caller read it (see CommandOptions.loaded); without it the command takes its own read. */
  loaded?: LoadedWorkflow;
}

export type CommandResult = { ok: true; applied: Applied } | { ok: false; error: unknown };

/**
 * Runs many commands (the changes an outbox batch's deliveries make) with one
 * write: each decided on the state its caller read, all written by one
 * writer statement, each still its own compare-and-swap. A command whose
 * workflow moved since (or that shares its workflow with an earlier one of
 * the batch, or had no state read) is then run on its own by applyCommand,
 * on a fresh read, exactly as if it had come alone.
 */
export async function applyCommands(requests: CommandRequest[]): Promise<CommandResult[]> {
  const prisma = await db();
  const results: Array<CommandResult | undefined> = requests.map(() => undefined);
  const decided: Array<{ index: number; decided: Decided }> = [];
  const workflows = new Set<string>();
  for (const [index, request] of requests.entries()) {
    const key = `${request.orgId}:${request.workflowId}`;
    // One change per workflow in one statement: a second one was decided on a state the first replaces.
    if (!request.loaded || workflows.has(key)) continue;
    workflows.add(key);
    try {
      decided.push({ index, decided: await decide(prisma, request.orgId, request.workflowId, request.command, request.meta, {}, request.loaded) });
    } catch (error) {
      results[index] = { ok: false, error };
    }
  }
  if (decided.length > 0) {
    // One failing row fails the whole statement: then every command runs on its own below.
    const written = await writeChangesNow(decided.map((d) => d.decided.change)).catch(() => [] as AppliedRow[]);
    const byWorkflow = new Map(written.map((row) => [`${row.orgId}:${row.id}`, row]));
    for (const { index, decided: d } of decided) {
      const row = byWorkflow.get(`${d.change.orgId}:${d.change.workflowId}`);
      if (row) results[index] = { ok: true, applied: writtenAs(d, row) };
    }
  }
  // The rest: workflows side by side, the commands of one workflow in their order.
  const rest = new Map<string, number[]>();
  requests.forEach((request, index) => {
    if (results[index]) return;
    const key = `${request.orgId}:${request.workflowId}`;
    const indexes = rest.get(key);
    if (indexes) indexes.push(index);
    else rest.set(key, [index]);
  });
  await Promise.all(
    [...rest.values()].map(async (indexes) => {
      for (const index of indexes) {
        const request = requests[index]!;
        results[index] = await applyCommand(request.orgId, request.workflowId, request.command, request.meta).then(
          (applied): CommandResult => ({ ok: true, applied }),
          (error: unknown): CommandResult => ({ ok: false, error }),
        );
      }
    }),
  );
  return results as CommandResult[];
}
