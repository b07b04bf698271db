import { describe, expect, it } from "vitest";
import { checkProcessDefinition } from "@/lib/domain/process-definition";
import { describeProcess, durationWords } from "@/lib/processes/process-describe";

function described(input: unknown) {
  const check = checkProcessDefinition(input);
  if (!check.ok) throw new Error(JSON.stringify(check.errors));
  return describeProcess(check.definition);
}

describe("process definitions in words", () => {
  it("lists every way out of a branching task, conditions only on the success ways, defaults marked", () => {
    const [fraud] = described({
      steps: [
        { name: "fraud", kind: "task", task_type: "FRAUD_VERIFICATION", on_success: { field: "risk", cases: { LOW: "credit" } }, on_failure: "escalate" },
        { name: "credit", kind: "task", task_type: "CREDIT_CHECK" },
      ],
    });
    expect(fraud!.title).toBe("Fraud verification");
    expect(fraud!.exits).toEqual([
      { when: "success", condition: "risk = LOW", to: "credit", implicit: false },
      { when: "success", condition: "any other risk", to: "end", implicit: true },
      { when: "failure", condition: null, to: "escalate", implicit: false },
      { when: "timeout", condition: null, to: "escalate", implicit: true },
    ]);
    expect(fraud!.facts).toContain("runs once (no retry)");
    expect(fraud!.facts).toContain("timeout: the org's setting");
  });

  it("describes waits and their wake-up", () => {
    const [, wait] = described({ steps: [{ name: "a", kind: "task", task_type: "A" }, { name: "cool_off", kind: "wait", duration: 7200 }] });
    expect(wait).toMatchObject({ title: "Cool off", facts: ["waits 2 h"], exits: [{ when: "woken", to: "end", implicit: true }] });
  });

  it.each([[86400, "1 d"], [7200, "2 h"], [600, "10 min"], [45, "45 s"], [90, "90 s"]])("%i seconds read as %s", (seconds, words) => {
    expect(durationWords(seconds)).toBe(words);
  });
});
