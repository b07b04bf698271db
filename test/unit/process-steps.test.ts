import { describe, expect, it } from "vitest";
import { checkProcessDefinition, type ProcessDefinition } from "@/lib/domain/process-definition";
import {
  afterTaskOutcome,
  resolveInput,
  retryDelaySeconds,
  retryDue,
  runFromHistory,
  startProcess,
  waitWoke,
  type ProcessRun,
  type StepOutcome,
} from "@/lib/domain/process-steps";

const now = new Date("2026-12-02T10:00:00.000Z");
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

function definition(input: unknown): ProcessDefinition {
  const check = checkProcessDefinition(input);
  if (!check.ok) throw new Error(JSON.stringify(check.errors));
  return check.definition;
}

// The fraud process.
const fraud = definition({
  steps: [
    {
      name: "fraud", kind: "task", task_type: "FRAUD_VERIFICATION", input: { amount: "$.context.amount" }, timeout: 600,
      retry: { max_attempts: 3, initial_interval: 10, backoff_coefficient: 2, max_interval: 300, non_retryable: ["CARD_BLOCKED"] },
      on_success: { field: "risk", cases: { LOW: "credit" }, default: "review" }, on_failure: "escalate",
    },
    { name: "credit", kind: "task", task_type: "CREDIT_CHECK", input: { score: "$.steps.fraud.result.score", amount: "$.context.amount" }, on_success: "end", on_timeout: "escalate" },
    { name: "review", kind: "wait", duration: 86400, on_success: "end" },
  ],
});

const context = { amount: 1200 };
const fresh: ProcessRun = { context, results: {} };
const afterFraud: ProcessRun = { context, results: { fraud: { risk: "LOW", score: 12 } } };

const ok = (result: unknown): StepOutcome => ({ type: "succeeded", result });
const failed = (reason: string | null): StepOutcome => ({ type: "failed", reason });
const timedOut: StepOutcome = { type: "timed_out" };

describe("starting a process", () => {
  it("dispatches the first step, attempt 1, with its input resolved from the context", () => {
    expect(startProcess(fraud, context, now)).toEqual({
      type: "dispatch", step: "fraud", stepIndex: 0, attempt: 1, taskType: "FRAUD_VERIFICATION", input: { amount: 1200 },
      timeoutSeconds: 600, heartbeatTimeoutSeconds: null, route: null,
    });
  });

  it("ends as failed when the context lacks what the first step needs", () => {
    expect(startProcess(fraud, { other: 1 }, now)).toMatchObject({ type: "end", outcome: "FAILED", step: "fraud", reason: "MISSING_INPUT: $.context.amount" });
  });

  it("starts with a durable wait when the first step is one", () => {
    const d = definition({ steps: [{ name: "cool_off", kind: "wait", duration: 3600 }, { name: "call", kind: "task", task_type: "CALL" }] });
    expect(startProcess(d, {}, now)).toEqual({ type: "wait", step: "cool_off", stepIndex: 0, until: at(3600), route: null });
  });
});

// Every way out of a task attempt: [what, step, attempt, run, outcome, expected action (partial)].
const outcomes: Array<[string, string, number, ProcessRun, StepOutcome, Record<string, unknown>]> = [
  ["success branches on the result field to the named case", "fraud", 1, fresh, ok({ risk: "LOW", score: 12 }),
    { type: "dispatch", step: "credit", stepIndex: 1, attempt: 1, input: { score: 12, amount: 1200 }, route: { from: "fraud", via: "success", branch: { field: "risk", value: "LOW" } } }],
  ["success with another value takes the branch default", "fraud", 1, fresh, ok({ risk: "HIGH" }),
    { type: "wait", step: "review", stepIndex: 2, until: at(86400), route: { from: "fraud", via: "success", branch: { field: "risk", value: "HIGH" } } }],
  ["success without the field takes the branch default", "fraud", 2, fresh, ok({ score: 3 }),
    { type: "wait", step: "review", route: { from: "fraud", via: "success", branch: { field: "risk", value: null } } }],
  ["a failure is retried after initial_interval", "fraud", 1, fresh, failed("VENDOR_DOWN"),
    { type: "retry", step: "fraud", stepIndex: 0, attempt: 2, delaySeconds: 10, at: at(10), reason: "VENDOR_DOWN" }],
  ["the second failure waits initial × coefficient", "fraud", 2, fresh, failed("VENDOR_DOWN"),
    { type: "retry", attempt: 3, delaySeconds: 20, at: at(20) }],
  ["a timeout is retried like a failure, reason TIMEOUT", "fraud", 1, fresh, timedOut,
    { type: "retry", attempt: 2, delaySeconds: 10, reason: "TIMEOUT" }],
  ["a non-retryable reason goes to on_failure at once", "fraud", 1, fresh, failed("CARD_BLOCKED"),
    { type: "escalate", step: "fraud", cause: "failure", reason: "CARD_BLOCKED", attempts: 1, route: { from: "fraud", via: "failure" } }],
  ["non-retryable reasons compare without regard to case", "fraud", 1, fresh, failed("card_blocked"),
    { type: "escalate", reason: "card_blocked" }],
  ["exhausted retries go to on_failure with the attempts made", "fraud", 3, fresh, failed("VENDOR_DOWN"),
    { type: "escalate", step: "fraud", cause: "failure", reason: "VENDOR_DOWN", attempts: 3 }],
  ["a timeout on the last attempt goes to on_timeout (escalate by default)", "fraud", 3, fresh, timedOut,
    { type: "escalate", cause: "timeout", reason: "TIMEOUT", attempts: 3, route: { from: "fraud", via: "timeout" } }],
  ["a failure without a reason is retried as FAILED", "fraud", 1, fresh, failed(null),
    { type: "retry", reason: "FAILED" }],
  ["the last step's success ends the process completed", "credit", 1, afterFraud, ok({ limit: 5000 }),
    { type: "end", outcome: "COMPLETED", step: "credit", reason: null, route: { from: "credit", via: "success" } }],
  ["a failure with no on_failure and no retry ends the process failed", "credit", 1, afterFraud, failed("NO_FILE"),
    { type: "end", outcome: "FAILED", step: "credit", reason: "NO_FILE", route: { from: "credit", via: "failure" } }],
  ["a timeout with on_timeout escalate escalates", "credit", 1, afterFraud, timedOut,
    { type: "escalate", step: "credit", stepIndex: 1, cause: "timeout", reason: "TIMEOUT", attempts: 1 }],
];

describe("after a task attempt", () => {
  it.each(outcomes)("%s", (_, step, attempt, run, outcome, expected) => {
    expect(afterTaskOutcome(fraud, run, { step, attempt }, outcome, now)).toMatchObject(expected);
  });

  it("refuses to treat a wait step as a task", () => {
    expect(() => afterTaskOutcome(fraud, fresh, { step: "review", attempt: 1 }, ok({}), now)).toThrow(/wait/);
  });
});

describe("branches, defaults and targets", () => {
  const d = definition({
    steps: [
      { name: "score", kind: "task", task_type: "SCORE", on_success: { field: "band.level", cases: { "1": "fast", true: "slow" } }, on_failure: "slow", on_timeout: "end" },
      { name: "fast", kind: "task", task_type: "FAST" },
      { name: "slow", kind: "task", task_type: "SLOW", input: { level: "$.context.level" } },
    ],
  });

  const table: Array<[string, string, StepOutcome, Record<string, unknown>]> = [
    ["a number chooses the case named by its digits", "score", ok({ band: { level: 1 } }), { type: "dispatch", step: "fast" }],
    ["a boolean chooses the case true", "score", ok({ band: { level: true } }), { type: "dispatch", step: "slow", input: { level: 4 } }],
    ["a value no case names, with no default, ends failed", "score", ok({ band: { level: 7 } }), { type: "end", outcome: "FAILED", reason: "NO_BRANCH: band.level = 7" }],
    ["an object value chooses no case", "score", ok({ band: { level: { x: 1 } } }), { type: "end", outcome: "FAILED", reason: "NO_BRANCH: band.level = (none)" }],
    ["on_failure may name a step", "score", failed("BAD"), { type: "dispatch", step: "slow", route: { from: "score", via: "failure" } }],
    ["on_timeout end ends failed with reason TIMEOUT, no escalation", "score", timedOut, { type: "end", outcome: "FAILED", reason: "TIMEOUT" }],
    ["with no on_success, a step goes to the next in the list", "fast", ok(null), { type: "dispatch", step: "slow" }],
    ["with no on_success, the last step ends completed", "slow", ok(null), { type: "end", outcome: "COMPLETED" }],
  ];
  it.each(table)("%s", (_, step, outcome, expected) => {
    const run: ProcessRun = { context: { level: 4 }, results: step === "score" ? {} : { score: { band: { level: 2 } } } };
    expect(afterTaskOutcome(d, run, { step, attempt: 1 }, outcome, now)).toMatchObject(expected);
  });

  it("a failure into a step whose input the context lacks ends failed with the missing references", () => {
    expect(afterTaskOutcome(d, { context: {}, results: {} }, { step: "score", attempt: 1 }, failed("BAD"), now)).toMatchObject({
      type: "end", outcome: "FAILED", step: "slow", reason: "MISSING_INPUT: $.context.level",
    });
  });
});

describe("retries", () => {
  // Temporal's formula: initial × coefficient^(n−1), capped at max_interval (100 × initial without one).
  const table: Array<[string, Record<string, unknown>, number, number]> = [
    ["first retry", { max_attempts: 9, initial_interval: 10, backoff_coefficient: 2, max_interval: 300 }, 1, 10],
    ["second", { max_attempts: 9, initial_interval: 10, backoff_coefficient: 2, max_interval: 300 }, 2, 20],
    ["fifth, capped", { max_attempts: 9, initial_interval: 10, backoff_coefficient: 2, max_interval: 300 }, 6, 300],
    ["coefficient 1 is a constant interval", { max_attempts: 9, initial_interval: 7, backoff_coefficient: 1 }, 5, 7],
    ["defaults: 1 s doubling", { max_attempts: 9 }, 4, 8],
    ["default cap is 100 × initial", { max_attempts: 20, initial_interval: 2 }, 12, 200],
    ["fractional coefficient", { max_attempts: 9, initial_interval: 10, backoff_coefficient: 1.5 }, 3, 22.5],
  ];
  it.each(table)("%s", (_, retry, failedAttempt, seconds) => {
    const d = definition({ steps: [{ name: "a", kind: "task", task_type: "A", retry }] });
    const step = d.steps[0]!;
    if (step.kind !== "task" || !step.retry) throw new Error("no retry");
    expect(retryDelaySeconds(step.retry, failedAttempt)).toBe(seconds);
  });

  it("schedules the retry at a fractional delay to the millisecond", () => {
    const d = definition({ steps: [{ name: "a", kind: "task", task_type: "A", retry: { max_attempts: 3, initial_interval: 0.25 } }] });
    expect(afterTaskOutcome(d, fresh, { step: "a", attempt: 1 }, failed("X"), now)).toMatchObject({ type: "retry", at: new Date(now.getTime() + 250) });
  });

  it("TIMEOUT in non_retryable sends a timeout straight to on_timeout", () => {
    const d = definition({ steps: [{ name: "a", kind: "task", task_type: "A", retry: { max_attempts: 5, non_retryable: ["TIMEOUT"] }, on_timeout: "end" }] });
    expect(afterTaskOutcome(d, fresh, { step: "a", attempt: 1 }, timedOut, now)).toMatchObject({ type: "end", outcome: "FAILED", reason: "TIMEOUT" });
    expect(afterTaskOutcome(d, fresh, { step: "a", attempt: 1 }, failed("OTHER"), now)).toMatchObject({ type: "retry", attempt: 2 });
  });

  it("a due retry dispatches that attempt with the input resolved again", () => {
    expect(retryDue(fraud, { context: { amount: 99 }, results: {} }, { step: "fraud", attempt: 2 })).toMatchObject({
      type: "dispatch", step: "fraud", attempt: 2, input: { amount: 99 }, timeoutSeconds: 600,
    });
  });
});

describe("waits", () => {
  const d = definition({
    steps: [
      { name: "until_callback", kind: "wait", until: "$.context.callback_at", on_failure: "now" },
      { name: "later", kind: "task", task_type: "LATER", on_success: "end" },
      { name: "now", kind: "task", task_type: "NOW" },
    ],
  });
  const table: Array<[string, unknown, Record<string, unknown>]> = [
    ["an ISO time from the context", "2026-12-03T08:30:00Z", { type: "wait", step: "until_callback", until: new Date("2026-12-03T08:30:00Z") }],
    ["Unix seconds from the context", now.getTime() / 1000 + 60, { type: "wait", until: at(60) }],
    ["a time already past wakes now, not in the past", "2026-12-01T00:00:00Z", { type: "wait", until: now }],
    ["no time goes to on_failure", undefined, { type: "dispatch", step: "now", route: { from: "until_callback", via: "failure" } }],
    ["words instead of a time go to on_failure", "tomorrow morning", { type: "dispatch", step: "now" }],
  ];
  it.each(table)("%s", (_, callbackAt, expected) => {
    expect(startProcess(d, callbackAt === undefined ? {} : { callback_at: callbackAt }, now)).toMatchObject(expected);
  });

  it("a wait with no time and no on_failure ends the process failed", () => {
    const e = definition({ steps: [{ name: "w", kind: "wait", until: "$.context.at" }, { name: "t", kind: "task", task_type: "T" }] });
    expect(startProcess(e, {}, now)).toMatchObject({ type: "end", outcome: "FAILED", reason: "NO_WAKE_TIME: $.context.at" });
  });

  it("a woken wait leaves by on_success", () => {
    expect(waitWoke(fraud, afterFraud, "review", now)).toMatchObject({ type: "end", outcome: "COMPLETED", step: "review" });
    expect(waitWoke(d, fresh, "until_callback", now)).toMatchObject({ type: "dispatch", step: "later" });
  });
});

describe("runs and inputs", () => {
  it("takes each step's latest successful result from the history", () => {
    const run = runFromHistory(context, [
      { step: "fraud", attempt: 1, outcome: "FAILED" },
      { step: "fraud", attempt: 2, outcome: "SUCCEEDED", result: { score: 1 } },
      { step: "check", attempt: 1, outcome: "SUCCEEDED", result: { v: 1 } },
      { step: "check", attempt: 1, outcome: "SUCCEEDED", result: { v: 2 } },
      { step: "later", attempt: 1, outcome: "RUNNING" },
    ]);
    expect(run.results).toEqual({ fraud: { score: 1 }, check: { v: 2 } });
  });

  it("resolves references at any depth, keeps literals, and passes a null that is there", () => {
    const run: ProcessRun = { context: { a: { b: [1, 2] }, n: null }, results: { s: { x: "y" } } };
    expect(resolveInput(run, { lit: "$ 5", deep: { list: ["$.context.a.b", "$.steps.s.result.x", 3] }, n: "$.context.n", all: "$.steps.s.result" })).toEqual({
      value: { lit: "$ 5", deep: { list: [[1, 2], "y", 3] }, n: null, all: { x: "y" } },
      missing: [],
    });
    expect(resolveInput(run, { gone: "$.context.zzz", other: "$.steps.t.result.x" }).missing).toEqual(["$.context.zzz", "$.steps.t.result.x"]);
  });

  it("is deterministic: the same arguments give the same action", () => {
    const a = afterTaskOutcome(fraud, fresh, { step: "fraud", attempt: 2 }, failed("X"), now);
    const b = afterTaskOutcome(fraud, fresh, { step: "fraud", attempt: 2 }, failed("X"), now);
    expect(a).toEqual(b);
  });
});
