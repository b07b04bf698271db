// Server-sent events for one conversation: a snapshot on open, a fresh one
// after every committed change, comment heartbeats so proxies keep the line
// open, and a bounded lifetime so serverless functions end cleanly (the
// client reconnects at once and gets a fresh snapshot).
import { log } from "@/lib/log";
import { loadConversationSnapshot } from "@/lib/panel/conversation-snapshot";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { subscribeConversation, subscribeWorkflow } from "@/lib/realtime/workflow-changes";

export const streamDefaults = {
  /** Inside the 60 s function limit every Vercel plan allows, with room to close politely; reconnecting costs one snapshot read. */
  lifetimeMs: 55_000,
  heartbeatMs: 15_000,
  /**
   * At most one snapshot read per this interval: a change after a quiet spell
   * is read at once, and the rest of a burst (dispatch + accepted) is read
   * together at the end of it.
   */
  coalesceMs: 40,
  /** Overridden by PANEL_ATTRIBUTE_RECHECK_SECONDS through the route. */
  attributeRecheckMs: 10_000,
};

export interface StreamOptions {
  orgId: string;
  conversationId: string;
  signal: AbortSignal;
  /** Workflows the conversation's participant attribute names (read from Genesys when the stream opened). */
  attributeWorkflowIds?: readonly string[];
  /**
   * Reads the attribute again (through its shared cache, lib/conversations/conversation-attributes.ts).
   * While the stream shows no workflow found through the attribute it is asked every
   * `attributeRecheckMs`, so a `workflow_id` set mid-call shows without waiting for a reconnect.
   */
  rereadAttributes?: () => Promise<readonly string[]>;
  attributeRecheckMs?: number;
  lifetimeMs?: number;
  heartbeatMs?: number;
}

/** Snapshots compare without their timestamp, so a no-op wake-up sends nothing. */
function fingerprint(snapshot: PanelSnapshot): string {
  return JSON.stringify(snapshot.workflows);
}

export function conversationStream(options: StreamOptions): Response {
  const encoder = new TextEncoder();
  const lifetimeMs = options.lifetimeMs ?? streamDefaults.lifetimeMs;
  const heartbeatMs = options.heartbeatMs ?? streamDefaults.heartbeatMs;
  let cleanup: () => void = () => undefined;

  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      let lastSent = "";
      let loading = false;
      let again = false;
      let coalesceTimer: ReturnType<typeof setTimeout> | null = null;
      const timers: ReturnType<typeof setTimeout>[] = [];
      let unsubscribe: () => void = () => undefined;
      let named: readonly string[] = options.attributeWorkflowIds ?? [];
      let showsAttributeWorkflow = false;
      let recheckTimer: ReturnType<typeof setTimeout> | null = null;
      // Workflows of other conversations this panel shows (a callback's, an attribute's): their changes wake it too.
      const carried = new Map<string, () => void>();

      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          finish();
        }
      };
      const finish = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        for (const stop of carried.values()) stop();
        carried.clear();
        if (coalesceTimer) clearTimeout(coalesceTimer);
        if (recheckTimer) clearTimeout(recheckTimer);
        for (const t of timers) clearTimeout(t);
        clearInterval(heartbeat);
        options.signal.removeEventListener("abort", finish);
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      cleanup = finish;

      const send = async () => {
        if (closed) return;
        if (loading) {
          again = true;
          return;
        }
        loading = true;
        try {
          const snapshot = await loadConversationSnapshot(options.orgId, options.conversationId, { attributeWorkflowIds: named });
          showsAttributeWorkflow = snapshot.workflows.some((w) => w.came_from?.kind === "attribute");
          // Listen first, read second, here too: a change between this read and a new subscription is read again.
          if (await watchCarried(snapshot)) again = true;
          const print = fingerprint(snapshot);
          if (print !== lastSent) {
            lastSent = print;
            write(`event: snapshot\nid: ${Date.parse(snapshot.generated_at)}\ndata: ${JSON.stringify(snapshot)}\n\n`);
          }
        } catch (error) {
          // The client sees the stream end, falls back to polling and retries.
          log.warn("panel.stream.snapshot_failed", { message: error instanceof Error ? error.message : String(error) });
          finish();
          return;
        } finally {
          loading = false;
        }
        if (again) {
          again = false;
          await send();
        }
      };
      const watchCarried = async (snapshot: PanelSnapshot): Promise<boolean> => {
        let added = false;
        for (const workflow of snapshot.workflows) {
          if (!workflow.came_from || carried.has(workflow.workflow_id) || closed) continue;
          carried.set(workflow.workflow_id, () => undefined);
          try {
            const stop = await subscribeWorkflow(options.orgId, workflow.workflow_id, wake);
            if (closed) stop();
            else {
              carried.set(workflow.workflow_id, stop);
              added = true;
            }
          } catch (error) {
            carried.delete(workflow.workflow_id);
            log.warn("panel.stream.subscribe_failed", { message: error instanceof Error ? error.message : String(error) });
          }
        }
        return added;
      };
      // Once a workflow came through the attribute the stream stops asking (its changes wake the stream, and the next connection reads the attribute again).
      const scheduleRecheck = () => {
        const reread = options.rereadAttributes;
        if (!reread || closed || showsAttributeWorkflow) return;
        recheckTimer = setTimeout(() => {
          recheckTimer = null;
          void (async () => {
            try {
              const ids = await reread();
              if (!closed && ids.join(",") !== named.join(",")) {
                named = ids;
                await send();
              }
            } catch (error) {
              log.warn("panel.stream.attributes_failed", { message: error instanceof Error ? error.message : String(error) });
            }
            scheduleRecheck();
          })();
        }, options.attributeRecheckMs ?? streamDefaults.attributeRecheckMs);
      };
      // A change after a quiet spell reaches the panel without waiting (the agent is mid-call);
      // within coalesceMs of the last read, it waits for the rest of its burst.
      let lastReadAt = Number.NEGATIVE_INFINITY;
      const wake = () => {
        if (closed || coalesceTimer) return;
        const wait = lastReadAt + streamDefaults.coalesceMs - performance.now();
        if (wait <= 0) {
          lastReadAt = performance.now();
          void send();
          return;
        }
        coalesceTimer = setTimeout(() => {
          coalesceTimer = null;
          lastReadAt = performance.now();
          void send();
        }, wait);
      };

      const heartbeat = setInterval(() => write(`: keep-alive\n\n`), heartbeatMs);
      options.signal.addEventListener("abort", finish);
      timers.push(
        setTimeout(() => {
          write(`event: bye\ndata: {"reason":"lifetime"}\n\n`);
          finish();
        }, lifetimeMs),
      );

      // Listen first, read second: a change between the two is then never lost.
      write(`retry: 1000\n\n`);
      try {
        unsubscribe = await subscribeConversation(options.orgId, options.conversationId, wake);
      } catch (error) {
        log.warn("panel.stream.subscribe_failed", { message: error instanceof Error ? error.message : String(error) });
      }
      if (closed) {
        unsubscribe();
        return;
      }
      await send();
      scheduleRecheck();
    },
    cancel() {
      cleanup();
    },
  });

  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
