// The live feed stops fetching while the panel is hidden (the desktop's
// lifecycle blur) and catches up with a fresh stream when it is shown again.
import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveFeed } from "@/lib/panel/live-feed";
import type { PanelSnapshot } from "@/lib/panel/panel-types";

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** A stream that sends one snapshot and stays open until its request is aborted. */
function openStream(snapshot: unknown, signal: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`));
      signal.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")));
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

describe("live feed pause and resume", () => {
  it("closes the stream on pause, fetches nothing while paused, and reconnects on resume", async () => {
    const signals: AbortSignal[] = [];
    let version = 0;
    globalThis.fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      signals.push(init!.signal!);
      version += 1;
      return openStream({ conversation_id: "c", workflows: [], version }, init!.signal!);
    });
    const snapshots: unknown[] = [];
    const feed = new LiveFeed({
      snapshotUrl: "/workflows",
      streamUrl: "/stream",
      headers: () => ({}),
      onSnapshot: (s: PanelSnapshot) => snapshots.push(s),
      onStatus: () => undefined,
      onAuthError: () => undefined,
    });
    feed.start();
    await vi.waitFor(() => expect(snapshots).toHaveLength(1));
    feed.pause();
    expect(signals[0]!.aborted).toBe(true);
    // A second pause, or a resume of a feed that is not paused, changes nothing.
    feed.pause();
    expect(globalThis.fetch).toHaveBeenCalledTimes(1);

    feed.resume();
    await vi.waitFor(() => expect(snapshots).toHaveLength(2));
    expect(snapshots[1]).toMatchObject({ version: 2 });
    expect(signals[1]!.aborted).toBe(false);
    feed.resume();
    expect(globalThis.fetch).toHaveBeenCalledTimes(2);
    feed.stop();
    expect(signals[1]!.aborted).toBe(true);
  });
});
