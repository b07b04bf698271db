// What the panel's API sends and the panel renders: one snapshot of every
// workflow of a conversation. Shared by the server and the browser bundle,
// so nothing here imports server code.
import type { EscalationPath, TaskStatus, WorkflowStatus } from "@/lib/domain/workflow-machine";

export interface PanelEvent {
  id: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  actor: string;
  created_at: string;
  data: Record<string, unknown> | null;
}

export interface PanelTask {
  id: string;
  type: string;
  status: TaskStatus;
  created_at: string;
  deadline_at: string;
  last_heartbeat_at: string | null;
  completed_at: string | null;
  timed_out_at: string | null;
  result_status: string | null;
  /** null until a result (in time or late) arrived. */
  success: boolean | null;
  failure_reason: string | null;
  late_result: boolean;
  result_data: unknown;
}

export interface PanelEscalation {
  path: EscalationPath;
  at: string;
}

/**
 * What became of the customer's notice, when Longrun fell back to one: only
 * "sent" means the customer was told (Genesys accepted the SMS or email).
 */
export interface PanelNotice {
  state: "sent" | "open" | "resolved";
  channel: "sms" | "email" | null;
  recipient: string | null;
  /** Why no flow, callback or message reached the customer. */
  reason: string | null;
  /** What the admin who resolved it wrote. */
  resolution: string | null;
  resolved_by: string | null;
  at: string;
}

export interface PanelWorkflow {
  workflow_id: string;
  customer_id: string;
  status: WorkflowStatus;
  version: number;
  created_at: string;
  updated_at: string;
  session_state: string;
  task: PanelTask | null;
  /** What Longrun did once the task timed out (the latest ESCALATED event). */
  escalation: PanelEscalation | null;
  /** Planned escalation path from the TASK_TIMED_OUT event, before it went out. */
  escalation_planned: EscalationPath | null;
  /** The latest notice for the customer, if Longrun fell back to one. */
  notice: PanelNotice | null;
  /** Set on the panel of a callback Longrun created: the conversation the workflow came from. */
  came_from: { kind: "callback"; conversation_id: string | null } | null;
  events: PanelEvent[];
  /** True when older events were left out of `events`. */
  events_truncated: boolean;
}

export interface PanelSnapshot {
  conversation_id: string;
  generated_at: string;
  workflows: PanelWorkflow[];
}
