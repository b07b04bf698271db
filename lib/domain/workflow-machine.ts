// The workflow state machine: pure functions (state, command, now) → outcome.
// No I/O here (lint-enforced); the repository applies the outcome with a
// compare-and-swap on `version` and writes events and effects in the same
// transaction.

export const workflowStatuses = [
  "INITIATED",
  "PENDING",
  "COMPLETED",
  "FAILED",
  "TIMED_OUT",
  "ESCALATED",
  "CALLBACK_SCHEDULED",
  "NOTIFIED",
  "CANCELLED",
] as const;
export type WorkflowStatus = (typeof workflowStatuses)[number];

export const taskStatuses = ["QUEUED", "ACCEPTED", "SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED"] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/** Statuses in which a task is still waiting for its result. */
export const activeTaskStatuses: readonly TaskStatus[] = ["QUEUED", "ACCEPTED"];

export type EscalationPath = "FLOW" | "CALLBACK" | "NOTICE";

export interface TaskState {
  id: string;
  type: string;
  status: TaskStatus;
  dispatch: boolean;
  timeoutSeconds: number;
  heartbeatTimeoutSeconds: number | null;
  deadlineAt: Date;
  lastHeartbeatAt: Date | null;
  lateResult: boolean;
}

export interface WorkflowState {
  status: WorkflowStatus;
  version: number;
  /** The Genesys conversation that started the workflow, if any. */
  conversationId: string | null;
  /** The workflow's latest task, if any. */
  task: TaskState | null;
}

export interface TaskResult {
  success: boolean;
  /** The status word the external system sent (e.g. "COMPLETED"), kept verbatim. */
  status: string | null;
  data: unknown;
  /** Why it failed, when it failed. */
  reason: string | null;
}

export type WorkflowCommand =
  | {
      type: "DISPATCH_TASK";
      taskId: string;
      taskType: string;
      timeoutSeconds: number;
      heartbeatTimeoutSeconds: number | null;
      dispatch: boolean;
    }
  | { type: "TASK_DELIVERED"; taskId: string }
  | { type: "RECORD_RESULT"; taskId: string; expectedVersion: number; result: TaskResult }
  | { type: "HEARTBEAT"; taskId: string }
  | { type: "TIME_OUT"; taskId: string; path: EscalationPath }
  | { type: "ESCALATION_DELIVERED"; taskId: string; path: EscalationPath; detail?: Record<string, string> }
  /** A result reached a customer whose conversation had ended (rule 5): how. */
  | { type: "RESULT_FOLLOWED_UP"; taskId: string; path: EscalationPath; detail?: Record<string, string> }
  | { type: "CANCEL"; reason: string | null };

export type DomainEventType =
  | "TASK_DISPATCHED"
  | "TASK_ACCEPTED"
  | "TASK_SUCCEEDED"
  | "TASK_FAILED"
  | "TASK_HEARTBEAT"
  | "TASK_TIMED_OUT"
  | "LATE_RESULT"
  | "ESCALATED"
  | "RESULT_FOLLOWED_UP"
  | "WORKFLOW_CANCELLED";

export interface DomainEvent {
  type: DomainEventType;
  from: WorkflowStatus;
  to: WorkflowStatus;
  taskId: string | null;
  data?: Record<string, unknown>;
}

export type Effect =
  | { kind: "DISPATCH_TASK"; taskId: string }
  | { kind: "ESCALATE"; taskId: string; path: EscalationPath }
  /** A late result supersedes an escalation that has not gone out yet. */
  | { kind: "SUPERSEDE_ESCALATION"; taskId: string }
  /** A late result after the escalation went out reaches the agent/callback flow. */
  | { kind: "DELIVER_LATE_RESULT"; taskId: string; escalatedAs: WorkflowStatus }
  /** A result for a conversation that may have ended must still reach the customer (rule 5). */
  | { kind: "FOLLOW_UP_RESULT"; taskId: string };

export type DomainErrorCode = "INVALID_TRANSITION" | "STALE_VERSION" | "TASK_NOT_FOUND" | "TASK_IN_PROGRESS";

export interface DomainError {
  code: DomainErrorCode;
  message: string;
}

export type Transition =
  | { ok: true; state: WorkflowState; events: DomainEvent[]; effects: Effect[] }
  | { ok: false; error: DomainError };

/** No further command changes a workflow in these statuses. */
export const finalWorkflowStatuses: readonly WorkflowStatus[] = ["CANCELLED"];

/** A new task may start from these: a first step, a follow-up, or a retry. */
const dispatchableFrom: readonly WorkflowStatus[] = [
  "INITIATED",
  "COMPLETED",
  "FAILED",
  "TIMED_OUT",
  "ESCALATED",
  "CALLBACK_SCHEDULED",
  "NOTIFIED",
];

const cancellableFrom: readonly WorkflowStatus[] = [
  "INITIATED",
  "PENDING",
  "FAILED",
  "TIMED_OUT",
  "ESCALATED",
  "CALLBACK_SCHEDULED",
  "NOTIFIED",
];

const escalatedStatus: Record<EscalationPath, WorkflowStatus> = {
  FLOW: "ESCALATED",
  CALLBACK: "CALLBACK_SCHEDULED",
  NOTICE: "NOTIFIED",
};

function refuse(code: DomainErrorCode, message: string): Transition {
  return { ok: false, error: { code, message } };
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

function currentTask(state: WorkflowState, taskId: string): TaskState | DomainError {
  if (!state.task || state.task.id !== taskId) {
    return { code: "TASK_NOT_FOUND", message: `task ${taskId} is not the workflow's current task` };
  }
  return state.task;
}

function isError(value: TaskState | DomainError): value is DomainError {
  return "code" in value;
}

export function transition(state: WorkflowState, command: WorkflowCommand, now: Date): Transition {
  if (finalWorkflowStatuses.includes(state.status)) {
    return refuse("INVALID_TRANSITION", `workflow is ${state.status}; no further changes are accepted`);
  }
  const next = (status: WorkflowStatus, task: TaskState | null, bump = true): WorkflowState => ({
    ...state,
    status,
    version: bump ? state.version + 1 : state.version,
    task,
  });

  switch (command.type) {
    case "DISPATCH_TASK": {
      if (state.status === "PENDING") {
        return refuse("TASK_IN_PROGRESS", "the workflow already has a task waiting for its result");
      }
      if (!dispatchableFrom.includes(state.status)) {
        return refuse("INVALID_TRANSITION", `cannot dispatch a task from ${state.status}`);
      }
      const task: TaskState = {
        id: command.taskId,
        type: command.taskType,
        // A flow that calls the orchestrator itself has handed the task off already.
        status: command.dispatch ? "QUEUED" : "ACCEPTED",
        dispatch: command.dispatch,
        timeoutSeconds: command.timeoutSeconds,
        heartbeatTimeoutSeconds: command.heartbeatTimeoutSeconds,
        deadlineAt: addSeconds(now, command.timeoutSeconds),
        lastHeartbeatAt: null,
        lateResult: false,
      };
      return {
        ok: true,
        state: next("PENDING", task),
        events: [
          {
            type: "TASK_DISPATCHED",
            from: state.status,
            to: "PENDING",
            taskId: task.id,
            data: { task_type: task.type, deadline_at: task.deadlineAt.toISOString(), dispatch: task.dispatch },
          },
        ],
        effects: command.dispatch ? [{ kind: "DISPATCH_TASK", taskId: task.id }] : [],
      };
    }

    case "TASK_DELIVERED": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      // A result may already have arrived before the target's acknowledgement.
      if (task.status !== "QUEUED") return { ok: true, state, events: [], effects: [] };
      return {
        ok: true,
        state: next(state.status, { ...task, status: "ACCEPTED" }, false),
        events: [{ type: "TASK_ACCEPTED", from: state.status, to: state.status, taskId: task.id }],
        effects: [],
      };
    }

    case "RECORD_RESULT": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      const { result } = command;
      const to: WorkflowStatus = result.success ? "COMPLETED" : "FAILED";
      const resultData = { status: result.status, reason: result.reason };

      if (task.status === "TIMED_OUT" && !task.lateResult) {
        // Never lost: a late result is kept and settles the workflow.
        const escalationSent = state.status !== "TIMED_OUT";
        return {
          ok: true,
          state: next(to, { ...task, lateResult: true }),
          events: [{ type: "LATE_RESULT", from: state.status, to, taskId: task.id, data: { ...resultData, success: result.success } }],
          effects: [
            escalationSent
              ? { kind: "DELIVER_LATE_RESULT", taskId: task.id, escalatedAs: state.status }
              : { kind: "SUPERSEDE_ESCALATION", taskId: task.id },
          ],
        };
      }
      // Rule 2: a stale version changes nothing, whatever else is true.
      if (command.expectedVersion !== state.version) {
        return refuse(
          "STALE_VERSION",
          `version ${command.expectedVersion} is stale; the workflow is at version ${state.version}`,
        );
      }
      if (!activeTaskStatuses.includes(task.status)) {
        return refuse("INVALID_TRANSITION", `task already has its result (${task.status})`);
      }
      return {
        ok: true,
        state: next(to, { ...task, status: result.success ? "SUCCEEDED" : "FAILED" }),
        events: [{ type: result.success ? "TASK_SUCCEEDED" : "TASK_FAILED", from: state.status, to, taskId: task.id, data: resultData }],
        effects: state.conversationId ? [{ kind: "FOLLOW_UP_RESULT", taskId: task.id }] : [],
      };
    }

    case "HEARTBEAT": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      if (!activeTaskStatuses.includes(task.status)) {
        return refuse("INVALID_TRANSITION", `task is ${task.status}; heartbeats are for tasks still running`);
      }
      const extended = addSeconds(now, task.heartbeatTimeoutSeconds ?? task.timeoutSeconds);
      const deadlineAt = extended > task.deadlineAt ? extended : task.deadlineAt;
      return {
        ok: true,
        // The workflow's version is untouched so that a callback holding it still applies.
        state: next(state.status, { ...task, deadlineAt, lastHeartbeatAt: now }, false),
        events: [
          { type: "TASK_HEARTBEAT", from: state.status, to: state.status, taskId: task.id, data: { deadline_at: deadlineAt.toISOString() } },
        ],
        effects: [],
      };
    }

    case "TIME_OUT": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      if (!activeTaskStatuses.includes(task.status)) {
        return refuse("INVALID_TRANSITION", `task is ${task.status}; only a running task times out`);
      }
      if (task.deadlineAt > now) {
        return refuse("INVALID_TRANSITION", "task deadline has not passed");
      }
      return {
        ok: true,
        state: next("TIMED_OUT", { ...task, status: "TIMED_OUT" }),
        events: [{ type: "TASK_TIMED_OUT", from: state.status, to: "TIMED_OUT", taskId: task.id, data: { path: command.path } }],
        effects: [{ kind: "ESCALATE", taskId: task.id, path: command.path }],
      };
    }

    case "ESCALATION_DELIVERED": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      // A late result may have settled the workflow first; the escalation then changes nothing.
      if (state.status !== "TIMED_OUT") return { ok: true, state, events: [], effects: [] };
      const to = escalatedStatus[command.path];
      return {
        ok: true,
        state: next(to, task),
        events: [{ type: "ESCALATED", from: state.status, to, taskId: task.id, data: { path: command.path, ...command.detail } }],
        effects: [],
      };
    }

    case "RESULT_FOLLOWED_UP": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      return {
        ok: true,
        state,
        events: [{ type: "RESULT_FOLLOWED_UP", from: state.status, to: state.status, taskId: task.id, data: { path: command.path, ...command.detail } }],
        effects: [],
      };
    }

    case "CANCEL": {
      if (!cancellableFrom.includes(state.status)) {
        return refuse("INVALID_TRANSITION", `cannot cancel a workflow that is ${state.status}`);
      }
      const task = state.task && activeTaskStatuses.includes(state.task.status)
        ? { ...state.task, status: "CANCELLED" as const }
        : state.task;
      return {
        ok: true,
        state: next("CANCELLED", task),
        events: [{ type: "WORKFLOW_CANCELLED", from: state.status, to: "CANCELLED", taskId: task?.id ?? null, data: { reason: command.reason } }],
        effects: [],
      };
    }
  }
}
