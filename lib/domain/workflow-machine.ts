// The workflow state machine: pure functions (state, command, now) → the
// complete change. No I/O here (lint-enforced). `transition` decides every
// new field value of the workflow and of its tasks (status, version,
// deadlines, result fields, timestamps), the audit events and the effects;
// lib/db/workflow-writes.ts writes exactly that, in one atomic statement
// guarded by a compare-and-swap. No status list, success rule or deadline
// rule lives anywhere else.
import type { Effect, EscalationPath } from "./effects";
import { newTask } from "./new-task";
import {
  newProcessState,
  startProcessChange,
  taskOutcomeChange,
  wakeChange,
  wakingPhases,
  type ProcessChange,
  type ProcessContext,
  type ProcessInputs,
  type ProcessState,
} from "./process-machine";
import { stepReasons, type StepOutcome } from "./process-steps";

export type { Effect, EffectKind, EscalationPath } from "./effects";

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

/** Statuses in which a task is still waiting for its result (the sweep's and the writer's SQL take this list). */
export const activeTaskStatuses = ["QUEUED", "ACCEPTED"] as const satisfies readonly TaskStatus[];

/** Whether the customer's interaction is still there: NONE when the workflow has no conversation. */
export const sessionStates = ["NONE", "ACTIVE", "ENDED", "UNKNOWN"] as const;
export type SessionState = (typeof sessionStates)[number];

export interface TaskState {
  id: string;
  type: string;
  status: TaskStatus;
  dispatch: boolean;
  timeoutSeconds: number;
  heartbeatTimeoutSeconds: number | null;
  deadlineAt: Date;
  lastHeartbeatAt: Date | null;
  /** The workflow version handed out in the task's callback URL. */
  callbackVersion: number;
  resultStatus: string | null;
  resultData: unknown;
  failureReason: string | null;
  /** The stored verdict on the result (rule 1); null while there is none. */
  resultSuccess: boolean | null;
  lateResult: boolean;
  completedAt: Date | null;
  timedOutAt: Date | null;
  /** The process step this task runs (null for a task a flow dispatched) and which attempt of it. */
  step: string | null;
  attempt: number;
}

export interface WorkflowState {
  status: WorkflowStatus;
  version: number;
  /** The Genesys conversation that started the workflow, if any. */
  conversationId: string | null;
  sessionState: SessionState;
  initiatedAt: Date;
  /** The active task's deadline (for the panel and Architect), else null. */
  deadlineAt: Date | null;
  /** The workflow's current task, if any. */
  task: TaskState | null;
  /** The process Longrun runs for this workflow (lib/domain/process-machine.ts); null for a single task. */
  process: ProcessState | null;
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
      type: "INITIATE";
      conversationId: string | null;
      /** When the caller says the workflow started; null: now (the API's timestamp is optional). */
      initiatedAt: Date | null;
      /** Start this process: its first step is dispatched (or its timer set) in the same change. */
      process?: { name: string; version: number; inputs: ProcessInputs; firstTaskId: string };
    }
  | {
      type: "DISPATCH_TASK";
      taskId: string;
      taskType: string;
      payload: unknown;
      timeoutSeconds: number;
      heartbeatTimeoutSeconds: number | null;
      dispatch: boolean;
    }
  | { type: "TASK_DELIVERED"; taskId: string }
  /** `nextTaskId`: the id of the task a process's next step gets, should the result lead to one. */
  | { type: "RECORD_RESULT"; taskId: string; expectedVersion: number; result: TaskResult; nextTaskId?: string }
  | { type: "HEARTBEAT"; taskId: string }
  /** The external system says it is still working (e.g. "PROCESSING"): a heartbeat that is recorded with its word. */
  | { type: "PROGRESS"; taskId: string; expectedVersion: number; word: string; message: string | null }
  /** Genesys reported that the customer left the conversation (customer.end trigger). */
  | { type: "CUSTOMER_ENDED"; endedAt: Date }
  /** The deadline passed; `sessionLimitSeconds` is the flow session limit of the task's type (rule 4). */
  | { type: "TIME_OUT"; taskId: string; sessionLimitSeconds: number; nextTaskId?: string }
  /** A process's RETRY or WAIT is due (the process sweep); `taskId` is for the task it may dispatch. */
  | { type: "WAKE"; taskId: string }
  /** An active task that is no longer its workflow's current one can never time out or complete. */
  | { type: "RETIRE_TASK"; task: TaskState }
  | { type: "ESCALATION_DELIVERED"; taskId: string; path: EscalationPath; detail?: Record<string, string> }
  /** A result reached a customer whose conversation had ended (rule 5): how. */
  | { type: "RESULT_FOLLOWED_UP"; taskId: string; path: EscalationPath; detail?: Record<string, string> }
  | { type: "CANCEL"; reason: string | null };

export type DomainEventType =
  | "WORKFLOW_INITIATED"
  | "TASK_DISPATCHED"
  | "TASK_ACCEPTED"
  | "TASK_SUCCEEDED"
  | "TASK_FAILED"
  | "TASK_HEARTBEAT"
  | "TASK_PROGRESS"
  | "CUSTOMER_ENDED"
  | "TASK_TIMED_OUT"
  | "TASK_RETIRED"
  | "LATE_RESULT"
  | "ESCALATED"
  | "RESULT_FOLLOWED_UP"
  | "WORKFLOW_CANCELLED"
  | "STEP_RETRY_SCHEDULED"
  | "STEP_WAITING"
  | "STEP_ESCALATED"
  | "PROCESS_ENDED";

export interface DomainEvent {
  type: DomainEventType;
  from: WorkflowStatus | null;
  to: WorkflowStatus;
  taskId: string | null;
  data?: Record<string, unknown>;
}

/** A task row to write: a new one, or the new values of an existing one. */
export interface TaskWrite {
  kind: "insert" | "update";
  task: TaskState;
  /** The task's input (insert only): carried through, never decided here. */
  payload?: unknown;
}

export type DomainErrorCode = "INVALID_TRANSITION" | "STALE_VERSION" | "TASK_NOT_FOUND" | "TASK_IN_PROGRESS" | "WORKFLOW_EXISTS" | "INPUT_MISSING";

export interface DomainError {
  code: DomainErrorCode;
  message: string;
}

export interface TransitionOk {
  ok: true;
  /** The workflow after the command: every field the writer stores. */
  state: WorkflowState;
  /** "insert" for a new workflow (INITIATE), else "update". */
  workflowWrite: "insert" | "update";
  tasks: TaskWrite[];
  events: DomainEvent[];
  effects: Effect[];
  /** Tasks whose escalation still waiting in the outbox is moot now (a late result came first). */
  supersedeEscalationsOf: string[];
}

export type Transition = TransitionOk | { ok: false; error: DomainError };

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

export function isTaskActive(task: Pick<TaskState, "status">): boolean {
  return (activeTaskStatuses as readonly TaskStatus[]).includes(task.status);
}

/** Whether an outbox dispatch of this task still has to be sent (it may have been answered or cancelled since). */
export function needsDispatch(task: Pick<TaskState, "status">): boolean {
  return task.status === "QUEUED";
}

/** Whether an ESCALATE delivery for `taskId` still has work to do: nothing settled or cancelled the workflow since it timed out. */
export function escalationStillDue(state: Pick<WorkflowState, "status" | "task" | "process">, taskId: string): boolean {
  // A process step that failed into `escalate` stays FAILED while its escalation goes out.
  const due = state.status === "TIMED_OUT" || (state.status === "FAILED" && state.process?.phase === "ESCALATING");
  return due && state.task?.id === taskId;
}

/**
 * The path planned at timeout (rule 4). The escalation handler confirms it
 * with Genesys (is the customer still connected?) before acting.
 */
export function plannedEscalationPath(state: Pick<WorkflowState, "conversationId" | "sessionState" | "initiatedAt">, sessionLimitSeconds: number, now: Date): EscalationPath {
  if (!state.conversationId || state.sessionState === "ENDED") return "CALLBACK";
  // Past the flow session limit the interaction's flow is gone whatever Genesys says about the call.
  const sessionEnds = state.initiatedAt.getTime() + sessionLimitSeconds * 1000;
  return now.getTime() > sessionEnds ? "CALLBACK" : "FLOW";
}

/** The outcome word Genesys flows and callbacks receive (`Flow.timeout_status`, callback data). */
export type ResultSignal = "TIMED_OUT" | "RESULT_SUCCESS" | "RESULT_FAILURE" | "LATE_RESULT_SUCCESS" | "LATE_RESULT_FAILURE";

export function resultSignal(task: Pick<TaskState, "status" | "lateResult" | "resultSuccess">): ResultSignal {
  if (task.resultSuccess === null) return "TIMED_OUT";
  if (task.lateResult) return task.resultSuccess ? "LATE_RESULT_SUCCESS" : "LATE_RESULT_FAILURE";
  return task.resultSuccess ? "RESULT_SUCCESS" : "RESULT_FAILURE";
}

/** A sign of life (a heartbeat, a progress word): the deadline moves to now + the heartbeat timeout, never earlier. */
function heartbeat(task: TaskState, now: Date): TaskState {
  const extended = addSeconds(now, task.heartbeatTimeoutSeconds ?? task.timeoutSeconds);
  return { ...task, deadlineAt: extended > task.deadlineAt ? extended : task.deadlineAt, lastHeartbeatAt: now };
}

/**
 * A heartbeat or a progress word: the deadline moves on (never back), the
 * status and version stay, and the event says whether the deadline moved.
 */
function signOfLife(state: WorkflowState, task: TaskState, now: Date, type: "TASK_HEARTBEAT" | "TASK_PROGRESS", data: Record<string, unknown>): Transition {
  const beat = heartbeat(task, now);
  return ok(withTask(state, state.status, beat, false), {
    tasks: [{ kind: "update", task: beat }],
    events: [
      {
        type,
        from: state.status,
        to: state.status,
        taskId: task.id,
        data: { ...data, deadline_at: beat.deadlineAt.toISOString(), extended: beat.deadlineAt > task.deadlineAt },
      },
    ],
  });
}

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

/** The workflow's deadline follows its task: the task's while it runs, none after. */
function withTask(state: WorkflowState, status: WorkflowStatus, task: TaskState | null, bump: boolean): WorkflowState {
  return {
    ...state,
    status,
    version: bump ? state.version + 1 : state.version,
    task,
    deadlineAt: task && isTaskActive(task) ? task.deadlineAt : null,
  };
}

function ok(state: WorkflowState, parts: Partial<Omit<TransitionOk, "ok" | "state">>): TransitionOk {
  return { ok: true, state, workflowWrite: "update", tasks: [], events: [], effects: [], supersedeEscalationsOf: [], ...parts };
}

/** The process of a workflow ended (settled, cancelled, escalated): no timer, nothing more to drive. */
function endProcess(process: ProcessState | null): ProcessState | null {
  return process && { ...process, phase: "ENDED", wakeAt: null };
}

/** Whether `task` is the attempt a running process waits for: its result or timeout decides the next step. */
function drivesProcess(state: WorkflowState, task: TaskState): state is WorkflowState & { process: ProcessState } {
  return state.process !== null && state.process.phase === "RUNNING" && task.step === state.process.step;
}

/**
 * Lets the process take its next step in the same change as what caused it:
 * `after` is the workflow with the result (or timeout, or wake-up) applied and
 * `parts` that change's rows; the step's decision adds the next task, timer,
 * end or escalation. Results of process steps reach the customer once, at the end.
 */
function driveProcess(
  before: WorkflowState,
  after: WorkflowState,
  parts: Pick<TransitionOk, "tasks" | "events" | "effects"> & Partial<Pick<TransitionOk, "workflowWrite">>,
  decide: (process: ProcessState, inputs: ProcessInputs, ctx: ProcessContext) => ProcessChange,
  nextTaskId: string | undefined,
  now: Date,
): Transition {
  const process = after.process;
  if (!process || !process.inputs) return refuse("INVALID_TRANSITION", "the workflow's process definition was not loaded");
  if (!nextTaskId) return refuse("INVALID_TRANSITION", "a process step needs the id of its next task");
  const change = decide(process, process.inputs, {
    from: after.status,
    version: after.version,
    nextTaskId,
    lastTaskId: after.task?.id ?? null,
    conversationId: after.conversationId,
    escalationPath: plannedEscalationPath(before, process.inputs.sessionLimitSeconds, now),
    now,
  });
  const task = change.task ?? after.task;
  const state: WorkflowState = { ...withTask(after, change.status, task, false), process: change.process };
  return ok(state, {
    workflowWrite: parts.workflowWrite ?? "update",
    tasks: [...parts.tasks, ...(change.task ? [{ kind: "insert" as const, task: change.task, payload: change.payload }] : [])],
    events: [...parts.events, ...change.events],
    effects: [...parts.effects.filter((e) => e.kind !== "RESULT_FOLLOW_UP"), ...change.effects],
  });
}

function stepOutcomeOf(result: TaskResult): StepOutcome {
  return result.success ? { type: "succeeded", result: result.data ?? null } : { type: "failed", reason: result.reason };
}

export function transition(state: WorkflowState | null, command: WorkflowCommand, now: Date): Transition {
  if (command.type === "INITIATE") {
    if (state) return refuse("WORKFLOW_EXISTS", "the workflow exists already");
    const created: WorkflowState = {
      status: "INITIATED",
      version: 1,
      conversationId: command.conversationId,
      // Started from a live interaction: the customer is connected until Genesys says otherwise.
      sessionState: command.conversationId ? "ACTIVE" : "NONE",
      initiatedAt: command.initiatedAt ?? now,
      deadlineAt: null,
      task: null,
      process: null,
    };
    const initiated: DomainEvent = { type: "WORKFLOW_INITIATED", from: null, to: "INITIATED", taskId: null };
    if (!command.process) return ok(created, { workflowWrite: "insert", events: [initiated] });
    const { name, version, inputs, firstTaskId } = command.process;
    const started = driveProcess(
      created,
      { ...created, version: 2, process: newProcessState(name, version, inputs) },
      { workflowWrite: "insert", tasks: [], events: [{ ...initiated, data: { process: name, process_version: version } }], effects: [] },
      startProcessChange,
      firstTaskId,
      now,
    );
    // A first step whose input the context lacks is the caller's mistake: refuse to start rather than start failed.
    if (started.ok && started.state.process?.phase === "ENDED") {
      const ended = started.events.find((e) => e.type === "PROCESS_ENDED");
      const reason = typeof ended?.data?.reason === "string" ? ended.data.reason : "";
      if (reason.startsWith(stepReasons.missingInput)) return refuse("INPUT_MISSING", `the context lacks what the first step needs: ${reason.slice(stepReasons.missingInput.length + 2)}`);
    }
    return started;
  }
  if (!state) return refuse("TASK_NOT_FOUND", "the workflow does not exist");
  if (finalWorkflowStatuses.includes(state.status)) {
    return refuse("INVALID_TRANSITION", `workflow is ${state.status}; no further changes are accepted`);
  }

  switch (command.type) {
    case "DISPATCH_TASK": {
      if (state.status === "PENDING") {
        return refuse("TASK_IN_PROGRESS", "the workflow already has a task waiting for its result");
      }
      if (!dispatchableFrom.includes(state.status)) {
        return refuse("INVALID_TRANSITION", `cannot dispatch a task from ${state.status}`);
      }
      const version = state.version + 1;
      const task = newTask(
        {
          id: command.taskId,
          type: command.taskType,
          // A flow that calls the orchestrator itself has handed the task off already.
          status: command.dispatch ? "QUEUED" : "ACCEPTED",
          dispatch: command.dispatch,
          timeoutSeconds: command.timeoutSeconds,
          heartbeatTimeoutSeconds: command.heartbeatTimeoutSeconds,
          callbackVersion: version,
          step: null,
          attempt: 1,
        },
        now,
      );
      return ok(withTask(state, "PENDING", task, true), {
        tasks: [{ kind: "insert", task, payload: command.payload }],
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
      });
    }

    case "TASK_DELIVERED": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      // A result may already have arrived before the target's acknowledgement.
      if (task.status !== "QUEUED") return ok(state, {});
      const accepted: TaskState = { ...task, status: "ACCEPTED" };
      return ok(withTask(state, state.status, accepted, false), {
        tasks: [{ kind: "update", task: accepted }],
        events: [{ type: "TASK_ACCEPTED", from: state.status, to: state.status, taskId: task.id }],
      });
    }

    case "RECORD_RESULT": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      const { result } = command;
      const to: WorkflowStatus = result.success ? "COMPLETED" : "FAILED";
      const resultFields = {
        resultStatus: result.status,
        resultData: result.data ?? null,
        failureReason: result.success ? null : result.reason,
        resultSuccess: result.success,
        completedAt: now,
      };
      const eventData = { status: result.status, reason: resultFields.failureReason };

      if (task.status === "TIMED_OUT" && !task.lateResult && state.process?.phase === "RETRY" && task.step === state.process.step) {
        // A process step that timed out is waiting out its backoff: a late success is the step's success and
        // the process goes on; a late failure changes nothing but is kept, and the retry still comes.
        const late: TaskState = { ...task, ...resultFields, lateResult: true };
        const lateEvent: DomainEvent = { type: "LATE_RESULT", from: state.status, to: result.success ? to : state.status, taskId: task.id, data: { ...eventData, success: result.success } };
        if (!result.success) return ok(withTask(state, state.status, late, true), { tasks: [{ kind: "update", task: late }], events: [lateEvent] });
        const running: WorkflowState = { ...withTask(state, to, late, true), process: { ...state.process, phase: "RUNNING", wakeAt: null } };
        return driveProcess(state, running, { tasks: [{ kind: "update", task: late }], events: [lateEvent], effects: [] }, (p, i, ctx) => taskOutcomeChange(p, i, stepOutcomeOf(result), ctx), command.nextTaskId, now);
      }
      if (task.status === "TIMED_OUT" && !task.lateResult) {
        // Never lost: a late result is kept and settles the workflow (and ends its process).
        const escalationSent = state.status !== "TIMED_OUT";
        const late: TaskState = { ...task, ...resultFields, lateResult: true };
        return ok({ ...withTask(state, to, late, true), process: endProcess(state.process) }, {
          tasks: [{ kind: "update", task: late }],
          events: [{ type: "LATE_RESULT", from: state.status, to, taskId: task.id, data: { ...eventData, success: result.success } }],
          effects: escalationSent ? [{ kind: "LATE_RESULT", taskId: task.id, escalatedAs: state.status }] : [],
          supersedeEscalationsOf: escalationSent ? [] : [task.id],
        });
      }
      // Rule 2: a stale version changes nothing, whatever else is true.
      if (command.expectedVersion !== state.version) {
        return refuse("STALE_VERSION", `version ${command.expectedVersion} is stale; the workflow is at version ${state.version}`);
      }
      if (!isTaskActive(task)) {
        return refuse("INVALID_TRANSITION", `task already has its result (${task.status})`);
      }
      const settled: TaskState = { ...task, ...resultFields, status: result.success ? "SUCCEEDED" : "FAILED" };
      const parts = {
        tasks: [{ kind: "update" as const, task: settled }],
        events: [{ type: result.success ? ("TASK_SUCCEEDED" as const) : ("TASK_FAILED" as const), from: state.status, to, taskId: task.id, data: { ...eventData, ...(task.step ? { step: task.step, attempt: task.attempt } : {}) } }],
        effects: state.conversationId ? [{ kind: "RESULT_FOLLOW_UP" as const, taskId: task.id }] : [],
      };
      // A process step's result decides the next step in this same change.
      if (drivesProcess(state, task)) {
        return driveProcess(state, withTask(state, to, settled, true), parts, (p, i, ctx) => taskOutcomeChange(p, i, stepOutcomeOf(result), ctx), command.nextTaskId, now);
      }
      return ok(withTask(state, to, settled, true), parts);
    }

    case "HEARTBEAT": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      if (!isTaskActive(task)) {
        return refuse("INVALID_TRANSITION", `task is ${task.status}; heartbeats are for tasks still running`);
      }
      // The workflow's version is untouched so that a callback holding it still applies.
      return signOfLife(state, task, now, "TASK_HEARTBEAT", {});
    }

    case "PROGRESS": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      // Rule 2 holds for progress too: a word about an older version of the workflow changes nothing.
      if (command.expectedVersion !== state.version) {
        return refuse("STALE_VERSION", `version ${command.expectedVersion} is stale; the workflow is at version ${state.version}`);
      }
      if (!isTaskActive(task)) {
        return refuse("INVALID_TRANSITION", `task is ${task.status}; progress is for tasks still running`);
      }
      // Like a heartbeat: never completes or fails the task, and keeps the callback URL's version valid.
      return signOfLife(state, task, now, "TASK_PROGRESS", { word: command.word, message: command.message });
    }

    case "CUSTOMER_ENDED": {
      // Once is enough: a redelivered event changes nothing.
      if (state.sessionState === "ENDED" || !state.conversationId) return ok(state, {});
      // The version stays: the callback URL handed out for a running task remains valid.
      return ok({ ...state, sessionState: "ENDED" }, {
        events: [{ type: "CUSTOMER_ENDED", from: state.status, to: state.status, taskId: state.task?.id ?? null, data: { ended_at: command.endedAt.toISOString() } }],
      });
    }

    case "TIME_OUT": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      if (!isTaskActive(task)) {
        return refuse("INVALID_TRANSITION", `task is ${task.status}; only a running task times out`);
      }
      if (task.deadlineAt > now) {
        return refuse("INVALID_TRANSITION", "task deadline has not passed");
      }
      const path = plannedEscalationPath(state, command.sessionLimitSeconds, now);
      const timedOut: TaskState = { ...task, status: "TIMED_OUT", timedOutAt: now };
      // A process step's timeout is retried or followed by its on_timeout (escalate by default) in this same change.
      if (drivesProcess(state, task)) {
        const event: DomainEvent = { type: "TASK_TIMED_OUT", from: state.status, to: "TIMED_OUT", taskId: task.id, data: { step: task.step, attempt: task.attempt } };
        return driveProcess(state, withTask(state, "TIMED_OUT", timedOut, true), { tasks: [{ kind: "update", task: timedOut }], events: [event], effects: [] }, (p, i, ctx) => taskOutcomeChange(p, i, { type: "timed_out" }, ctx), command.nextTaskId, now);
      }
      return ok(withTask(state, "TIMED_OUT", timedOut, true), {
        tasks: [{ kind: "update", task: timedOut }],
        events: [{ type: "TASK_TIMED_OUT", from: state.status, to: "TIMED_OUT", taskId: task.id, data: { path } }],
        effects: [{ kind: "ESCALATE", taskId: task.id, path }],
      });
    }

    case "WAKE": {
      const process = state.process;
      if (!process || !(wakingPhases as readonly string[]).includes(process.phase) || !process.wakeAt) {
        return refuse("INVALID_TRANSITION", "the workflow has no retry or wait to wake");
      }
      if (process.wakeAt > now) return refuse("INVALID_TRANSITION", "the retry or wait is not due yet");
      return driveProcess(state, { ...state, version: state.version + 1 }, { tasks: [], events: [], effects: [] }, wakeChange, command.taskId, now);
    }

    case "RETIRE_TASK": {
      const { task } = command;
      if (state.task?.id === task.id) return refuse("INVALID_TRANSITION", "the workflow's current task is not retired; it times out or completes");
      if (!isTaskActive(task)) return refuse("INVALID_TRANSITION", `task is ${task.status}; only a task still marked running is retired`);
      const retired: TaskState = { ...task, status: "CANCELLED" };
      return ok(state, {
        tasks: [{ kind: "update", task: retired }],
        events: [{ type: "TASK_RETIRED", from: state.status, to: state.status, taskId: task.id, data: { was: task.status, reason: "not the workflow's current task" } }],
      });
    }

    case "ESCALATION_DELIVERED": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      // A late result may have settled the workflow first; the escalation then changes nothing.
      if (!escalationStillDue(state, task.id)) return ok(state, {});
      const to = escalatedStatus[command.path];
      return ok({ ...withTask(state, to, task, true), process: endProcess(state.process) }, {
        events: [{ type: "ESCALATED", from: state.status, to, taskId: task.id, data: { path: command.path, ...command.detail } }],
      });
    }

    case "RESULT_FOLLOWED_UP": {
      const task = currentTask(state, command.taskId);
      if (isError(task)) return { ok: false, error: task };
      return ok(state, {
        events: [{ type: "RESULT_FOLLOWED_UP", from: state.status, to: state.status, taskId: task.id, data: { path: command.path, ...command.detail } }],
      });
    }

    case "CANCEL": {
      if (!cancellableFrom.includes(state.status)) {
        return refuse("INVALID_TRANSITION", `cannot cancel a workflow that is ${state.status}`);
      }
      const running = state.task && isTaskActive(state.task) ? state.task : null;
      const task = running ? { ...running, status: "CANCELLED" as const } : state.task;
      return ok({ ...withTask(state, "CANCELLED", task, true), process: endProcess(state.process) }, {
        tasks: running && task ? [{ kind: "update", task }] : [],
        events: [{ type: "WORKFLOW_CANCELLED", from: state.status, to: "CANCELLED", taskId: task?.id ?? null, data: { reason: command.reason } }],
      });
    }
  }
}
