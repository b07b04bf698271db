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
  /** For a callback: the number Genesys calls back (what the agent tells the customer). */
  callback_number: string | null;
  /** For a callback: the name of the queue Genesys put it in, when the settings know it (the agent names it). */
  callback_queue: string | null;
}

/**
 * A dispatch or escalation that became a dead letter: the task never reached
 * the external system, or Genesys refused the escalation. Shown as a failure,
 * never as "in progress".
 */
export interface PanelDeliveryFailure {
  /** LATE_RESULT and RESULT_FOLLOW_UP: the result never reached a customer who had left (no callback, no message). */
  kind: "DISPATCH_TASK" | "ESCALATE" | "LATE_RESULT" | "RESULT_FOLLOW_UP";
  /** The last error, as the external system or Genesys gave it. */
  error: string | null;
  /** The last HTTP status (a 4xx is a refusal; none or 5xx: unreachable). */
  http_status: number | null;
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

/** How one visit of a step went: running, waiting out a retry's backoff, done one way or another, or (a wait) asleep or woken. */
export type PanelStepOutcome = "running" | "retrying" | "succeeded" | "failed" | "timed_out" | "escalated" | "waiting" | "woke" | "cancelled";

/** One attempt of a task step (one task). */
export interface PanelStepAttempt {
  attempt: number;
  task_id: string;
  status: TaskStatus;
  /** The reason the external system gave for a failure, or TIMEOUT. */
  reason: string | null;
  started_at: string;
  ended_at: string | null;
  /** When Longrun scheduled the next attempt after this one failed (its backoff), if it did. */
  retry_at: string | null;
}

/** One visit of a step, in the order the process went (a branch skips steps; a step may be visited again after a wait). */
export interface PanelStep {
  step: string;
  /** Human-readable: the definition's title, or its task type in words. */
  title: string;
  /** 1-based position in the definition ("Step 2 of 3"). */
  position: number;
  kind: "task" | "wait";
  outcome: PanelStepOutcome;
  attempts: PanelStepAttempt[];
  /** The attempt waiting out its backoff, while the process is in RETRY on this step. */
  next_attempt: { attempt: number; at: string; reason: string } | null;
  /** Max attempts of the step's retry policy (1 without one). */
  max_attempts: number;
  /** A wait step: when it wakes up, and when it did. */
  wake_at: string | null;
  woke_at: string | null;
  /** Why the step escalated (failure or timeout, with the reason). */
  escalated: { cause: string; reason: string | null } | null;
  started_at: string;
  ended_at: string | null;
}

/** A workflow that runs a process: where it is and how each step went. */
export interface PanelProcess {
  name: string;
  version: number;
  /** The current step (the last one once ended). */
  step: string;
  step_title: string;
  /** 1-based. */
  step_position: number;
  step_count: number;
  attempt: number;
  phase: "RUNNING" | "RETRY" | "WAIT" | "ESCALATING" | "ENDED";
  /** When a RETRY or WAIT is due. */
  wake_at: string | null;
  /** How the process ended, once it did. */
  ended: { outcome: string; reason: string | null } | null;
  steps: PanelStep[];
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
  /**
   * Set when the workflow belongs to an earlier conversation: the callback
   * Longrun created ("callback"), or a conversation whose participant
   * attribute `workflow_id` names it ("attribute").
   */
  came_from: { kind: "callback" | "attribute"; conversation_id: string | null } | null;
  /** The dispatch or escalation that became a dead letter, if it did (and was not re-driven since). */
  delivery_failure: PanelDeliveryFailure | null;
  /** The queue the org's settings name for this task type's specialists (the handler flow transfers there). */
  specialist_queue: string | null;
  /** Set for a workflow that runs a process. */
  process: PanelProcess | null;
  events: PanelEvent[];
  /** True when older events were left out of `events`. */
  events_truncated: boolean;
}

/** A task type's names set by the org: one for every language, and per language. */
export interface PanelTaskTypeName {
  all: string | null;
  languages: Partial<Record<"en-US" | "es" | "fr" | "de" | "pt-BR" | "ja", string>>;
}

export interface PanelSnapshot {
  conversation_id: string;
  generated_at: string;
  workflows: PanelWorkflow[];
  /** Task type → the org's display names (only the types it named). */
  task_type_names: Record<string, PanelTaskTypeName>;
}
