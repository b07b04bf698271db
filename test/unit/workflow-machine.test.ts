import { describe, expect, it } from "vitest";
import { interpretCallbackResult } from "@/lib/domain/callback-result";
import {
  plannedEscalationPath,
  resultSignal,
  transition,
  workflowStatuses,
  type TaskResult,
  type TaskState,
  type TaskStatus,
  type WorkflowCommand,
  type WorkflowState,
  type WorkflowStatus,
} from "@/lib/domain/workflow-machine";

const now = new Date("2026-11-27T12:00:00.000Z");
const past = new Date(now.getTime() - 60_000);
const future = new Date(now.getTime() + 60_000);

function task(status: TaskStatus, overrides: Partial<TaskState> = {}): TaskState {
  return {
    id: "t1", type: "FRAUD_VERIFICATION", status, dispatch: true, timeoutSeconds: 600, heartbeatTimeoutSeconds: 120, deadlineAt: future, lastHeartbeatAt: null, lateResult: false,
    callbackVersion: 3, resultStatus: null, resultData: null, failureReason: null, resultSuccess: null, completedAt: null, timedOutAt: null,
    step: null, attempt: 1,
    ...overrides,
  };
}

const initiatedAt = new Date(now.getTime() - 120_000);

function state(status: WorkflowStatus, t: TaskState | null = null, version = 3, conversationId: string | null = null, overrides: Partial<WorkflowState> = {}): WorkflowState {
  const deadlineAt = t && (t.status === "QUEUED" || t.status === "ACCEPTED") ? t.deadlineAt : null;
  return { status, version, task: t, conversationId, sessionState: conversationId ? "ACTIVE" : "NONE", initiatedAt, deadlineAt, process: null, ...overrides };
}

const dispatch: WorkflowCommand = { type: "DISPATCH_TASK", taskId: "t2", taskType: "CREDIT_CHECK", payload: { amount: 12 }, timeoutSeconds: 300, heartbeatTimeoutSeconds: null, dispatch: true };
const success: TaskResult = { success: true, status: "COMPLETED", data: { score: 700 }, reason: null };
const failure: TaskResult = { success: false, status: "FAILED", data: null, reason: "card blocked" };

// Which statuses accept a new task, and which refuse it with what.
const dispatchTable: Array<[WorkflowStatus, "ok" | string]> = [
  ["INITIATED", "ok"],
  ["PENDING", "TASK_IN_PROGRESS"],
  ["COMPLETED", "ok"],
  ["FAILED", "ok"],
  ["TIMED_OUT", "ok"],
  ["ESCALATED", "ok"],
  ["CALLBACK_SCHEDULED", "ok"],
  ["NOTIFIED", "ok"],
  ["CANCELLED", "INVALID_TRANSITION"],
];

const cancelTable: Array<[WorkflowStatus, "ok" | string]> = [
  ["INITIATED", "ok"],
  ["PENDING", "ok"],
  ["COMPLETED", "INVALID_TRANSITION"],
  ["FAILED", "ok"],
  ["TIMED_OUT", "ok"],
  ["ESCALATED", "ok"],
  ["CALLBACK_SCHEDULED", "ok"],
  ["NOTIFIED", "ok"],
  ["CANCELLED", "INVALID_TRANSITION"],
];

describe("workflow state machine", () => {
  it("lists every status in the tables", () => {
    expect(dispatchTable.map(([s]) => s)).toEqual([...workflowStatuses]);
    expect(cancelTable.map(([s]) => s)).toEqual([...workflowStatuses]);
  });

  describe.each(dispatchTable)("DISPATCH_TASK from %s", (from, expected) => {
    it(expected === "ok" ? "moves to PENDING with a QUEUED task and a dispatch effect" : `is refused with ${expected}`, () => {
      const out = transition(state(from, from === "PENDING" ? task("ACCEPTED") : null), dispatch, now);
      if (expected !== "ok") {
        expect(out).toMatchObject({ ok: false, error: { code: expected } });
        return;
      }
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      expect(out.state.status).toBe("PENDING");
      expect(out.state.version).toBe(4);
      expect(out.state.task).toMatchObject({ id: "t2", status: "QUEUED", deadlineAt: new Date(now.getTime() + 300_000) });
      expect(out.events).toEqual([expect.objectContaining({ type: "TASK_DISPATCHED", from, to: "PENDING", taskId: "t2" })]);
      expect(out.effects).toEqual([{ kind: "DISPATCH_TASK", taskId: "t2" }]);
      // The complete change: the new row with its payload, its callback version, the workflow's deadline.
      expect(out.tasks).toEqual([{ kind: "insert", task: out.state.task, payload: { amount: 12 } }]);
      expect(out.state.task?.callbackVersion).toBe(4);
      expect(out.state.deadlineAt).toEqual(new Date(now.getTime() + 300_000));
    });
  });

  it("DISPATCH_TASK with dispatch:false registers an ACCEPTED task and no effect", () => {
    const out = transition(state("INITIATED"), { ...dispatch, dispatch: false }, now);
    expect(out).toMatchObject({ ok: true, state: { task: { status: "ACCEPTED" } }, effects: [] });
  });

  describe.each(cancelTable)("CANCEL from %s", (from, expected) => {
    it(expected === "ok" ? "moves to CANCELLED" : `is refused with ${expected}`, () => {
      const out = transition(state(from, task(from === "PENDING" ? "ACCEPTED" : "SUCCEEDED")), { type: "CANCEL", reason: "customer hung up" }, now);
      if (expected !== "ok") return expect(out).toMatchObject({ ok: false, error: { code: expected } });
      expect(out).toMatchObject({ ok: true, state: { status: "CANCELLED", version: 4 }, events: [{ type: "WORKFLOW_CANCELLED", from, to: "CANCELLED" }] });
      if (from === "PENDING" && out.ok) expect(out.state.task?.status).toBe("CANCELLED");
    });
  });

  // RECORD_RESULT: [case, workflow status, task, expected version, result, expected]
  const resultTable: Array<[string, WorkflowStatus, TaskState, number, TaskResult, { ok: true; to: WorkflowStatus; task: TaskStatus; event: string; effect?: string } | { ok: false; code: string }]> = [
    ["success on a QUEUED task", "PENDING", task("QUEUED"), 3, success, { ok: true, to: "COMPLETED", task: "SUCCEEDED", event: "TASK_SUCCEEDED" }],
    ["success on an ACCEPTED task", "PENDING", task("ACCEPTED"), 3, success, { ok: true, to: "COMPLETED", task: "SUCCEEDED", event: "TASK_SUCCEEDED" }],
    ["failure keeps the reason", "PENDING", task("ACCEPTED"), 3, failure, { ok: true, to: "FAILED", task: "FAILED", event: "TASK_FAILED" }],
    ["a stale version", "PENDING", task("ACCEPTED"), 2, success, { ok: false, code: "STALE_VERSION" }],
    ["a future version", "PENDING", task("ACCEPTED"), 9, success, { ok: false, code: "STALE_VERSION" }],
    ["a second result", "COMPLETED", task("SUCCEEDED"), 3, success, { ok: false, code: "INVALID_TRANSITION" }],
    ["late, before the escalation went out", "TIMED_OUT", task("TIMED_OUT"), 2, success, { ok: true, to: "COMPLETED", task: "TIMED_OUT", event: "LATE_RESULT" }],
    ["late, after the flow was launched", "ESCALATED", task("TIMED_OUT"), 2, failure, { ok: true, to: "FAILED", task: "TIMED_OUT", event: "LATE_RESULT", effect: "LATE_RESULT" }],
    ["late, after a callback was scheduled", "CALLBACK_SCHEDULED", task("TIMED_OUT"), 3, success, { ok: true, to: "COMPLETED", task: "TIMED_OUT", event: "LATE_RESULT", effect: "LATE_RESULT" }],
    ["a second late result", "COMPLETED", task("TIMED_OUT", { lateResult: true }), 3, success, { ok: false, code: "INVALID_TRANSITION" }],
    ["on a cancelled workflow", "CANCELLED", task("CANCELLED"), 3, success, { ok: false, code: "INVALID_TRANSITION" }],
  ];

  describe.each(resultTable)("RECORD_RESULT: %s", (_name, from, t, expectedVersion, result, expected) => {
    it(expected.ok ? `settles to ${expected.to}` : `is refused with ${expected.code}`, () => {
      const out = transition(state(from, t), { type: "RECORD_RESULT", taskId: "t1", expectedVersion, result }, now);
      if (!expected.ok) return expect(out).toMatchObject({ ok: false, error: { code: expected.code } });
      expect(out).toMatchObject({ ok: true, state: { status: expected.to, version: 4, task: { status: expected.task } }, events: [{ type: expected.event, from, to: expected.to }] });
      if (out.ok) expect(out.effects.map((e) => e.kind)).toEqual(expected.effect ? [expected.effect] : []);
      if (out.ok && expected.event === "LATE_RESULT") expect(out.state.task?.lateResult).toBe(true);
      if (!out.ok) return;
      // The stored result fields come from the domain, with the verdict and the time.
      expect(out.state.task).toMatchObject({
        resultStatus: result.status,
        resultData: result.data,
        resultSuccess: result.success,
        failureReason: result.success ? null : result.reason,
        completedAt: now,
      });
      expect(out.tasks).toEqual([{ kind: "update", task: out.state.task }]);
      expect(out.state.deadlineAt).toBeNull();
      // Only a late result before the escalation went out supersedes it.
      expect(out.supersedeEscalationsOf).toEqual(from === "TIMED_OUT" ? ["t1"] : []);
    });
  });

  it("RECORD_RESULT on a workflow with a conversation asks for a follow-up (rule 5: the customer may have gone)", () => {
    const out = transition(state("PENDING", task("ACCEPTED"), 3, "conv-1"), { type: "RECORD_RESULT", taskId: "t1", expectedVersion: 3, result: success }, now);
    expect(out).toMatchObject({ ok: true, effects: [{ kind: "RESULT_FOLLOW_UP", taskId: "t1" }] });
  });

  it("RESULT_FOLLOWED_UP records how the result reached the customer without changing status or version", () => {
    const out = transition(state("COMPLETED", task("SUCCEEDED"), 4, "conv-1"), { type: "RESULT_FOLLOWED_UP", taskId: "t1", path: "CALLBACK", detail: { callback_conversation_id: "c2" } }, now);
    expect(out).toMatchObject({ ok: true, state: { status: "COMPLETED", version: 4 }, events: [{ type: "RESULT_FOLLOWED_UP", data: { path: "CALLBACK", callback_conversation_id: "c2" } }] });
  });

  it("RECORD_RESULT for a task that is not the current one is refused", () => {
    const out = transition(state("PENDING", task("ACCEPTED")), { type: "RECORD_RESULT", taskId: "other", expectedVersion: 3, result: success }, now);
    expect(out).toMatchObject({ ok: false, error: { code: "TASK_NOT_FOUND" } });
  });

  const heartbeatTable: Array<[string, TaskState, "extends" | "keeps" | string]> = [
    ["extends a near deadline by the heartbeat timeout", task("ACCEPTED", { deadlineAt: new Date(now.getTime() + 10_000) }), "extends"],
    ["never shortens a later deadline", task("ACCEPTED", { deadlineAt: new Date(now.getTime() + 3600_000) }), "keeps"],
    ["falls back to the task timeout without a heartbeat timeout", task("QUEUED", { heartbeatTimeoutSeconds: null, deadlineAt: past }), "extends"],
    ["is refused once the task succeeded", task("SUCCEEDED"), "INVALID_TRANSITION"],
    ["is refused once the task timed out", task("TIMED_OUT"), "INVALID_TRANSITION"],
  ];

  describe.each(heartbeatTable)("HEARTBEAT %s", (_name, t, expected) => {
    it("behaves", () => {
      const out = transition(state("PENDING", t), { type: "HEARTBEAT", taskId: "t1" }, now);
      if (expected !== "extends" && expected !== "keeps") return expect(out).toMatchObject({ ok: false, error: { code: expected } });
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      expect(out.state.version).toBe(3); // heartbeats leave the callback's version valid
      const want = expected === "keeps" ? t.deadlineAt : new Date(now.getTime() + (t.heartbeatTimeoutSeconds ?? t.timeoutSeconds) * 1000);
      expect(out.state.task?.deadlineAt).toEqual(want);
      expect(out.state.task?.lastHeartbeatAt).toEqual(now);
      expect(out.state.deadlineAt).toEqual(want);
      expect(out.events[0]?.data).toMatchObject({ extended: expected === "extends" });
    });
  });

  // PROGRESS: a heartbeat that names its word; [case, workflow, expected version in the body, expected]
  const progressTable: Array<[string, WorkflowState, number, "extends" | string]> = [
    ["a running task: recorded with its word, deadline extended", state("PENDING", task("ACCEPTED", { deadlineAt: new Date(now.getTime() + 10_000) })), 3, "extends"],
    ["a stale version changes nothing", state("PENDING", task("ACCEPTED")), 2, "STALE_VERSION"],
    ["a task that already has its result", state("COMPLETED", task("SUCCEEDED")), 3, "INVALID_TRANSITION"],
    ["a task that timed out", state("TIMED_OUT", task("TIMED_OUT")), 3, "INVALID_TRANSITION"],
    ["a cancelled workflow", state("CANCELLED", task("CANCELLED")), 3, "INVALID_TRANSITION"],
  ];

  describe.each(progressTable)("PROGRESS %s", (_name, before, version, expected) => {
    it("behaves", () => {
      const out = transition(before, { type: "PROGRESS", taskId: "t1", expectedVersion: version, word: "PROCESSING", message: "bureau busy" }, now);
      if (expected !== "extends") return expect(out).toMatchObject({ ok: false, error: { code: expected } });
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      const want = new Date(now.getTime() + 120_000);
      expect(out.state).toMatchObject({ status: "PENDING", version: 3, deadlineAt: want });
      expect(out.state.task).toMatchObject({ status: "ACCEPTED", deadlineAt: want, lastHeartbeatAt: now, resultSuccess: null });
      expect(out.events).toEqual([{ type: "TASK_PROGRESS", from: "PENDING", to: "PENDING", taskId: "t1", data: { word: "PROCESSING", message: "bureau busy", deadline_at: want.toISOString(), extended: true } }]);
      expect(out.effects).toEqual([]);
    });
  });

  // CUSTOMER_ENDED: [case, workflow, expected]
  const endedTable: Array<[string, WorkflowState, "ended" | "unchanged" | string]> = [
    ["a running task's workflow", state("PENDING", task("ACCEPTED"), 3, "conv-1"), "ended"],
    ["an escalated workflow", state("CALLBACK_SCHEDULED", task("TIMED_OUT"), 3, "conv-1"), "ended"],
    ["a workflow whose session already ended (redelivery)", state("PENDING", task("ACCEPTED"), 3, "conv-1", { sessionState: "ENDED" }), "unchanged"],
    ["a workflow without a conversation", state("PENDING", task("ACCEPTED")), "unchanged"],
    ["a cancelled workflow", state("CANCELLED", null, 3, "conv-1"), "INVALID_TRANSITION"],
  ];

  describe.each(endedTable)("CUSTOMER_ENDED %s", (_name, before, expected) => {
    it("behaves", () => {
      const out = transition(before, { type: "CUSTOMER_ENDED", endedAt: past }, now);
      if (expected !== "ended" && expected !== "unchanged") return expect(out).toMatchObject({ ok: false, error: { code: expected } });
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      if (expected === "unchanged") {
        expect(out.state).toEqual(before);
        return expect(out.events).toEqual([]);
      }
      // Only the session changes; the version (in a callback URL) stays valid.
      expect(out.state).toEqual({ ...before, sessionState: "ENDED" });
      expect(out.events).toEqual([{ type: "CUSTOMER_ENDED", from: before.status, to: before.status, taskId: "t1", data: { ended_at: past.toISOString() } }]);
      // Its timeout now takes the session-ended path.
      expect(plannedEscalationPath(out.state, 1200, now)).toBe("CALLBACK");
    });
  });

  // TIME_OUT: [case, workflow, session limit (s), expected path or refusal]
  const timeoutTable: Array<[string, WorkflowState, number, "FLOW" | "CALLBACK" | string]> = [
    ["overdue, customer connected, within the flow session", state("PENDING", task("ACCEPTED", { deadlineAt: past }), 3, "conv-1"), 1200, "FLOW"],
    ["overdue, past the flow session limit", state("PENDING", task("ACCEPTED", { deadlineAt: past }), 3, "conv-1"), 60, "CALLBACK"],
    ["overdue, the customer left (session ENDED)", state("PENDING", task("QUEUED", { deadlineAt: past }), 3, "conv-1", { sessionState: "ENDED" }), 1200, "CALLBACK"],
    ["overdue, no conversation", state("PENDING", task("QUEUED", { deadlineAt: past })), 1200, "CALLBACK"],
    ["exactly at its deadline", state("PENDING", task("ACCEPTED", { deadlineAt: now }), 3, "conv-1"), 1200, "FLOW"],
    ["not yet due", state("PENDING", task("ACCEPTED", { deadlineAt: future })), 1200, "INVALID_TRANSITION"],
    ["a task that already succeeded", state("COMPLETED", task("SUCCEEDED", { deadlineAt: past })), 1200, "INVALID_TRANSITION"],
    ["a cancelled workflow", state("CANCELLED", task("CANCELLED", { deadlineAt: past })), 1200, "INVALID_TRANSITION"],
  ];

  describe.each(timeoutTable)("TIME_OUT %s", (_name, before, limit, expected) => {
    it(expected === "FLOW" || expected === "CALLBACK" ? `times out and escalates by ${expected}` : `is refused with ${expected}`, () => {
      const out = transition(before, { type: "TIME_OUT", taskId: "t1", sessionLimitSeconds: limit }, now);
      if (expected !== "FLOW" && expected !== "CALLBACK") return expect(out).toMatchObject({ ok: false, error: { code: expected } });
      expect(out).toMatchObject({ ok: true, state: { status: "TIMED_OUT", version: 4, deadlineAt: null, task: { status: "TIMED_OUT", timedOutAt: now } }, effects: [{ kind: "ESCALATE", path: expected }] });
      expect(plannedEscalationPath(before, limit, now)).toBe(expected);
    });
  });

  // INITIATE: [case, existing state, conversation, expected session state or refusal]
  const initiateTable: Array<[string, WorkflowState | null, string | null, "ACTIVE" | "NONE" | string]> = [
    ["from a live interaction", null, "conv-1", "ACTIVE"],
    ["without a conversation", null, null, "NONE"],
    ["for an id that exists", state("INITIATED"), null, "WORKFLOW_EXISTS"],
  ];

  describe.each(initiateTable)("INITIATE %s", (_name, existing, conversationId, expected) => {
    it(expected === "ACTIVE" || expected === "NONE" ? `creates an INITIATED workflow, session ${expected}` : `is refused with ${expected}`, () => {
      const out = transition(existing, { type: "INITIATE", conversationId, initiatedAt }, now);
      if (expected !== "ACTIVE" && expected !== "NONE") return expect(out).toMatchObject({ ok: false, error: { code: expected } });
      expect(out).toMatchObject({
        ok: true,
        workflowWrite: "insert",
        state: { status: "INITIATED", version: 1, conversationId, sessionState: expected, initiatedAt, deadlineAt: null, task: null },
        tasks: [],
        effects: [],
        events: [{ type: "WORKFLOW_INITIATED", from: null, to: "INITIATED" }],
      });
    });
  });

  it("INITIATE without the caller's start time starts the workflow now (the session limit counts from then)", () => {
    const out = transition(null, { type: "INITIATE", conversationId: "conv-1", initiatedAt: null }, now);
    expect(out).toMatchObject({ ok: true, state: { initiatedAt: now } });
    if (!out.ok) return;
    expect(plannedEscalationPath(out.state, 60, new Date(now.getTime() + 59_000))).toBe("FLOW");
    expect(plannedEscalationPath(out.state, 60, new Date(now.getTime() + 61_000))).toBe("CALLBACK");
  });

  // RETIRE_TASK: a running task the workflow no longer points at (the sweep finds it).
  const retireTable: Array<[string, WorkflowState, TaskState, "ok" | string]> = [
    ["a stale running task", state("COMPLETED", task("SUCCEEDED", { id: "t2" })), task("ACCEPTED", { deadlineAt: past }), "ok"],
    ["the current task", state("PENDING", task("ACCEPTED", { deadlineAt: past })), task("ACCEPTED", { deadlineAt: past }), "INVALID_TRANSITION"],
    ["a task that has its result", state("COMPLETED", task("SUCCEEDED", { id: "t2" })), task("FAILED"), "INVALID_TRANSITION"],
  ];

  describe.each(retireTable)("RETIRE_TASK %s", (_name, before, stale, expected) => {
    it(expected === "ok" ? "cancels it with an audit event, leaving the workflow as it is" : `is refused with ${expected}`, () => {
      const out = transition(before, { type: "RETIRE_TASK", task: stale }, now);
      if (expected !== "ok") return expect(out).toMatchObject({ ok: false, error: { code: expected } });
      expect(out).toMatchObject({
        ok: true,
        state: { status: before.status, version: before.version, task: before.task },
        tasks: [{ kind: "update", task: { id: "t1", status: "CANCELLED" } }],
        events: [{ type: "TASK_RETIRED", taskId: "t1", data: { was: "ACCEPTED" } }],
        effects: [],
      });
    });
  });

  // What Genesys flows and callbacks are told: from the stored verdict, the same one the API reports.
  const signalTable: Array<[string, Partial<TaskState>, string]> = [
    ["timed out, no result", { status: "TIMED_OUT", resultSuccess: null }, "TIMED_OUT"],
    ["succeeded", { status: "SUCCEEDED", resultSuccess: true }, "RESULT_SUCCESS"],
    ["failed", { status: "FAILED", resultSuccess: false }, "RESULT_FAILURE"],
    ["late success", { status: "TIMED_OUT", lateResult: true, resultSuccess: true }, "LATE_RESULT_SUCCESS"],
    ["late failure", { status: "TIMED_OUT", lateResult: true, resultSuccess: false }, "LATE_RESULT_FAILURE"],
  ];

  it.each(signalTable)("resultSignal: %s → %s", (_name, fields, expected) => {
    expect(resultSignal(task("ACCEPTED", fields))).toBe(expected);
  });

  it("a status_code-only success is stored as a success and reaches Genesys as RESULT_SUCCESS (one rule)", () => {
    const result = interpretCallbackResult({ status_code: 200 });
    expect(result).toMatchObject({ success: true, status: null, reason: null });
    const out = transition(state("PENDING", task("ACCEPTED")), { type: "RECORD_RESULT", taskId: "t1", expectedVersion: 3, result: result! }, now);
    expect(out).toMatchObject({ ok: true, state: { status: "COMPLETED", task: { status: "SUCCEEDED", resultSuccess: true, failureReason: null } } });
    if (out.ok) expect(resultSignal(out.state.task!)).toBe("RESULT_SUCCESS");
  });

  const escalationTable: Array<[WorkflowStatus, "FLOW" | "CALLBACK" | "NOTICE", WorkflowStatus | "unchanged"]> = [
    ["TIMED_OUT", "FLOW", "ESCALATED"],
    ["TIMED_OUT", "CALLBACK", "CALLBACK_SCHEDULED"],
    ["TIMED_OUT", "NOTICE", "NOTIFIED"],
    ["COMPLETED", "FLOW", "unchanged"],
  ];

  describe.each(escalationTable)("ESCALATION_DELIVERED from %s by %s", (from, path, to) => {
    it(`→ ${to}`, () => {
      const out = transition(state(from, task("TIMED_OUT", { deadlineAt: past })), { type: "ESCALATION_DELIVERED", taskId: "t1", path }, now);
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      if (to === "unchanged") {
        expect(out.state.status).toBe(from);
        expect(out.events).toEqual([]);
      } else {
        expect(out.state).toMatchObject({ status: to, version: 4 });
        expect(out.events[0]).toMatchObject({ type: "ESCALATED", from, to });
      }
    });
  });

  it("TASK_DELIVERED marks a QUEUED task ACCEPTED without a new version, and is a no-op afterwards", () => {
    const first = transition(state("PENDING", task("QUEUED")), { type: "TASK_DELIVERED", taskId: "t1" }, now);
    expect(first).toMatchObject({ ok: true, state: { version: 3, task: { status: "ACCEPTED" } }, events: [{ type: "TASK_ACCEPTED" }] });
    const again = transition(state("COMPLETED", task("SUCCEEDED")), { type: "TASK_DELIVERED", taskId: "t1" }, now);
    expect(again).toMatchObject({ ok: true, state: { status: "COMPLETED", task: { status: "SUCCEEDED" } }, events: [] });
  });
});
