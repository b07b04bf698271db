import { describe, expect, it } from "vitest";
import { interpretCallbackResult } from "@/lib/domain/callback-result";

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
  ['an unknown word "PROCESSING"', { status: "PROCESSING" }, false],
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
