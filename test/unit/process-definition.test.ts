import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkProcessDefinition, parseReference, stepTitle, type DefinitionErrorCode } from "@/lib/domain/process-definition";

// The document of issue 15, verbatim: it must be accepted as it is.
const issueDocument = `{"steps": [
  {"name": "fraud", "kind": "task", "task_type": "FRAUD_VERIFICATION", "input": {"amount": "$.context.amount"}, "timeout": 600,
   "retry": {"max_attempts": 3, "initial_interval": 10, "backoff_coefficient": 2, "max_interval": 300, "non_retryable": ["CARD_BLOCKED"]},
   "on_success": {"field": "risk", "cases": {"LOW": "credit"}, "default": "review"}, "on_failure": "escalate"},
  {"name": "credit", "kind": "task", "task_type": "CREDIT_CHECK", "on_success": "end", "on_timeout": "escalate"},
  {"name": "review", "kind": "wait", "duration": 86400, "on_success": "end"}
]}`;

type Steps = Array<Record<string, unknown>>;
const task = (name: string, more: Record<string, unknown> = {}) => ({ name, kind: "task", task_type: "CHECK", ...more });
const wait = (name: string, more: Record<string, unknown> = {}) => ({ name, kind: "wait", duration: 60, ...more });

function errorsOf(steps: Steps) {
  const check = checkProcessDefinition({ steps });
  return check.ok ? [] : check.errors;
}

describe("process definitions", () => {
  it("accepts the issue's document exactly as written", () => {
    const check = checkProcessDefinition(JSON.parse(issueDocument));
    expect(check).toMatchObject({ ok: true });
    if (!check.ok) return;
    expect(check.definition.steps.map((s) => s.name)).toEqual(["fraud", "credit", "review"]);
    const fraud = check.definition.steps[0]!;
    expect(fraud.kind === "task" && fraud.retry).toEqual({ max_attempts: 3, initial_interval: 10, backoff_coefficient: 2, max_interval: 300, non_retryable: ["CARD_BLOCKED"] });
  });

  it.each(["card-fraud.json", "address-change.json"])("accepts the shipped example genesys/processes/%s", (file) => {
    const check = checkProcessDefinition(JSON.parse(readFileSync(`genesys/processes/${file}`, "utf8")));
    expect(check.ok ? [] : check.errors).toEqual([]);
  });

  // One row per kind of error: the definition, and the errors it must report (code at path).
  const invalid: Array<[string, Steps, Array<[DefinitionErrorCode, string]>]> = [
    ["an unknown step in on_success", [task("a", { on_success: "nowhere" })], [["UNKNOWN_STEP", "steps.0.on_success"]]],
    ["an unknown step in a branch case", [task("a", { on_success: { field: "risk", cases: { LOW: "b", HIGH: "ghost" } } }), task("b")], [["UNKNOWN_STEP", "steps.0.on_success.cases.HIGH"]]],
    ["an unknown step in a branch default", [task("a", { on_success: { field: "risk", cases: { LOW: "b" }, default: "ghost" } }), task("b")], [["UNKNOWN_STEP", "steps.0.on_success.default"]]],
    ["an unknown step in on_failure", [task("a", { on_failure: "ghost" })], [["UNKNOWN_STEP", "steps.0.on_failure"]]],
    ["an unknown step in on_timeout", [task("a", { on_timeout: "ghost" })], [["UNKNOWN_STEP", "steps.0.on_timeout"]]],
    ["escalate on success", [task("a", { on_success: "escalate" })], [["BAD_TARGET", "steps.0.on_success"]]],
    ["a step named twice", [task("a"), task("a")], [["DUPLICATE_STEP", "steps.1.name"]]],
    ["an unreachable step", [task("a", { on_success: "end" }), task("b")], [["UNREACHABLE_STEP", "steps.1"]]],
    ["a step reached only from an unreachable one", [task("a", { on_success: "end" }), task("b", { on_success: "c" }), task("c")], [["UNREACHABLE_STEP", "steps.1"], ["UNREACHABLE_STEP", "steps.2"]]],
    ["a task that fails into itself", [task("a", { on_failure: "a" })], [["CYCLE_WITHOUT_WAIT", "steps.0"]]],
    ["two tasks that loop", [task("a"), task("b", { on_success: "a" })], [["CYCLE_WITHOUT_WAIT", "steps.0"]]],
    ["a reference that is neither context nor a step result", [task("a", { input: { x: "$.ctx.amount" } })], [["BAD_REFERENCE", "steps.0.input.x"]]],
    ["a reference to a step's input instead of its result", [task("a"), task("b", { input: { x: "$.steps.a.input.amount" } })], [["BAD_REFERENCE", "steps.1.input.x"]]],
    ["a reference to an unknown step", [task("a", { input: { x: "$.steps.ghost.result.score" } })], [["BAD_REFERENCE", "steps.0.input.x"]]],
    ["a reference to a step that runs later", [task("a", { input: { x: "$.steps.b.result.score" } }), task("b")], [["BAD_REFERENCE", "steps.0.input.x"]]],
    ["a reference to the step's own result", [task("a", { input: { x: "$.steps.a.result.score" } })], [["BAD_REFERENCE", "steps.0.input.x"]]],
    [
      "a reference to a step on another branch",
      [task("a", { on_success: { field: "risk", cases: { LOW: "b" }, default: "c" } }), task("b", { on_success: "end" }), task("c", { input: { s: "$.steps.b.result.score" } })],
      [["BAD_REFERENCE", "steps.2.input.s"]],
    ],
    [
      "a reference to a step that only one of two ways runs",
      [task("a", { on_success: { field: "risk", cases: { LOW: "b" }, default: "c" } }), task("b"), task("c", { input: { s: "$.steps.b.result.score" } })],
      [["BAD_REFERENCE", "steps.2.input.s"]],
    ],
    [
      "a reference to the result of a step that failed on the way here",
      [task("a", { on_failure: "b", on_success: "end" }), task("b", { input: { s: "$.steps.a.result.score" } })],
      [["BAD_REFERENCE", "steps.1.input.s"]],
    ],
    ["a nested reference deep in the input", [task("a", { input: { customer: { ids: ["$.context.id", "$.nope"] } } })], [["BAD_REFERENCE", "steps.0.input.customer.ids.1"]]],
    ["a reference to a wait step's result", [wait("w"), task("a", { input: { x: "$.steps.w.result.x" } })], [["BAD_REFERENCE", "steps.1.input.x"]]],
    ["a wait until a bad reference", [wait("w", { duration: undefined, until: "tomorrow" })], [["BAD_REFERENCE", "steps.0.until"]]],
    ["a wait with both a duration and an until", [wait("w", { until: "$.context.at" })], [["INVALID", "steps.0"]]],
    ["a wait with neither", [wait("w", { duration: undefined })], [["INVALID", "steps.0"]]],
    ["a step named end", [task("end")], [["INVALID", "steps.0.name"]]],
    ["an unknown kind", [{ name: "a", kind: "lambda" }], [["INVALID", "steps.0.kind"]]],
    ["an unknown field (a typo)", [task("a", { on_sucess: "end" })], [["INVALID", "steps.0"]]],
    ["a duration in words", [wait("w", { duration: "1d" })], [["INVALID", "steps.0.duration"]]],
    ["a retry without max_attempts", [task("a", { retry: { initial_interval: 5 } })], [["INVALID", "steps.0.retry.max_attempts"]]],
    ["no steps", [], [["INVALID", "steps"]]],
  ];

  it.each(invalid)("refuses %s", (_, steps, expected) => {
    const errors = errorsOf(steps);
    expect(errors.map((e) => [e.code, e.path])).toEqual(expected);
    for (const error of errors) expect(error.message.length).toBeGreaterThan(5);
  });

  it("lists every error of a definition at once, not only the first", () => {
    const errors = errorsOf([
      task("fraud", { input: { s: "$.steps.credit.result.score", bad: "$.context" + ".x y" }, on_failure: "fraud" }),
      task("credit", { on_success: "ghost" }),
      task("orphan", { on_success: "end" }),
    ]);
    expect(errors.map((e) => e.code).sort()).toEqual(["BAD_REFERENCE", "BAD_REFERENCE", "CYCLE_WITHOUT_WAIT", "UNKNOWN_STEP", "UNREACHABLE_STEP"]);
  });

  it("lists the graph errors of a definition that also fails the schema, in the same round", () => {
    const errors = errorsOf([
      task("a", { timeout: "10 minutes", on_success: "ghost", input: { x: "$.nope" } }),
      wait("w", { duration: undefined }),
    ]);
    expect(errors.map((e) => [e.code, e.path]).sort()).toEqual([
      ["BAD_REFERENCE", "steps.0.input.x"],
      ["INVALID", "steps.0.timeout"],
      ["INVALID", "steps.1"],
      ["UNKNOWN_STEP", "steps.0.on_success"],
      ["UNREACHABLE_STEP", "steps.1"],
    ]);
  });

  it("allows a loop that goes through a wait, and references to steps that always run first", () => {
    const errors = errorsOf([
      task("check", { on_failure: "pause", on_success: "score" }),
      wait("pause", { on_success: "check" }),
      task("score", { input: { s: "$.steps.check.result.score", whole: "$.context" }, on_success: "end" }),
    ]);
    expect(errors).toEqual([]);
  });

  it("allows a reference to a step both branches pass", () => {
    const errors = errorsOf([
      task("a", { on_success: { field: "risk", cases: { LOW: "b" }, default: "c" } }),
      task("b", { on_success: "d" }),
      task("c", { on_success: "d" }),
      task("d", { input: { s: "$.steps.a.result.score" } }),
    ]);
    expect(errors).toEqual([]);
  });

  it("reads references", () => {
    expect(parseReference("$.context.amount")).toEqual({ source: "context", path: ["amount"] });
    expect(parseReference("$.steps.fraud.result.score.band")).toEqual({ source: "step", step: "fraud", path: ["score", "band"] });
    expect(parseReference("$.steps.fraud.result")).toEqual({ source: "step", step: "fraud", path: [] });
    expect(parseReference("$.steps.fraud")).toBeNull();
    expect(parseReference("$.context..x")).toBeNull();
  });

  it("names steps for people from the title or the task type", () => {
    expect(stepTitle({ name: "credit", kind: "task", task_type: "CREDIT_CHECK" })).toBe("Credit check");
    expect(stepTitle({ name: "credit", kind: "task", task_type: "CREDIT_CHECK", title: "Credit bureau" })).toBe("Credit bureau");
    expect(stepTitle({ name: "review_wait", kind: "wait", duration: 60 })).toBe("Review wait");
  });
});
