// What a callback body means. Rule 1 from the field: only a body that says
// success completes a task; silence or any failure signal does not. A word
// that says the work is still going on (PROCESSING, QUEUED…) is progress:
// it neither completes nor fails the task. A word Longrun does not know is
// refused with the words it does know, so a vendor's new word never fails a
// task by accident. Failure signals (a failure word, a non-2xx status_code)
// win over everything, then unknown words, then progress, then success.
//
// Orgs may teach Longrun their vendor's words per task type (settings
// `statusWords`, e.g. MATCH → success, NO_MATCH → failure); those win over
// the built-in words.

import type { TaskResult } from "./workflow-machine";

export const statusMeanings = ["success", "failure", "progress"] as const;
export type StatusMeaning = (typeof statusMeanings)[number];

/** The words every org understands, by meaning. */
export const builtInStatusWords: Readonly<Record<StatusMeaning, readonly string[]>> = {
  success: ["SUCCESS", "SUCCEEDED", "COMPLETED", "COMPLETE", "OK", "APPROVED"],
  failure: ["FAILURE", "FAILED", "FAIL", "ERROR", "REJECTED", "DECLINED", "DENIED", "TIMEOUT", "TIMED_OUT", "CANCELLED", "CANCELED"],
  progress: ["PENDING", "PROCESSING", "IN_PROGRESS", "RUNNING", "QUEUED", "PENDING_VERIFICATION"],
};

/** An org's own words (upper-case) → meaning, already validated (lib/orgs/org-settings.ts). */
export type StatusVocabulary = Readonly<Record<string, StatusMeaning>>;

export interface CallbackResultInput {
  result?: string | undefined;
  status?: string | undefined;
  status_code?: number | undefined;
  result_data?: unknown;
  reason?: string | undefined;
  error?: string | undefined;
  /** Free text a vendor sends with progress ("waiting for the bureau"). */
  message?: string | undefined;
}

export type CallbackMeaning =
  /** The task's one result. */
  | { kind: "result"; result: TaskResult }
  /** Still working: record it, extend the deadline, change nothing else. */
  | { kind: "progress"; word: string; message: string | null }
  /** A word nobody taught Longrun: refuse it and say which words are accepted. */
  | { kind: "unknown"; words: string[]; accepted: Record<StatusMeaning, string[]> }
  /** The body states no outcome at all. */
  | { kind: "silent" };

export function normalizeStatusWord(word: string): string {
  return word.trim().toUpperCase();
}

function meaningOf(word: string, vocabulary: StatusVocabulary): StatusMeaning | null {
  const own = vocabulary[word];
  if (own) return own;
  for (const meaning of statusMeanings) if (builtInStatusWords[meaning].includes(word)) return meaning;
  return null;
}

/** Every word accepted for this vocabulary, by meaning (the org's own words first). */
export function acceptedStatusWords(vocabulary: StatusVocabulary = {}): Record<StatusMeaning, string[]> {
  const accepted: Record<StatusMeaning, string[]> = { success: [], failure: [], progress: [] };
  for (const [word, meaning] of Object.entries(vocabulary)) accepted[meaning].push(word);
  for (const meaning of statusMeanings) {
    for (const word of builtInStatusWords[meaning]) {
      if (!(word in vocabulary)) accepted[meaning].push(word);
    }
  }
  return accepted;
}

export function interpretCallback(body: CallbackResultInput, vocabulary: StatusVocabulary = {}): CallbackMeaning {
  const raw = [body.result, body.status].filter((w): w is string => typeof w === "string" && w.trim().length > 0);
  if (raw.length === 0 && body.status_code === undefined) return { kind: "silent" };

  const words = raw.map(normalizeStatusWord);
  const meanings = words.map((w) => meaningOf(w, vocabulary));
  const codeSaysSuccess = body.status_code === undefined ? undefined : body.status_code >= 200 && body.status_code < 300;
  const failed = meanings.includes("failure") || codeSaysSuccess === false;
  // A clear failure stands whatever else the body says; otherwise an unknown word decides nothing.
  const unknown = words.filter((_, n) => meanings[n] === null);
  if (!failed && unknown.length > 0) return { kind: "unknown", words: unknown, accepted: acceptedStatusWords(vocabulary) };
  const progressWord = words.find((_, n) => meanings[n] === "progress");
  if (!failed && progressWord) {
    // A 2xx status_code beside "PROCESSING" is the vendor's own request succeeding, not the task.
    return { kind: "progress", word: progressWord, message: body.message ?? body.reason ?? null };
  }
  const success = !failed && (meanings.includes("success") || codeSaysSuccess === true);

  const status = body.status ?? body.result ?? null;
  let reason: string | null = null;
  if (!success) {
    reason =
      body.reason ??
      body.error ??
      (codeSaysSuccess === false ? `status_code ${body.status_code}` : `result ${raw.join("/") || "not success"}`);
  }
  return { kind: "result", result: { success, status, data: body.result_data ?? null, reason } };
}

/**
 * The task result a body states; null when it states none, only progress or
 * an unknown word (interpretCallback says which).
 */
export function interpretCallbackResult(body: CallbackResultInput, vocabulary: StatusVocabulary = {}): TaskResult | null {
  const meaning = interpretCallback(body, vocabulary);
  return meaning.kind === "result" ? meaning.result : null;
}
