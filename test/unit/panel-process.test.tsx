// A process workflow's card: "Step n of m · title", each step's outcome, a
// failed attempt with its reason, the next attempt's time and a wait's
// wake-up time, in every language; and the history builder's reading of
// retries, waits and cancels from the recorded events.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { supportedLocales } from "@/lib/i18n/locales";
import { speechFor, translator } from "@/lib/i18n/messages";
import type { ProcessDefinition } from "@/lib/domain/process-definition";
import { processHistory, type HistoryEvent, type HistoryTask } from "@/lib/panel/process-history";
import type { PanelWorkflow } from "@/lib/panel/panel-types";
import { headline, workflowTitle } from "@/lib/panel/status-words";
import { WorkflowCard } from "@/app/panel/workflow-card";
import { at, t0, workflowIn } from "@/test/unit/panel-fixtures";

const definition: ProcessDefinition = {
  steps: [
    { name: "fraud", title: "Fraud check", kind: "task", task_type: "FRAUD_VERIFICATION", retry: { max_attempts: 3, initial_interval: 10, backoff_coefficient: 2, non_retryable: [] }, on_success: "hold" },
    { name: "hold", kind: "wait", duration: 86_400, on_success: "credit" },
    { name: "credit", kind: "task", task_type: "CREDIT_CHECK" },
  ],
};
const date = (seconds: number) => new Date(at(seconds));
const task = (id: string, step: string, attempt: number, status: string, created: number, ended: number | null, reason: string | null = null): HistoryTask => ({
  id, step, attempt, status, failureReason: reason, createdAt: date(created), completedAt: ended !== null && status !== "TIMED_OUT" ? date(ended) : null, timedOutAt: status === "TIMED_OUT" && ended !== null ? date(ended) : null,
});
const event = (type: string, seconds: number, data: Record<string, unknown>, taskId: string | null = null): HistoryEvent => ({ type, taskId, createdAt: date(seconds), data });
const base = { processName: "card-fraud", processVersion: 2, stepCount: 3, wakeAt: null };

describe("processHistory", () => {
  it("groups the attempts of a step, keeps the pending retry with its reason and time, and reads a wait's wake-up", () => {
    const tasks = [task("t1", "fraud", 1, "TIMED_OUT", 0, 60), task("t2", "fraud", 2, "SUCCEEDED", 70, 80)];
    const events = [
      event("TASK_DISPATCHED", 0, { step: "fraud", attempt: 1 }, "t1"),
      event("STEP_RETRY_SCHEDULED", 60, { step: "fraud", attempt: 2, reason: "TIMEOUT", at: at(70) }, "t1"),
      event("TASK_DISPATCHED", 70, { step: "fraud", attempt: 2 }, "t2"),
      event("STEP_WAITING", 80, { step: "hold", until: at(86_480) }, "t2"),
    ];
    const waiting = processHistory({ ...base, currentStep: "hold", stepIndex: 1, attempt: 1, processPhase: "WAIT", wakeAt: date(86_480) }, definition, tasks, events)!;
    expect(waiting).toMatchObject({ step: "hold", step_title: "Hold", step_position: 2, step_count: 3, phase: "WAIT", wake_at: at(86_480) });
    expect(waiting.steps.map((s) => [s.step, s.outcome, s.attempts.map((a) => `${a.attempt}:${a.reason ?? "-"}:${a.retry_at ?? "-"}`)])).toEqual([
      ["fraud", "succeeded", [`1:TIMEOUT:${at(70)}`, "2:-:-"]],
      ["hold", "waiting", []],
    ]);
    expect(waiting.steps[1]).toMatchObject({ wake_at: at(86_480), woke_at: null, position: 2 });

    // Only attempt 1 so far, its retry pending: the step is retrying, with the next attempt.
    const retrying = processHistory({ ...base, currentStep: "fraud", stepIndex: 0, attempt: 1, processPhase: "RETRY", wakeAt: date(70) }, definition, tasks.slice(0, 1), events.slice(0, 2))!;
    expect(retrying.steps[0]).toMatchObject({ outcome: "retrying", next_attempt: { attempt: 2, at: at(70), reason: "TIMEOUT" }, ended_at: null, max_attempts: 3 });

    // Cancelled while asleep: the wait never woke, and nothing is pending.
    const cancelled = processHistory({ ...base, currentStep: "hold", stepIndex: 1, attempt: 1, processPhase: "ENDED" }, definition, tasks, [...events, event("WORKFLOW_CANCELLED", 90, { reason: "customer withdrew" })])!;
    expect(cancelled.steps[1]).toMatchObject({ outcome: "cancelled", woke_at: null, ended_at: at(90) });
    expect(processHistory({ ...base, processName: null, processVersion: null, currentStep: null, stepIndex: null, attempt: null, processPhase: null }, null, [], [])).toBeNull();
  });
});

describe("a process workflow's card", () => {
  const retrying: PanelWorkflow = {
    ...workflowIn("PENDING"),
    process: {
      name: "card-fraud", version: 2, step: "fraud", step_title: "Fraud check", step_position: 1, step_count: 3, attempt: 1, phase: "RETRY", wake_at: at(70), ended: null,
      steps: [
        {
          step: "fraud", title: "Fraud check", position: 1, kind: "task", outcome: "retrying", max_attempts: 3,
          attempts: [{ attempt: 1, task_id: "t1", status: "FAILED", reason: "VENDOR_DOWN", started_at: at(0), ended_at: at(60), retry_at: at(70) }],
          next_attempt: { attempt: 2, at: at(70), reason: "VENDOR_DOWN" }, wake_at: null, woke_at: null, escalated: null, started_at: at(0), ended_at: null,
        },
      ],
    },
  };
  const waiting: PanelWorkflow = {
    ...retrying,
    process: {
      ...retrying.process!, step: "hold", step_title: "Hold", step_position: 2, phase: "WAIT", wake_at: at(86_480),
      steps: [
        { ...retrying.process!.steps[0]!, outcome: "succeeded", next_attempt: null },
        { step: "hold", title: "Hold", position: 2, kind: "wait", outcome: "waiting", max_attempts: 1, attempts: [], next_attempt: null, wake_at: at(86_480), woke_at: null, escalated: null, started_at: at(80), ended_at: null },
      ],
    },
  };

  it("says the step, the failed attempt, the next attempt's time and the wake-up time (en-US)", () => {
    const speech = speechFor(["en-US"], "UTC");
    const t = translator(speech);
    const html = renderToStaticMarkup(<WorkflowCard workflow={retrying} now={date(65)} speech={speech} t={t} names={{}} />);
    const text = html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(workflowTitle(retrying, t)).toBe("Card fraud");
    expect(headline(retrying, t)).toBe("Fraud check: trying again after VENDOR_DOWN");
    expect(text).toContain("Step 1 of 3 · Fraud check");
    expect(text).toContain("Attempt 1 failed: VENDOR_DOWN");
    const next = new Date(t0.getTime() + 70_000).toLocaleTimeString("en-US", { timeZone: "UTC" });
    expect(text).toContain(`Next attempt (2 of 3) at ${next} , after VENDOR_DOWN`);
    expect(html).toContain(`dateTime="${at(70)}"`);
    const asleep = renderToStaticMarkup(<WorkflowCard workflow={waiting} now={date(85)} speech={speech} t={t} names={{}} />);
    expect(asleep).toContain('data-outcome="waiting"');
    expect(asleep).toContain(`dateTime="${at(86_480)}"`);
    expect(asleep.replace(/<[^>]+>/g, " ")).toContain("Wakes up at");
  });

  it.each(supportedLocales)("renders in %s without a missing word", (locale) => {
    const speech = speechFor([locale], "UTC");
    const t = translator(speech);
    for (const workflow of [retrying, waiting]) {
      const html = renderToStaticMarkup(<WorkflowCard workflow={workflow} now={date(65)} speech={speech} t={t} names={{}} />);
      expect(html).not.toMatch(/process\.[a-zA-Z]/);
      expect(html).toContain(`data-testid="process-step"`);
    }
  });
});
