// What a process does next: given its definition, what its steps produced so
// far and the outcome of the current step, the next action — dispatch a step
// with its resolved input, retry at a time, sleep until a time, end, or
// escalate. Pure (no clock, no I/O): `now` is an argument, and the same
// arguments always give the same action. The workflow state machine calls
// these; nothing else decides where a process goes.
import {
  endTarget,
  escalateTarget,
  isReference,
  parseReference,
  stepIndexOf,
  type ProcessDefinition,
  type ProcessStep,
  type RetryPolicy,
  type TaskStep,
  type WaitStep,
} from "./process-definition";

/** What the steps of a run have produced: the workflow's context and each step's latest successful result_data. */
export interface ProcessRun {
  context: unknown;
  results: Readonly<Record<string, unknown>>;
}

/** One step attempt as recorded, oldest first (the tasks and timers of a workflow). */
export interface StepRecord {
  step: string;
  attempt: number;
  outcome: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "WOKE" | "RUNNING";
  result?: unknown;
}

export function runFromHistory(context: unknown, history: readonly StepRecord[]): ProcessRun {
  const results: Record<string, unknown> = {};
  for (const record of history) if (record.outcome === "SUCCEEDED") results[record.step] = record.result ?? null;
  return { context, results };
}

/** How a task attempt ended. A result that says failure is `failed`, with the reason the system gave. */
export type StepOutcome =
  | { type: "succeeded"; result: unknown }
  | { type: "failed"; reason: string | null }
  | { type: "timed_out" };

/** Why the process is where it is: which way it left the previous step. */
export interface Route {
  from: string;
  via: "success" | "failure" | "timeout";
  /** A branch on a result field: the field and the value that chose the way. */
  branch?: { field: string; value: string | null };
}

interface StepRef {
  step: string;
  /** 0-based position in the definition ("step 2 of 3" is index 1). */
  stepIndex: number;
}

export type StepAction =
  | (StepRef & {
      type: "dispatch";
      attempt: number;
      taskType: string;
      input: Record<string, unknown>;
      /** Seconds; null: the org's setting for the task type. */
      timeoutSeconds: number | null;
      heartbeatTimeoutSeconds: number | null;
      route: Route | null;
    })
  | (StepRef & {
      type: "retry";
      /** The number of the attempt that will run at `at`. */
      attempt: number;
      at: Date;
      delaySeconds: number;
      /** Why the previous attempt did not succeed (TIMEOUT for a timeout). */
      reason: string;
    })
  | (StepRef & { type: "wait"; until: Date; route: Route | null })
  | { type: "end"; outcome: "COMPLETED" | "FAILED"; step: string | null; reason: string | null; route: Route | null }
  | (StepRef & {
      type: "escalate";
      cause: "failure" | "timeout";
      reason: string;
      /** Attempts made, when the retries ran out. */
      attempts: number;
      route: Route;
    });

export type StepActionType = StepAction["type"];

/** Reasons Longrun itself gives. */
export const stepReasons = {
  timeout: "TIMEOUT",
  missingInput: "MISSING_INPUT",
  noBranch: "NO_BRANCH",
  noWakeTime: "NO_WAKE_TIME",
} as const;

// ------------------------------------------------------------------ helpers

function readPath(value: unknown, path: readonly string[]): { found: boolean; value: unknown } {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.prototype.hasOwnProperty.call(current, key)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}

/** A reference's value in this run, or not found. */
export function resolveReference(run: ProcessRun, text: string): { found: boolean; value: unknown } {
  const ref = parseReference(text);
  if (!ref) return { found: false, value: undefined };
  if (ref.source === "context") return readPath(run.context, ref.path);
  if (!Object.prototype.hasOwnProperty.call(run.results, ref.step)) return { found: false, value: undefined };
  return readPath(run.results[ref.step], ref.path);
}

/** Input with every reference replaced by its value; the references that had none are listed. */
export function resolveInput(run: ProcessRun, input: unknown): { value: unknown; missing: string[] } {
  const missing: string[] = [];
  const walk = (value: unknown): unknown => {
    if (isReference(value)) {
      const resolved = resolveReference(run, value);
      if (!resolved.found) missing.push(value);
      return resolved.value ?? null;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return { value: walk(input), missing };
}

/** Temporal's backoff: initial_interval × backoff_coefficient^(n−1), capped at max_interval (100 × initial by default). */
export function retryDelaySeconds(policy: RetryPolicy, failedAttempt: number): number {
  const cap = policy.max_interval ?? policy.initial_interval * 100;
  return Math.min(policy.initial_interval * policy.backoff_coefficient ** (failedAttempt - 1), cap);
}

function isNonRetryable(policy: RetryPolicy, reason: string): boolean {
  const upper = reason.trim().toUpperCase();
  return policy.non_retryable.some((r) => r.toUpperCase() === upper);
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + Math.round(seconds * 1000));
}

function branchValue(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

/** A wait's `until`: an ISO-8601 string or Unix seconds. */
function wakeTime(value: unknown): Date | null {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? null : at;
  }
  return null;
}

// ---------------------------------------------------------------- decisions

function stepAt(definition: ProcessDefinition, name: string): { step: ProcessStep; stepIndex: number } {
  const stepIndex = stepIndexOf(definition, name);
  if (stepIndex < 0) throw new Error(`process has no step "${name}"`); // a checked definition never gets here
  return { step: definition.steps[stepIndex]!, stepIndex };
}

function dispatchAttempt(run: ProcessRun, step: TaskStep, stepIndex: number, attempt: number, route: Route | null): StepAction {
  const { value, missing } = resolveInput(run, step.input ?? {});
  if (missing.length > 0) {
    return { type: "end", outcome: "FAILED", step: step.name, reason: `${stepReasons.missingInput}: ${missing.join(", ")}`, route };
  }
  return {
    type: "dispatch",
    step: step.name,
    stepIndex,
    attempt,
    taskType: step.task_type,
    input: value as Record<string, unknown>,
    timeoutSeconds: step.timeout ?? null,
    heartbeatTimeoutSeconds: step.heartbeat_timeout ?? null,
    route,
  };
}

function startWait(definition: ProcessDefinition, run: ProcessRun, step: WaitStep, stepIndex: number, now: Date, route: Route | null, depth: number): StepAction {
  if (step.duration !== undefined) return { type: "wait", step: step.name, stepIndex, until: addSeconds(now, step.duration), route };
  const resolved = resolveReference(run, step.until!);
  const at = resolved.found ? wakeTime(resolved.value) : null;
  if (!at) {
    return go(definition, run, step.on_failure ?? endTarget, { from: step.name, via: "failure" }, `${stepReasons.noWakeTime}: ${step.until}`, now, depth);
  }
  // A time already past wakes at once (the next sweep), never before the step began.
  return { type: "wait", step: step.name, stepIndex, until: at > now ? at : now, route };
}

function enter(definition: ProcessDefinition, run: ProcessRun, name: string, now: Date, route: Route | null, depth: number): StepAction {
  const { step, stepIndex } = stepAt(definition, name);
  switch (step.kind) {
    case "task":
      return dispatchAttempt(run, step, stepIndex, 1, route);
    case "wait":
      return startWait(definition, run, step, stepIndex, now, route, depth);
  }
}

/** Follow a target: a step, end, or escalate. `reason` says why, for failures and timeouts. */
function go(definition: ProcessDefinition, run: ProcessRun, to: string, route: Route, reason: string | null, now: Date, depth = 0, attempts = 1): StepAction {
  // Only waits with an unreadable time chain without a step running; a checked definition has no such loop, but stay finite.
  if (depth > definition.steps.length) return { type: "end", outcome: "FAILED", step: route.from, reason: `${stepReasons.noWakeTime}: no step could start`, route };
  if (to === endTarget) {
    return { type: "end", outcome: route.via === "success" ? "COMPLETED" : "FAILED", step: route.from, reason, route };
  }
  if (to === escalateTarget) {
    const { stepIndex } = stepAt(definition, route.from);
    return {
      type: "escalate",
      step: route.from,
      stepIndex,
      cause: route.via === "timeout" ? "timeout" : "failure",
      reason: reason ?? stepReasons.timeout,
      attempts,
      route,
    };
  }
  return enter(definition, run, to, now, route, depth + 1);
}

/** The first action of a process started with this context. */
export function startProcess(definition: ProcessDefinition, context: unknown, now: Date): StepAction {
  return enter(definition, { context, results: {} }, definition.steps[0]!.name, now, null, 0);
}

/**
 * After attempt `attempt` of task step `step` ended with `outcome`: retry,
 * or leave the step by on_success / on_failure / on_timeout. `run` is what the
 * run had before this outcome.
 */
export function afterTaskOutcome(definition: ProcessDefinition, run: ProcessRun, current: { step: string; attempt: number }, outcome: StepOutcome, now: Date): StepAction {
  const { step, stepIndex } = stepAt(definition, current.step);
  if (step.kind !== "task") throw new Error(`step "${step.name}" is a ${step.kind}, not a task`);

  if (outcome.type === "succeeded") {
    const next: ProcessRun = { ...run, results: { ...run.results, [step.name]: outcome.result ?? null } };
    const onSuccess = step.on_success ?? definition.steps[stepIndex + 1]?.name ?? endTarget;
    if (typeof onSuccess === "string") return go(definition, next, onSuccess, { from: step.name, via: "success" }, null, now);
    const found = readPath(outcome.result, onSuccess.field.split("."));
    const value = found.found ? branchValue(found.value) : null;
    const route: Route = { from: step.name, via: "success", branch: { field: onSuccess.field, value } };
    const chosen = (value !== null && Object.prototype.hasOwnProperty.call(onSuccess.cases, value) ? onSuccess.cases[value] : undefined) ?? onSuccess.default;
    if (chosen === undefined) {
      return { type: "end", outcome: "FAILED", step: step.name, reason: `${stepReasons.noBranch}: ${onSuccess.field} = ${value ?? "(none)"}`, route };
    }
    return go(definition, next, chosen, route, null, now);
  }

  const via = outcome.type === "timed_out" ? "timeout" : "failure";
  const reason = outcome.type === "timed_out" ? stepReasons.timeout : (outcome.reason ?? "FAILED");
  const policy = step.retry;
  if (policy && current.attempt < policy.max_attempts && !isNonRetryable(policy, reason)) {
    const delaySeconds = retryDelaySeconds(policy, current.attempt);
    return { type: "retry", step: step.name, stepIndex, attempt: current.attempt + 1, at: addSeconds(now, delaySeconds), delaySeconds, reason };
  }
  const to = via === "timeout" ? (step.on_timeout ?? escalateTarget) : (step.on_failure ?? endTarget);
  return go(definition, run, to, { from: step.name, via }, reason, now, 0, current.attempt);
}

/** A retry's backoff has passed: dispatch that attempt, with the input resolved again. */
export function retryDue(definition: ProcessDefinition, run: ProcessRun, current: { step: string; attempt: number }): StepAction {
  const { step, stepIndex } = stepAt(definition, current.step);
  if (step.kind !== "task") throw new Error(`step "${step.name}" is a ${step.kind}, not a task`);
  return dispatchAttempt(run, step, stepIndex, current.attempt, null);
}

/** A wait step's timer fired: leave it by on_success. */
export function waitWoke(definition: ProcessDefinition, run: ProcessRun, name: string, now: Date): StepAction {
  const { step, stepIndex } = stepAt(definition, name);
  if (step.kind !== "wait") throw new Error(`step "${step.name}" is a ${step.kind}, not a wait`);
  return go(definition, run, step.on_success ?? definition.steps[stepIndex + 1]?.name ?? endTarget, { from: step.name, via: "success" }, null, now);
}
