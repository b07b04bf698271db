// What a callback body means. Rule 1 from the field: only a body that says
// success completes a task; silence, an unknown word or any failure signal
// does not. Failure signals win over success signals.

import type { TaskResult } from "./workflow-machine";

const successWords = new Set(["SUCCESS", "SUCCEEDED", "COMPLETED", "COMPLETE", "OK", "APPROVED"]);
const failureWords = new Set(["FAILURE", "FAILED", "FAIL", "ERROR", "REJECTED", "DECLINED", "DENIED", "TIMEOUT", "TIMED_OUT", "CANCELLED", "CANCELED"]);

export interface CallbackResultInput {
  result?: string | undefined;
  status?: string | undefined;
  status_code?: number | undefined;
  result_data?: unknown;
  reason?: string | undefined;
  error?: string | undefined;
}

/** Returns null when the body states no outcome at all. */
export function interpretCallbackResult(body: CallbackResultInput): TaskResult | null {
  const words = [body.result, body.status].filter((w): w is string => typeof w === "string" && w.length > 0);
  if (words.length === 0 && body.status_code === undefined) return null;

  const upper = words.map((w) => w.trim().toUpperCase());
  const codeSaysSuccess = body.status_code === undefined ? undefined : body.status_code >= 200 && body.status_code < 300;
  const failed = upper.some((w) => failureWords.has(w)) || codeSaysSuccess === false;
  const success = !failed && (upper.some((w) => successWords.has(w)) || codeSaysSuccess === true);

  const status = body.status ?? body.result ?? null;
  let reason: string | null = null;
  if (!success) {
    reason =
      body.reason ??
      body.error ??
      (codeSaysSuccess === false ? `status_code ${body.status_code}` : `result ${words.join("/") || "not success"}`);
  }
  return { success, status, data: body.result_data ?? null, reason };
}
