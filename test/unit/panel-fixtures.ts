// Panel workflows in every state, as the snapshot loader builds them.
import type { EscalationPath, WorkflowStatus } from "@/lib/domain/workflow-machine";
import type { PanelEvent, PanelTask, PanelWorkflow } from "@/lib/panel/panel-types";

export const t0 = new Date("2026-11-27T10:00:00.000Z");
export const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000).toISOString();

let nextId = 1;
function event(type: string, from: string | null, to: string | null, seconds: number, actor: string, data: Record<string, unknown> | null = null): PanelEvent {
  return { id: String(nextId++), type, from_status: from, to_status: to, actor, created_at: at(seconds), data };
}

function task(overrides: Partial<PanelTask> = {}): PanelTask {
  return {
    id: "7d8e5b1c-0000-4000-8000-000000000001",
    type: "FRAUD_VERIFICATION",
    status: "ACCEPTED",
    created_at: at(5),
    deadline_at: at(305),
    last_heartbeat_at: null,
    completed_at: null,
    timed_out_at: null,
    result_status: null,
    success: null,
    failure_reason: null,
    late_result: false,
    result_data: null,
    ...overrides,
  };
}

const started = () => event("WORKFLOW_INITIATED", null, "INITIATED", 0, "data-action");
const dispatched = () => event("TASK_DISPATCHED", "INITIATED", "PENDING", 5, "data-action", { task_type: "FRAUD_VERIFICATION", deadline_at: at(305), dispatch: false });
const timedOut = (path: EscalationPath) => event("TASK_TIMED_OUT", "PENDING", "TIMED_OUT", 306, "cron", { path });

function workflow(status: WorkflowStatus, extra: Partial<PanelWorkflow>): PanelWorkflow {
  return {
    workflow_id: `0b1c2d3e-0000-4000-8000-${String(nextId++).padStart(12, "0")}`,
    customer_id: "CUST-1001",
    status,
    version: 1,
    created_at: at(0),
    updated_at: at(0),
    session_state: "ACTIVE",
    task: null,
    escalation: null,
    escalation_planned: null,
    notice: null,
    came_from: null,
    process: null,
    delivery_failure: null,
    specialist_queue: null,
    events: [started()],
    events_truncated: false,
    ...extra,
  };
}

export function workflowIn(status: WorkflowStatus): PanelWorkflow {
  switch (status) {
    case "INITIATED":
      return workflow(status, {});
    case "PENDING":
      return workflow(status, { task: task(), events: [started(), dispatched()] });
    case "COMPLETED":
      return workflow(status, {
        task: task({ status: "SUCCEEDED", success: true, result_status: "COMPLETED", completed_at: at(65), result_data: { score: 712, decision: "approve", nested: { ignored: true } } }),
        events: [started(), dispatched(), event("TASK_SUCCEEDED", "PENDING", "COMPLETED", 65, "callback", { status: "COMPLETED", reason: null })],
      });
    case "FAILED":
      return workflow(status, {
        task: task({ status: "FAILED", success: false, result_status: "FAILED", failure_reason: "card reported stolen", completed_at: at(65) }),
        events: [started(), dispatched(), event("TASK_FAILED", "PENDING", "FAILED", 65, "callback", { status: "FAILED", reason: "card reported stolen" })],
      });
    case "TIMED_OUT":
      return workflow(status, { task: task({ status: "TIMED_OUT", timed_out_at: at(306) }), escalation_planned: "FLOW", events: [started(), dispatched(), timedOut("FLOW")] });
    case "ESCALATED":
      return workflow(status, {
        task: task({ status: "TIMED_OUT", timed_out_at: at(306) }),
        escalation_planned: "FLOW",
        escalation: { path: "FLOW", at: at(307), callback_number: null, callback_queue: null },
        events: [started(), dispatched(), timedOut("FLOW"), event("ESCALATED", "TIMED_OUT", "ESCALATED", 307, "outbox", { path: "FLOW" })],
      });
    case "CALLBACK_SCHEDULED":
      return workflow(status, {
        task: task({ status: "TIMED_OUT", timed_out_at: at(306) }),
        escalation_planned: "CALLBACK",
        escalation: { path: "CALLBACK", at: at(308), callback_number: "+15551234567", callback_queue: null },
        events: [started(), dispatched(), timedOut("CALLBACK"), event("ESCALATED", "TIMED_OUT", "CALLBACK_SCHEDULED", 308, "outbox", { path: "CALLBACK" })],
      });
    case "NOTIFIED":
      return workflow(status, {
        task: task({ status: "TIMED_OUT", timed_out_at: at(306) }),
        escalation_planned: "NOTICE",
        escalation: { path: "NOTICE", at: at(309), callback_number: null, callback_queue: null },
        notice: { state: "open", channel: null, recipient: null, reason: "no callback queue configured", resolution: null, resolved_by: null, at: at(309) },
        events: [started(), dispatched(), timedOut("NOTICE"), event("ESCALATED", "TIMED_OUT", "NOTIFIED", 309, "outbox", { path: "NOTICE", notice: "open", reason: "no callback queue configured" })],
      });
    case "CANCELLED":
      return workflow(status, {
        task: task({ status: "CANCELLED" }),
        events: [started(), dispatched(), event("WORKFLOW_CANCELLED", "PENDING", "CANCELLED", 30, "data-action", { reason: "customer hung up" })],
      });
  }
}

/** A result that arrived after the timeout and the escalation. */
export function lateResult(success: boolean): PanelWorkflow {
  const base = workflowIn("ESCALATED");
  return {
    ...base,
    status: success ? "COMPLETED" : "FAILED",
    task: { ...base.task!, late_result: true, success, failure_reason: success ? null : "no record found", result_status: success ? "COMPLETED" : "FAILED", completed_at: at(400) },
    events: [...base.events, event("LATE_RESULT", "ESCALATED", success ? "COMPLETED" : "FAILED", 400, "callback", { status: success ? "COMPLETED" : "FAILED", reason: success ? null : "no record found", success })],
  };
}
