// The part of the workflow state machine that drives a process: it turns the
// next step action (lib/domain/process-steps.ts) into the workflow's new
// status, its process fields, the next task, events and effects. Only
// `transition` (lib/domain/workflow-machine.ts) calls it, inside the same
// change as the result, timeout or wake-up that caused it, so the next
// dispatch or durable timer is written in one atomic statement with it.
import type { Effect, EscalationPath } from "./effects";
import type { ProcessDefinition } from "./process-definition";
import { stepTitle } from "./process-definition";
import { newTask } from "./new-task";
import { afterTaskOutcome, retryDue, startProcess, waitWoke, type ProcessRun, type StepAction, type StepOutcome } from "./process-steps";
import type { DomainEvent, TaskState, WorkflowStatus } from "./workflow-machine";

/**
 * Where a process is: a step's task RUNNING, a RETRY or a WAIT with its
 * `wakeAt` (swept like deadlines), ESCALATING (the escalation is in the
 * outbox), or ENDED.
 */
export const processPhases = ["RUNNING", "RETRY", "WAIT", "ESCALATING", "ENDED"] as const;
export type ProcessPhase = (typeof processPhases)[number];

/** Phases whose `wakeAt` the sweep acts on. */
export const wakingPhases = ["RETRY", "WAIT"] as const satisfies readonly ProcessPhase[];

/** What the machine needs besides the stored fields: read with the workflow, never written. */
export interface ProcessInputs {
  /** The pinned version's definition (immutable, so safe to cache). */
  definition: ProcessDefinition;
  /** The workflow's context, for `$.context` references. */
  context: unknown;
  /** The org's timeouts for the definition's task types (used where a step sets none). */
  taskDefaults: Readonly<Record<string, { timeoutSeconds: number; heartbeatTimeoutSeconds: number | null }>>;
  /** The flow session limit, to plan an escalation's path (rule 4). */
  sessionLimitSeconds: number;
}

export interface ProcessState {
  name: string;
  version: number;
  /** The current step (the last one, once ENDED). */
  step: string;
  /** 0-based position of `step` in the definition. */
  stepIndex: number;
  stepCount: number;
  attempt: number;
  phase: ProcessPhase;
  /** When the RETRY or WAIT is due; null otherwise. */
  wakeAt: Date | null;
  /** Each step's latest successful result_data, for `$.steps` references. */
  results: Record<string, unknown>;
  inputs: ProcessInputs | null;
}

/** What a process step decided, for transition() to merge into its change. */
export interface ProcessChange {
  status: WorkflowStatus;
  process: ProcessState;
  /** A task to insert (the next step, or the next attempt). */
  task: TaskState | null;
  payload: unknown;
  events: DomainEvent[];
  effects: Effect[];
}

export interface ProcessContext {
  /** The workflow status before the change (for event `from`). */
  from: WorkflowStatus;
  /** The workflow version after the change: the next task's callback version. */
  version: number;
  /** The id for a task this change may create (made by the caller: the domain is deterministic). */
  nextTaskId: string;
  /** The last task of the workflow (for a follow-up or an escalation that needs one). */
  lastTaskId: string | null;
  conversationId: string | null;
  /** The path an escalation would take now. */
  escalationPath: EscalationPath;
  now: Date;
}

function runOf(process: ProcessState, inputs: ProcessInputs): ProcessRun {
  return { context: inputs.context, results: process.results };
}

/** Turns a step action into the change: the one place a process's action becomes statuses, tasks and effects. */
export function applyStepAction(process: ProcessState, inputs: ProcessInputs, action: StepAction, results: Record<string, unknown>, ctx: ProcessContext): ProcessChange {
  const base: ProcessState = { ...process, results, wakeAt: null };
  const pending = (to: ProcessState, events: DomainEvent[], task: TaskState | null = null, payload: unknown = null, effects: Effect[] = []): ProcessChange => ({
    status: "PENDING",
    process: to,
    task,
    payload,
    events,
    effects,
  });
  switch (action.type) {
    case "dispatch": {
      const defaults = inputs.taskDefaults[action.taskType] ?? { timeoutSeconds: 900, heartbeatTimeoutSeconds: null };
      const timeoutSeconds = action.timeoutSeconds ?? defaults.timeoutSeconds;
      const task = newTask(
        {
          id: ctx.nextTaskId,
          type: action.taskType,
          status: "QUEUED",
          dispatch: true,
          timeoutSeconds,
          heartbeatTimeoutSeconds: action.heartbeatTimeoutSeconds ?? defaults.heartbeatTimeoutSeconds,
          callbackVersion: ctx.version,
          step: action.step,
          attempt: action.attempt,
        },
        ctx.now,
      );
      const next: ProcessState = { ...base, step: action.step, stepIndex: action.stepIndex, attempt: action.attempt, phase: "RUNNING" };
      return pending(
        next,
        [
          {
            type: "TASK_DISPATCHED",
            from: ctx.from,
            to: "PENDING",
            taskId: task.id,
            data: {
              task_type: task.type,
              deadline_at: task.deadlineAt.toISOString(),
              dispatch: true,
              step: action.step,
              step_title: stepTitle(inputs.definition.steps[action.stepIndex]!),
              attempt: action.attempt,
              ...(action.route ? { after: action.route.from, via: action.route.via, ...(action.route.branch ? { branch: action.route.branch } : {}) } : {}),
            },
          },
        ],
        task,
        action.input,
        [{ kind: "DISPATCH_TASK", taskId: task.id }],
      );
    }
    case "retry":
      return pending({ ...base, phase: "RETRY", wakeAt: action.at }, [
        {
          type: "STEP_RETRY_SCHEDULED",
          from: ctx.from,
          to: "PENDING",
          taskId: ctx.lastTaskId,
          data: { step: action.step, attempt: action.attempt, reason: action.reason, at: action.at.toISOString(), delay_seconds: action.delaySeconds },
        },
      ]);
    case "wait":
      return pending({ ...base, step: action.step, stepIndex: action.stepIndex, attempt: 1, phase: "WAIT", wakeAt: action.until }, [
        {
          type: "STEP_WAITING",
          from: ctx.from,
          to: "PENDING",
          taskId: ctx.lastTaskId,
          data: {
            step: action.step,
            step_title: stepTitle(inputs.definition.steps[action.stepIndex]!),
            until: action.until.toISOString(),
            ...(action.route ? { after: action.route.from, via: action.route.via, ...(action.route.branch ? { branch: action.route.branch } : {}) } : {}),
          },
        },
      ]);
    case "end": {
      const status: WorkflowStatus = action.outcome;
      // The customer hears the final outcome, wherever they are now (rule 5): the follow-up checks whether they are still there.
      const effects: Effect[] = ctx.conversationId && ctx.lastTaskId ? [{ kind: "RESULT_FOLLOW_UP", taskId: ctx.lastTaskId }] : [];
      return {
        status,
        process: { ...base, phase: "ENDED" },
        task: null,
        payload: null,
        events: [{ type: "PROCESS_ENDED", from: ctx.from, to: status, taskId: ctx.lastTaskId, data: { outcome: action.outcome, step: action.step, reason: action.reason } }],
        effects,
      };
    }
    case "escalate": {
      // A timeout goes the way every timeout goes (TIMED_OUT, then the escalation's path); a failure stays FAILED while its escalation goes out.
      const status: WorkflowStatus = action.cause === "timeout" ? "TIMED_OUT" : "FAILED";
      return {
        status,
        process: { ...base, phase: "ESCALATING" },
        task: null,
        payload: null,
        events: [
          {
            type: "STEP_ESCALATED",
            from: ctx.from,
            to: status,
            taskId: ctx.lastTaskId,
            data: { step: action.step, cause: action.cause, reason: action.reason, attempts: action.attempts, path: ctx.escalationPath },
          },
        ],
        effects: ctx.lastTaskId ? [{ kind: "ESCALATE", taskId: ctx.lastTaskId, path: ctx.escalationPath }] : [],
      };
    }
  }
}

/** A new workflow's first step. */
export function startProcessChange(process: ProcessState, inputs: ProcessInputs, ctx: ProcessContext): ProcessChange {
  return applyStepAction(process, inputs, startProcess(inputs.definition, inputs.context, ctx.now), {}, ctx);
}

/** After the current step's task ended with `outcome`. */
export function taskOutcomeChange(process: ProcessState, inputs: ProcessInputs, outcome: StepOutcome, ctx: ProcessContext): ProcessChange {
  const action = afterTaskOutcome(inputs.definition, runOf(process, inputs), { step: process.step, attempt: process.attempt }, outcome, ctx.now);
  const results = outcome.type === "succeeded" ? { ...process.results, [process.step]: outcome.result ?? null } : process.results;
  return applyStepAction(process, inputs, action, results, ctx);
}

/** A RETRY or WAIT came due. */
export function wakeChange(process: ProcessState, inputs: ProcessInputs, ctx: ProcessContext): ProcessChange {
  const action =
    process.phase === "RETRY"
      ? retryDue(inputs.definition, runOf(process, inputs), { step: process.step, attempt: process.attempt + 1 })
      : waitWoke(inputs.definition, runOf(process, inputs), process.step, ctx.now);
  return applyStepAction(process, inputs, action, process.results, ctx);
}

/** The process fields of a new workflow, before its first step. */
export function newProcessState(name: string, version: number, inputs: ProcessInputs): ProcessState {
  const first = inputs.definition.steps[0]!;
  return { name, version, step: first.name, stepIndex: 0, stepCount: inputs.definition.steps.length, attempt: 1, phase: "RUNNING", wakeAt: null, results: {}, inputs };
}
