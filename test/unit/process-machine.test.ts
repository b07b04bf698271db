// The state machine driving a process: each command on a process workflow and
// the complete change it decides (status, process fields, task rows, events,
// effects), table-driven.
import { describe, expect, it } from "vitest";
import { checkProcessDefinition } from "@/lib/domain/process-definition";
import { newProcessState, type ProcessInputs, type ProcessState } from "@/lib/domain/process-machine";
import { escalationStillDue, transition, type TaskState, type TransitionOk, type WorkflowCommand, type WorkflowState } from "@/lib/domain/workflow-machine";

const now = new Date("2026-12-02T10:00:00.000Z");
const at = (s: number) => new Date(now.getTime() + s * 1000);

const check = checkProcessDefinition({
  steps: [
    {
      name: "fraud", kind: "task", task_type: "FRAUD_VERIFICATION", input: { amount: "$.context.amount" }, timeout: 600,
      retry: { max_attempts: 3, initial_interval: 10, backoff_coefficient: 2, max_interval: 300, non_retryable: ["CARD_BLOCKED"] },
      on_success: { field: "risk", cases: { LOW: "credit" }, default: "review" }, on_failure: "escalate",
    },
    { name: "credit", kind: "task", task_type: "CREDIT_CHECK", input: { score: "$.steps.fraud.result.score" }, on_success: "end", on_timeout: "escalate" },
    { name: "review", kind: "wait", duration: 86400, on_success: "end" },
  ],
});
if (!check.ok) throw new Error(JSON.stringify(check.errors));
const inputs: ProcessInputs = { definition: check.definition, context: { amount: 1200 }, taskDefaults: { CREDIT_CHECK: { timeoutSeconds: 120, heartbeatTimeoutSeconds: null } }, sessionLimitSeconds: 1200 };

function task(step: string, overrides: Partial<TaskState> = {}): TaskState {
  return {
    id: `task-${step}`, type: "FRAUD_VERIFICATION", status: "ACCEPTED", dispatch: true, timeoutSeconds: 600, heartbeatTimeoutSeconds: null, deadlineAt: at(600), lastHeartbeatAt: null,
    callbackVersion: 2, resultStatus: null, resultData: null, failureReason: null, resultSuccess: null, lateResult: false, completedAt: null, timedOutAt: null, step, attempt: 1, ...overrides,
  };
}

function running(step = "fraud", process: Partial<ProcessState> = {}, t: TaskState | null = task(step), conversationId: string | null = null): WorkflowState {
  return {
    status: "PENDING", version: 2, conversationId, sessionState: conversationId ? "ACTIVE" : "NONE", initiatedAt: at(-60), deadlineAt: t?.deadlineAt ?? null, task: t,
    process: { ...newProcessState("card-fraud", 1, inputs), step, stepIndex: ["fraud", "credit", "review"].indexOf(step), ...process },
  };
}

const success = (data: unknown): WorkflowCommand => ({ type: "RECORD_RESULT", taskId: "task-fraud", expectedVersion: 2, result: { success: true, status: "COMPLETED", data, reason: null }, nextTaskId: "next" });
const failure = (reason: string, taskId = "task-fraud"): WorkflowCommand => ({ type: "RECORD_RESULT", taskId, expectedVersion: 2, result: { success: false, status: "FAILED", data: null, reason }, nextTaskId: "next" });

function applied(state: WorkflowState | null, command: WorkflowCommand, when = now): TransitionOk {
  const outcome = transition(state, command, when);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
}

// [what, state, command, expected: status, phase, step, attempt, wakeAt, inserted task (type, step, attempt, callbackVersion), event types, effect kinds]
type Row = [string, WorkflowState, WorkflowCommand, { status: string; phase: string; step: string; attempt: number; wakeAt: Date | null; inserted: Partial<TaskState> | null; events: string[]; effects: string[] }];
const table: Row[] = [
  ["a success branches to the next step and dispatches it in the same change", running(), success({ risk: "LOW", score: 7 }),
    { status: "PENDING", phase: "RUNNING", step: "credit", attempt: 1, wakeAt: null, inserted: { id: "next", type: "CREDIT_CHECK", step: "credit", attempt: 1, callbackVersion: 3, timeoutSeconds: 120, status: "QUEUED" }, events: ["TASK_SUCCEEDED", "TASK_DISPATCHED"], effects: ["DISPATCH_TASK"] }],
  ["another value takes the branch default: a durable wait", running(), success({ risk: "HIGH" }),
    { status: "PENDING", phase: "WAIT", step: "review", attempt: 1, wakeAt: at(86400), inserted: null, events: ["TASK_SUCCEEDED", "STEP_WAITING"], effects: [] }],
  ["a failure is retried after its backoff, durably", running(), failure("VENDOR_DOWN"),
    { status: "PENDING", phase: "RETRY", step: "fraud", attempt: 1, wakeAt: at(10), inserted: null, events: ["TASK_FAILED", "STEP_RETRY_SCHEDULED"], effects: [] }],
  ["a non-retryable failure escalates at once and stays FAILED", running(), failure("CARD_BLOCKED"),
    { status: "FAILED", phase: "ESCALATING", step: "fraud", attempt: 1, wakeAt: null, inserted: null, events: ["TASK_FAILED", "STEP_ESCALATED"], effects: ["ESCALATE"] }],
  ["the last attempt's failure escalates", running("fraud", { attempt: 3 }, task("fraud", { attempt: 3 })), failure("VENDOR_DOWN"),
    { status: "FAILED", phase: "ESCALATING", step: "fraud", attempt: 3, wakeAt: null, inserted: null, events: ["TASK_FAILED", "STEP_ESCALATED"], effects: ["ESCALATE"] }],
  ["the last step's success ends the process; the customer is followed up only now", running("credit", { results: { fraud: { score: 7 } } }, task("credit"), "conv-1"),
    { ...success({ limit: 1 }), taskId: "task-credit" } as WorkflowCommand,
    { status: "COMPLETED", phase: "ENDED", step: "credit", attempt: 1, wakeAt: null, inserted: null, events: ["TASK_SUCCEEDED", "PROCESS_ENDED"], effects: ["RESULT_FOLLOW_UP"] }],
  ["a timeout is retried like a failure", running("fraud", {}, task("fraud", { deadlineAt: at(-1) })), { type: "TIME_OUT", taskId: "task-fraud", sessionLimitSeconds: 1200, nextTaskId: "next" },
    { status: "PENDING", phase: "RETRY", step: "fraud", attempt: 1, wakeAt: at(10), inserted: null, events: ["TASK_TIMED_OUT", "STEP_RETRY_SCHEDULED"], effects: [] }],
  ["a due retry dispatches the next attempt", running("fraud", { phase: "RETRY", wakeAt: at(-1) }, task("fraud", { status: "FAILED" })), { type: "WAKE", taskId: "next" },
    { status: "PENDING", phase: "RUNNING", step: "fraud", attempt: 2, wakeAt: null, inserted: { type: "FRAUD_VERIFICATION", step: "fraud", attempt: 2, callbackVersion: 3 }, events: ["TASK_DISPATCHED"], effects: ["DISPATCH_TASK"] }],
  ["a woken wait leaves by on_success (end)", running("review", { phase: "WAIT", wakeAt: at(-1) }, task("fraud", { status: "SUCCEEDED" })), { type: "WAKE", taskId: "next" },
    { status: "COMPLETED", phase: "ENDED", step: "review", attempt: 1, wakeAt: null, inserted: null, events: ["PROCESS_ENDED"], effects: [] }],
  ["a late success during the backoff is the step's success", running("fraud", { phase: "RETRY", wakeAt: at(5) }, task("fraud", { status: "TIMED_OUT" })), success({ risk: "LOW", score: 1 }),
    { status: "PENDING", phase: "RUNNING", step: "credit", attempt: 1, wakeAt: null, inserted: { type: "CREDIT_CHECK" }, events: ["LATE_RESULT", "TASK_DISPATCHED"], effects: ["DISPATCH_TASK"] }],
  ["a late failure during the backoff keeps the retry", running("fraud", { phase: "RETRY", wakeAt: at(5) }, task("fraud", { status: "TIMED_OUT" })), failure("LATE"),
    { status: "PENDING", phase: "RETRY", step: "fraud", attempt: 1, wakeAt: at(5), inserted: null, events: ["LATE_RESULT"], effects: [] }],
  ["cancelling ends the process and its timer", running("fraud", { phase: "RETRY", wakeAt: at(5) }, task("fraud", { status: "FAILED" })), { type: "CANCEL", reason: "customer withdrew" },
    { status: "CANCELLED", phase: "ENDED", step: "fraud", attempt: 1, wakeAt: null, inserted: null, events: ["WORKFLOW_CANCELLED"], effects: [] }],
];

describe("the state machine drives processes", () => {
  it.each(table)("%s", (_, state, command, expected) => {
    const outcome = applied(state, command);
    expect(outcome.state.status).toBe(expected.status);
    expect(outcome.state.process).toMatchObject({ phase: expected.phase, step: expected.step, attempt: expected.attempt, wakeAt: expected.wakeAt, name: "card-fraud", version: 1 });
    const inserted = outcome.tasks.filter((t) => t.kind === "insert");
    if (expected.inserted) {
      expect(inserted).toHaveLength(1);
      expect(inserted[0]!.task).toMatchObject(expected.inserted);
      expect(outcome.state.task?.id).toBe(inserted[0]!.task.id);
      expect(outcome.state.deadlineAt).toEqual(inserted[0]!.task.deadlineAt);
    } else {
      expect(inserted).toEqual([]);
    }
    expect(outcome.events.map((e) => e.type)).toEqual(expected.events);
    expect(outcome.effects.map((e) => e.kind)).toEqual(expected.effects);
  });

  it("passes the earlier step's result into the next step's input", () => {
    const outcome = applied(running(), success({ risk: "LOW", score: 42 }));
    expect(outcome.tasks.find((t) => t.kind === "insert")?.payload).toEqual({ score: 42 });
    expect(outcome.state.process?.results).toEqual({ fraud: { risk: "LOW", score: 42 } });
  });

  it("starts a process with its first step in the creating change, or refuses when the context lacks its input", () => {
    const started = applied(null, { type: "INITIATE", conversationId: null, initiatedAt: now, process: { name: "card-fraud", version: 1, inputs, firstTaskId: "first" } });
    expect(started).toMatchObject({ workflowWrite: "insert", state: { status: "PENDING", version: 2, process: { step: "fraud", phase: "RUNNING" } } });
    expect(started.tasks[0]).toMatchObject({ kind: "insert", task: { id: "first", step: "fraud", callbackVersion: 2 }, payload: { amount: 1200 } });
    expect(started.events.map((e) => e.type)).toEqual(["WORKFLOW_INITIATED", "TASK_DISPATCHED"]);
    const refused = transition(null, { type: "INITIATE", conversationId: null, initiatedAt: now, process: { name: "card-fraud", version: 1, inputs: { ...inputs, context: {} }, firstTaskId: "first" } }, now);
    expect(refused).toMatchObject({ ok: false, error: { code: "INPUT_MISSING" } });
  });

  it("refuses a result for an attempt that is no longer current, a wake before it is due, and a step without its definition", () => {
    const retrying = running("fraud", { phase: "RUNNING", attempt: 2 }, task("fraud", { id: "task-fraud-2", attempt: 2 }));
    expect(transition(retrying, failure("X", "task-fraud"), now)).toMatchObject({ ok: false, error: { code: "TASK_NOT_FOUND" } });
    expect(transition(running("fraud", { phase: "RETRY", wakeAt: at(5) }, task("fraud", { status: "FAILED" })), { type: "WAKE", taskId: "n" }, now)).toMatchObject({ ok: false, error: { code: "INVALID_TRANSITION" } });
    expect(transition(running("fraud", { inputs: null }), success({ risk: "LOW" }), now)).toMatchObject({ ok: false });
  });

  it("runs the version it pinned: the definition in its inputs, whatever is stored since", () => {
    const other = checkProcessDefinition({ steps: [{ name: "fraud", kind: "task", task_type: "FRAUD_VERIFICATION", on_success: "credit" }, { name: "credit", kind: "task", task_type: "CREDIT_BUREAU_V2" }] });
    if (!other.ok) throw new Error("invalid");
    const v2 = running("fraud", { version: 2, inputs: { ...inputs, definition: other.definition } });
    expect(applied(v2, success({ risk: "LOW" })).tasks.find((t) => t.kind === "insert")?.task.type).toBe("CREDIT_BUREAU_V2");
    expect(applied(running(), success({ risk: "LOW", score: 3 })).tasks.find((t) => t.kind === "insert")?.task.type).toBe("CREDIT_CHECK");
  });

  it("lets the escalation of a failed step go out, then records it and ends the process", () => {
    const escalating = applied(running(), failure("CARD_BLOCKED")).state;
    expect(escalationStillDue(escalating, "task-fraud")).toBe(true);
    const delivered = applied(escalating, { type: "ESCALATION_DELIVERED", taskId: "task-fraud", path: "CALLBACK" });
    expect(delivered.state).toMatchObject({ status: "CALLBACK_SCHEDULED", process: { phase: "ENDED" } });
  });

  it("leaves single-task workflows as they were: a result still follows up the conversation at once", () => {
    const single: WorkflowState = { ...running("fraud", {}, task("fraud", { step: null }), "conv-1"), process: null };
    const outcome = applied(single, success({ ok: true }));
    expect(outcome.state).toMatchObject({ status: "COMPLETED", process: null });
    expect(outcome.effects.map((e) => e.kind)).toEqual(["RESULT_FOLLOW_UP"]);
  });
});
