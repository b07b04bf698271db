// The admin workflow page's history folds heartbeats like the panel's
// timeline: consecutive heartbeats and progress callbacks of one task become
// one row with the count, the latest progress message and the last time.
import { describe, expect, it } from "vitest";
import { historyRows, type HistoryEvent } from "@/lib/admin/history-rows";
import { supportedLocales } from "@/lib/i18n/locales";
import { speechFor, translator } from "@/lib/i18n/messages";

type E = HistoryEvent & { id: number };
let next = 0;
const ev = (type: string, taskId: string | null = "task-1", data: unknown = null): E => ({ id: ++next, type, taskId, data });
const beat = (taskId = "task-1") => ev("TASK_HEARTBEAT", taskId, {});
const progress = (message: string | null, word = "PROCESSING", taskId = "task-1") => ev("TASK_PROGRESS", taskId, message === null ? { word } : { word, message });

function shape(rows: ReturnType<typeof historyRows<E>>) {
  return rows.map((r) => (r.kind === "event" ? r.event.type : `${r.count}×[${r.events.map((e) => e.id).join(",")}] ${r.progress ?? "-"}`));
}

describe("historyRows", () => {
  it("folds a run of heartbeats and progress callbacks of one task into one row with the count and the latest progress message", () => {
    const dispatched = ev("TASK_DISPATCHED");
    const run = [beat(), progress("checking the card"), beat(), progress(null, "UNDER_REVIEW"), beat()];
    const done = ev("TASK_COMPLETED");
    const rows = historyRows([dispatched, ...run, done]);
    expect(rows.map((r) => r.kind)).toEqual(["event", "heartbeats", "event"]);
    const folded = rows[1]!;
    if (folded.kind !== "heartbeats") throw new Error("not folded");
    expect(folded.count).toBe(5);
    expect(folded.events).toEqual(run);
    expect(folded.latest).toBe(run[4]);
    // The word of a progress callback without a message is progress too, and it is the latest.
    expect(folded.progress).toBe("UNDER_REVIEW");
  });

  it("keeps the latest message, not the first, and none when only plain heartbeats came", () => {
    expect(shape(historyRows([progress("first"), beat(), progress("second"), beat()]))).toEqual([expect.stringMatching(/^4×\[.*\] second$/)]);
    expect(shape(historyRows([beat(), beat(), beat()]))).toEqual([expect.stringMatching(/^3×\[.*\] -$/)]);
  });

  it("ends a run at any other event and at a heartbeat of another task; a lone heartbeat stays a row of its own", () => {
    const rows = historyRows([beat("a"), beat("a"), ev("TASK_ACCEPTED", "a"), beat("a"), beat("b"), beat("b"), ev("CUSTOMER_ENDED", null), beat("b")]);
    expect(rows.map((r) => (r.kind === "event" ? r.event.type : `${r.count} of ${r.latest.taskId}`))).toEqual([
      "2 of a",
      "TASK_ACCEPTED",
      "TASK_HEARTBEAT",
      "2 of b",
      "CUSTOMER_ENDED",
      "TASK_HEARTBEAT",
    ]);
  });

  it("leaves a history without heartbeats as it is", () => {
    const events = [ev("WORKFLOW_INITIATED", null), ev("TASK_DISPATCHED"), ev("TASK_COMPLETED")];
    expect(historyRows(events)).toEqual(events.map((event) => ({ kind: "event", event })));
    expect(historyRows([])).toEqual([]);
  });
});

describe("the folded row's words", () => {
  it("say the count, the latest progress and the time in every language", () => {
    for (const locale of supportedLocales) {
      const t = translator(speechFor([locale], "UTC"));
      const plain = t("admin.heartbeatRun", { count: 12, time: "12:03" });
      const said = t("admin.heartbeatRunProgress", { count: 12, message: "checking the card", time: "12:03" });
      expect(plain, locale).toContain("12");
      expect(plain, locale).toContain("12:03");
      expect(said, locale).toContain("checking the card");
      expect(said, locale).toContain("12:03");
      expect(t("admin.heartbeatRunEach"), locale).not.toBe("admin.heartbeatRunEach");
    }
    const t = translator(speechFor(["en-US"], "UTC"));
    expect(t("admin.heartbeatRunProgress", { count: 12, message: "checking the card", time: "12:03" })).toBe("12 heartbeats, latest progress: “checking the card”, last at 12:03");
    expect(t("admin.heartbeatRun", { count: 1, time: "12:03" })).toBe("1 heartbeat, last at 12:03");
  });
});
