// Where a proxy keeps cutting the stream, the panel reads the snapshot once a
// second (issue 17: the polling fallback within 1 s) and tries the stream
// again after a minute.
import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultPollIntervalMs, LiveFeed } from "@/lib/panel/live-feed";

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
  vi.useRealTimers();
});

describe("live feed polling fallback", () => {
  it("polls the snapshot every second after the stream failed twice, and tries the stream again after a minute", async () => {
    vi.useFakeTimers();
    const asked: Array<{ url: string; at: number }> = [];
    globalThis.fetch = vi.fn(async (input: RequestInfo | URL) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      asked.push({ url, at: Date.now() });
      // The stream is cut at once (a buffering proxy); the snapshot answers.
      if (url === "/stream") return new Response("", { status: 200, headers: { "content-type": "text/event-stream" } });
      return Response.json({ conversation_id: "c", workflows: [], generated_at: new Date().toISOString() });
    });
    const states: string[] = [];
    const feed = new LiveFeed({ snapshotUrl: "/workflows", streamUrl: "/stream", headers: () => ({}), onSnapshot: () => undefined, onStatus: (s) => states.push(s.state), onAuthError: () => undefined });
    feed.start();
    await vi.advanceTimersByTimeAsync(10_500);
    const polls = asked.filter((a) => a.url === "/workflows");
    expect(states).toContain("polling");
    expect(polls.length).toBeGreaterThanOrEqual(9);
    const gaps = polls.slice(1).map((p, i) => p.at - polls[i]!.at);
    expect(new Set(gaps)).toEqual(new Set([defaultPollIntervalMs]));
    expect(defaultPollIntervalMs).toBeLessThanOrEqual(1_000);

    const streamsBefore = asked.filter((a) => a.url === "/stream").length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked.filter((a) => a.url === "/stream").length).toBeGreaterThan(streamsBefore);
    feed.stop();
  });
});
