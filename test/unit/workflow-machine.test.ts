import { describe, expect, it } from "vitest";
import {
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
  return { id: "t1", type: "FRAUD_VERIFICATION", status, dispatch: true, timeoutSeconds: 600, heartbeatTimeoutSeconds: 120, deadlineAt: future, lastHeartbeatAt: null, lateResult: false, ...overrides };
}

function state(status: WorkflowStatus, t: TaskState | null = null, version = 3, conversationId: string | null = null): WorkflowState {
  return { status, version, task: t, conversationId };
}

const dispatch: WorkflowCommand = { type: "DISPATCH_TASK", taskId: "t2", taskType: "CREDIT_CHECK", timeoutSeconds: 300, heartbeatTimeoutSeconds: null, dispatch: true };
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
    ["late, before the escalation went out", "TIMED_OUT", task("TIMED_OUT"), 2, success, { ok: true, to: "COMPLETED", task: "TIMED_OUT", event: "LATE_RESULT", effect: "SUPERSEDE_ESCALATION" }],
    ["late, after the flow was launched", "ESCALATED", task("TIMED_OUT"), 2, failure, { ok: true, to: "FAILED", task: "TIMED_OUT", event: "LATE_RESULT", effect: "DELIVER_LATE_RESULT" }],
    ["late, after a callback was scheduled", "CALLBACK_SCHEDULED", task("TIMED_OUT"), 3, success, { ok: true, to: "COMPLETED", task: "TIMED_OUT", event: "LATE_RESULT", effect: "DELIVER_LATE_RESULT" }],
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
    });
  });

  it("RECORD_RESULT on a workflow with a conversation asks for a follow-up (rule 5: the customer may have gone)", () => {
    const out = transition(state("PENDING", task("ACCEPTED"), 3, "conv-1"), { type: "RECORD_RESULT", taskId: "t1", expectedVersion: 3, result: success }, now);
    expect(out).toMatchObject({ ok: true, effects: [{ kind: "FOLLOW_UP_RESULT", taskId: "t1" }] });
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
    });
  });

  const timeoutTable: Array<[string, WorkflowStatus, TaskState, "FLOW" | "CALLBACK" | "NOTICE", "ok" | string]> = [
    ["an overdue ACCEPTED task, customer connected", "PENDING", task("ACCEPTED", { deadlineAt: past }), "FLOW", "ok"],
    ["an overdue QUEUED task, customer gone", "PENDING", task("QUEUED", { deadlineAt: past }), "CALLBACK", "ok"],
    ["a task exactly at its deadline", "PENDING", task("ACCEPTED", { deadlineAt: now }), "NOTICE", "ok"],
    ["a task not yet due", "PENDING", task("ACCEPTED", { deadlineAt: future }), "FLOW", "INVALID_TRANSITION"],
    ["a task that already succeeded", "COMPLETED", task("SUCCEEDED", { deadlineAt: past }), "FLOW", "INVALID_TRANSITION"],
    ["a cancelled workflow", "CANCELLED", task("CANCELLED", { deadlineAt: past }), "FLOW", "INVALID_TRANSITION"],
  ];

  describe.each(timeoutTable)("TIME_OUT %s", (_name, from, t, path, expected) => {
    it(expected === "ok" ? `times out and escalates by ${path}` : `is refused with ${expected}`, () => {
      const out = transition(state(from, t), { type: "TIME_OUT", taskId: "t1", path }, now);
      if (expected !== "ok") return expect(out).toMatchObject({ ok: false, error: { code: expected } });
      expect(out).toMatchObject({ ok: true, state: { status: "TIMED_OUT", version: 4, task: { status: "TIMED_OUT" } }, effects: [{ kind: "ESCALATE", path }] });
    });
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
