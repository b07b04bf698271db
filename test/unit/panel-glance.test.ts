// The panel's ordering, summary and collapsing rules.
import { describe, expect, it } from "vitest";
import { speechFor, translator } from "@/lib/i18n/messages";
import { arrangeWorkflows, attentionOf, keyWords, resultFields, shortError, summaryLine, timelineEntries } from "@/lib/panel/panel-glance";
import type { PanelEvent, PanelWorkflow } from "@/lib/panel/panel-types";
import { eventWords } from "@/lib/panel/status-words";
import { workflowStatuses, type WorkflowStatus } from "@/lib/domain/workflow-machine";
import { at, lateResult, workflowIn } from "@/test/unit/panel-fixtures";

const en = speechFor(["en-US"], "UTC");
const t = translator(en);

const attention: Record<WorkflowStatus, "needs-you" | "in-progress" | "done"> = {
  INITIATED: "in-progress",
  PENDING: "in-progress",
  COMPLETED: "done",
  FAILED: "needs-you",
  TIMED_OUT: "needs-you",
  ESCALATED: "needs-you",
  CALLBACK_SCHEDULED: "needs-you",
  NOTIFIED: "needs-you",
  CANCELLED: "done",
};

describe("what needs the agent", () => {
  it.each(workflowStatuses)("%s", (status) => {
    expect(attentionOf(workflowIn(status))).toBe(attention[status]);
  });

  it("a late result needs the agent even when it succeeded", () => {
    expect(attentionOf(lateResult(true))).toBe("needs-you");
    expect(attentionOf(lateResult(false))).toBe("needs-you");
  });
});

function made(status: WorkflowStatus, createdSeconds: number, updatedSeconds = createdSeconds): PanelWorkflow {
  return { ...workflowIn(status), created_at: at(createdSeconds), updated_at: at(updatedSeconds) };
}

describe("ordering and the summary line", () => {
  it("puts failed, timed out, escalated and late results first (latest change on top), then running (newest first), then finished", () => {
    const oldFailure = made("FAILED", 0, 50);
    const newFailure = made("TIMED_OUT", 10, 400);
    const running = made("PENDING", 20);
    const newerRunning = made("INITIATED", 30);
    const done = made("COMPLETED", 40);
    const late = { ...lateResult(true), created_at: at(5), updated_at: at(500) };
    const arranged = arrangeWorkflows([done, running, oldFailure, newerRunning, late, newFailure]);
    expect(arranged.needsYou).toEqual([late, newFailure, oldFailure]);
    expect(arranged.inProgress).toEqual([newerRunning, running]);
    expect(arranged.done).toEqual([done]);
    expect(summaryLine(arranged, t)).toBe("3 need you · 2 in progress · 1 done");
  });

  it("leaves empty groups out of the summary, in every language", () => {
    const arranged = arrangeWorkflows([made("FAILED", 0), made("PENDING", 1), made("COMPLETED", 2), made("COMPLETED", 3), made("CANCELLED", 4)]);
    expect(summaryLine(arranged, t)).toBe("1 needs you · 1 in progress · 3 done");
    expect(summaryLine(arrangeWorkflows([made("COMPLETED", 0)]), t)).toBe("1 done");
    expect(summaryLine(arranged, translator(speechFor(["de"])))).toBe("1 braucht Sie · 1 in Arbeit · 3 erledigt");
    expect(summaryLine(arranged, translator(speechFor(["ja"])))).toBe("要対応 1 件・進行中 1 件・完了 3 件");
    expect(summaryLine(arranged, translator(speechFor(["pt-BR"])))).toBe("1 precisa de você · 1 em andamento · 3 concluídos");
  });
});

let id = 1000;
const ev = (type: string, seconds: number, data: Record<string, unknown> | null = null): PanelEvent => ({ id: String(id++), type, from_status: "PENDING", to_status: "PENDING", actor: "callback", created_at: at(seconds), data });

describe("heartbeats on the timeline", () => {
  it("fold into one line with their count and the latest progress message (progress callbacks are heartbeats that say something)", () => {
    // What the store records: heartbeats carry only the deadline; a progress callback its word and message too.
    const beat = (seconds: number) => ev("TASK_HEARTBEAT", seconds, { deadline_at: at(301), extended: false });
    const progress = (seconds: number, word: string, message: string | null) => ev("TASK_PROGRESS", seconds, { word, message, deadline_at: at(301), extended: false });
    const events = [
      ev("WORKFLOW_INITIATED", 0),
      ev("TASK_DISPATCHED", 1, { deadline_at: at(301) }),
      ...Array.from({ length: 9 }, (_, i) => beat(10 + i)),
      progress(20, "PROCESSING", "checking the bureau"),
      ...Array.from({ length: 5 }, (_, i) => beat(21 + i)),
      ev("TASK_SUCCEEDED", 60),
    ];
    const entries = timelineEntries(events);
    expect(entries.map((e) => (e.kind === "event" ? e.event.type : `${e.count} heartbeats`))).toEqual(["WORKFLOW_INITIATED", "TASK_DISPATCHED", "15 heartbeats", "TASK_SUCCEEDED"]);
    const run = entries[2]!;
    expect(run).toMatchObject({ kind: "heartbeats", count: 15, progress: "checking the bureau", movedDeadlineTo: null, latest: events[16] });
    // The latest message wins; a progress word without a message is the message; plain heartbeats keep it.
    const later = timelineEntries([ev("TASK_DISPATCHED", 1, { deadline_at: at(301) }), progress(2, "PROCESSING", "first"), progress(3, "UNDER_REVIEW", null), beat(4)]);
    expect(later[1]).toMatchObject({ kind: "heartbeats", count: 3, progress: "UNDER_REVIEW" });
    expect(timelineEntries([beat(4)])[0]).toMatchObject({ kind: "heartbeats", count: 1, progress: null });
  });

  it("say the deadline moved only when it did", () => {
    const moved = timelineEntries([ev("TASK_DISPATCHED", 1, { deadline_at: at(301) }), ev("TASK_HEARTBEAT", 10, { deadline_at: at(301) }), ev("TASK_HEARTBEAT", 200, { deadline_at: at(500) })]);
    expect(moved[1]).toMatchObject({ kind: "heartbeats", count: 2, movedDeadlineTo: at(500) });
    // A second run after another event compares with the first run's deadline.
    const second = timelineEntries([
      ev("TASK_DISPATCHED", 1, { deadline_at: at(301) }),
      ev("TASK_HEARTBEAT", 200, { deadline_at: at(500) }),
      ev("TASK_ACCEPTED", 201),
      ev("TASK_HEARTBEAT", 202, { deadline_at: at(500) }),
    ]);
    expect(second.map((e) => (e.kind === "heartbeats" ? e.movedDeadlineTo : e.event.type))).toEqual(["TASK_DISPATCHED", at(500), "TASK_ACCEPTED", null]);
  });

  it("a single progress event says the deadline was extended only when it was", () => {
    const progress = (extended: boolean) => ev("TASK_PROGRESS", 5, { word: "PROCESSING", message: "bureau busy", deadline_at: at(301), extended });
    expect(eventWords(progress(true), t)).toBe("External system: PROCESSING (“bureau busy”); deadline extended");
    expect(eventWords(progress(false), t)).toBe("External system: PROCESSING (“bureau busy”)");
    expect(eventWords(progress(false), translator(speechFor(["de"])))).toBe("Externes System: PROCESSING („bureau busy“)");
    expect(eventWords({ ...progress(true), data: { word: "QUEUED", extended: true } }, translator(speechFor(["ja"])))).toBe("外部システム: QUEUED、期限を延長しました");
  });
});

describe("results and errors in words", () => {
  it("turns keys into words", () => {
    expect(keyWords("manual_review_required")).toBe("Manual review required");
    expect(keyWords("approvedAmount")).toBe("Approved amount");
    expect(keyWords("kyc-ID")).toBe("Kyc ID");
  });

  it("formats values per locale: booleans, numbers, amounts with their currency, timestamps, lists", () => {
    const data = { ok: true, score: 12000.5, limit_amount: 2500, currency: "EUR", checked_at: "2026-11-27T10:00:00Z", flags: ["a", "b"], nested: { deep: { deeper: 1 } } };
    expect(resultFields(data, en, t).map((f) => [f.label, f.value])).toEqual([
      ["Ok", "Yes"],
      ["Score", "12,000.5"],
      ["Limit amount", "€2,500.00"],
      ["Checked at", "Nov 27, 2026, 10:00:00 AM UTC"],
      ["Flags", "a and b"],
    ]);
    const fr = speechFor(["fr"], "UTC");
    expect(resultFields(data, fr, translator(fr)).map((f) => f.value.replace(/[\u202f\u00a0]/g, " "))).toEqual(["Oui", "12 000,5", "2 500,00 €", "27 nov. 2026, 10:00:00 UTC", "a et b"]);
  });

  it("reads the message of a JSON error and shortens long text at a word", () => {
    expect(shortError('{"error":{"message":"bureau unavailable"}}')).toEqual({ short: "bureau unavailable", full: '{"error":{"message":"bureau unavailable"}}', shortened: true });
    expect(shortError("plain reason")).toEqual({ short: "plain reason", full: "plain reason", shortened: false });
    const long = shortError(`${"word ".repeat(60)}end`);
    expect(long.shortened).toBe(true);
    expect(long.short.length).toBeLessThanOrEqual(141);
    expect(long.short.endsWith("word…")).toBe(true);
  });
});
