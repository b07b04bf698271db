import { describe, expect, it } from "vitest";
import { acceptedStatusWords, interpretCallback, interpretCallbackResult } from "@/lib/domain/callback-result";

// Rule 1: only a body that says success completes a task.
const table: Array<[string, Parameters<typeof interpretCallbackResult>[0], boolean | null]> = [
  ['result "SUCCESS"', { result: "SUCCESS" }, true],
  ['status "COMPLETED"', { status: "COMPLETED" }, true],
  ["status_code 200", { status_code: 200 }, true],
  ['lower-case "success"', { result: "success" }, true],
  ['result "FAILURE"', { result: "FAILURE", reason: "fraud suspected" }, false],
  ['status "FAILED" with status_code 200', { status: "FAILED", status_code: 200 }, false],
  ['result "SUCCESS" with status_code 500', { result: "SUCCESS", status_code: 500 }, false],
  ["status_code 422", { status_code: 422 }, false],
  ["no outcome at all", { result_data: { ok: true } }, null],
  ["an empty body", {}, null],
];

describe("interpretCallbackResult", () => {
  it.each(table)("%s", (_name, body, expected) => {
    const result = interpretCallbackResult(body);
    if (expected === null) return expect(result).toBeNull();
    expect(result?.success).toBe(expected);
    if (!expected) expect(result?.reason).toBeTruthy();
  });

  it("keeps the reason the system gave", () => {
    expect(interpretCallbackResult({ result: "FAILURE", reason: "card blocked" })?.reason).toBe("card blocked");
    expect(interpretCallbackResult({ status_code: 503 })?.reason).toBe("status_code 503");
  });
});

// Progress is not failure; an unknown word is neither.
const meanings: Array<[string, Parameters<typeof interpretCallback>[0], Parameters<typeof interpretCallback>[1], string]> = [
  ['"PROCESSING" is progress', { status: "PROCESSING" }, {}, "progress"],
  ['"pending_verification" (any case) is progress', { status: "pending_verification" }, {}, "progress"],
  ['"IN_PROGRESS" with status_code 200 is still progress', { status: "IN_PROGRESS", status_code: 200 }, {}, "progress"],
  ['"RUNNING" with a failure word is a failure', { status: "RUNNING", result: "ERROR" }, {}, "result:false"],
  ['"QUEUED" with status_code 500 is a failure', { status: "QUEUED", status_code: 500 }, {}, "result:false"],
  ['"MAYBE" is unknown', { status: "MAYBE" }, {}, "unknown"],
  ['"MAYBE" with status_code 502 is a failure', { status: "MAYBE", status_code: 502 }, {}, "result:false"],
  ['"MAYBE" with status_code 200 is unknown', { status: "MAYBE", status_code: 200 }, {}, "unknown"],
  ['"SUCCESS" beside an unknown word is unknown, not a success', { result: "SUCCESS", status: "HALF_DONE" }, {}, "unknown"],
  ['"MATCH" mapped to success', { result: "MATCH" }, { MATCH: "success" }, "result:true"],
  ['"NO_MATCH" mapped to failure', { result: "no_match" }, { NO_MATCH: "failure" }, "result:false"],
  ['"UNDER_REVIEW" mapped to progress', { status: "UNDER_REVIEW" }, { UNDER_REVIEW: "progress" }, "progress"],
  ['a mapping wins over a built-in word', { status: "COMPLETED" }, { COMPLETED: "progress" }, "progress"],
  ["no words at all", { result_data: 1 }, {}, "silent"],
];

describe("interpretCallback", () => {
  it.each(meanings)("%s", (_name, body, vocabulary, expected) => {
    const meaning = interpretCallback(body, vocabulary);
    const got = meaning.kind === "result" ? `result:${meaning.result.success}` : meaning.kind;
    expect(got).toBe(expected);
  });

  it("keeps the progress word and its message", () => {
    expect(interpretCallback({ status: "processing", message: "waiting for the bureau" })).toEqual({ kind: "progress", word: "PROCESSING", message: "waiting for the bureau" });
  });

  it("lists every accepted word with an unknown one, the org's own first", () => {
    const meaning = interpretCallback({ status: "MAYBE" }, { MATCH: "success" });
    expect(meaning.kind).toBe("unknown");
    if (meaning.kind !== "unknown") return;
    expect(meaning.words).toEqual(["MAYBE"]);
    expect(meaning.accepted.success[0]).toBe("MATCH");
    expect(meaning.accepted.progress).toEqual(["PENDING", "PROCESSING", "IN_PROGRESS", "RUNNING", "QUEUED", "PENDING_VERIFICATION"]);
    expect(meaning.accepted.failure).toContain("DECLINED");
  });

  it("lists a remapped built-in word once, under its new meaning", () => {
    const accepted = acceptedStatusWords({ APPROVED: "progress" });
    expect(accepted.progress).toContain("APPROVED");
    expect(accepted.success).not.toContain("APPROVED");
  });

  it("interpretCallbackResult gives no result for progress or an unknown word", () => {
    expect(interpretCallbackResult({ status: "PROCESSING" })).toBeNull();
    expect(interpretCallbackResult({ status: "MAYBE" })).toBeNull();
  });
});
