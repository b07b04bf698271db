// Effects: what a transition asks the outside world to do. Each effect becomes
// one outbox row (Delivery) whose `kind` is the effect's kind, written in the
// same atomic change as the transition; lib/outbox/handlers.ts maps every kind
// to its handler in a Record<EffectKind, …>, so a new kind without a handler
// does not compile.

export type EscalationPath = "FLOW" | "CALLBACK" | "NOTICE";

export const effectKinds = ["DISPATCH_TASK", "ESCALATE", "LATE_RESULT", "RESULT_FOLLOW_UP"] as const;
export type EffectKind = (typeof effectKinds)[number];

export type Effect =
  /** Send the task to the org's orchestrator. */
  | { kind: "DISPATCH_TASK"; taskId: string }
  /** A task timed out: reach the customer by `path` (confirmed with Genesys when delivered). */
  | { kind: "ESCALATE"; taskId: string; path: EscalationPath }
  /** A late result after the escalation went out reaches the agent/callback flow. */
  | { kind: "LATE_RESULT"; taskId: string; escalatedAs: string }
  /** A result for a conversation that may have ended must still reach the customer (rule 5). */
  | { kind: "RESULT_FOLLOW_UP"; taskId: string };

/** What an effect's delivery carries besides its task: the effect's own fields. */
export function effectPayload(effect: Effect): Record<string, string> {
  const { kind: _kind, taskId: _taskId, ...rest } = effect;
  return rest;
}

/** Outbox rows: PENDING until delivered; DEAD after the last attempt; SUPERSEDED when a later change made them moot. */
export const deliveryStatuses = ["PENDING", "DELIVERED", "DEAD", "SUPERSEDED"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
