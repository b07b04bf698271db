// What a delivery attempt reports back to the outbox processor.
import type { CommandRequest } from "@/lib/workflows/workflow-store";

/**
 * The change a delivered attempt makes in Longrun (the task accepted, the
 * escalation recorded). The outbox writes the changes of a whole batch with
 * one writer statement before it settles the batch (applyCommands).
 */
export interface DeliveryChange extends CommandRequest {
  /** A refusal or conflict leaves the attempt delivered: the workflow moved on, the message still went out. */
  refusalIsFine?: boolean;
}

export type DeliveryOutcome =
  | { ok: true; status?: number; detail?: Record<string, unknown>; change?: DeliveryChange }
  /** retryable: 429, 5xx, network; permanent: the target refused the request itself. */
  | { ok: false; retryable: boolean; status?: number; error: string; retryAfterSeconds?: number | null };

export function outcomeFromHttpStatus(status: number, body: string, retryAfterSeconds: number | null): DeliveryOutcome {
  if (status >= 200 && status < 300) return { ok: true, status };
  const retryable = status === 408 || status === 429 || status >= 500;
  return { ok: false, retryable, status, error: `HTTP ${status}: ${body.slice(0, 500)}`, retryAfterSeconds };
}
