// Delivers fresh outbox rows right after the response is sent, so a dispatch
// reaches the orchestrator at once; the worker/cron delivers whatever this
// misses (serverless cut-off, crash).
//
// Kicks are coalesced: a few runs go at once, and the kicks that come while
// they are all busy share the one run that starts when a run ends. Under
// load (hundreds of dispatches a second) that run claims, delivers, records
// and settles them in batches of up to 50 instead of one claim per request.
import { after } from "next/server";
import { deferAfterResponse } from "@/lib/http/direct-routes";
import { log } from "@/lib/log";
import { processOutbox } from "@/lib/outbox/process-outbox";

/**
 * Runs in flight before kicks wait for the next one. Bounds the claims and connections a burst
 * takes; a waiting kick's rows go out when one of the runs ends (at worst after a slow
 * orchestrator's 10 s request timeout), or with the 10 s outbox job, whichever comes first.
 */
export const maxKickRunsInFlight = 4;
const batchSize = 50;

const kicks = {
  running: 0,
  /** The run the waiting kicks share, and how many kicks it stands for. */
  next: null as { promise: Promise<void>; start: () => void; kicks: number } | null,
  /** Runs started and kicks asked (tests compare them). */
  runs: 0,
  asked: 0,
};

function run(kickCount: number): Promise<void> {
  kicks.running++;
  kicks.runs++;
  // Each waiting kick made (at most about) one row due: enough batches for all of them.
  const maxBatches = Math.min(20, Math.ceil(kickCount / batchSize) + 1);
  return processOutbox({ batchSize, maxBatches })
    .then(
      () => undefined,
      (error: unknown) => log.warn("outbox.kick_failed", { error: String(error) }),
    )
    .finally(() => {
      kicks.running--;
      const next = kicks.next;
      if (next) {
        kicks.next = null;
        next.start();
      }
    });
}

/** One kick: a run of its own while fewer than maxKickRunsInFlight go, else a share of the next run. Resolves when its run ends. */
export function kickOutbox(): Promise<void> {
  kicks.asked++;
  if (kicks.running < maxKickRunsInFlight && !kicks.next) return run(1);
  if (!kicks.next) {
    let start!: () => void;
    const promise = new Promise<void>((resolve) => {
      start = () => resolve(run(waiting.kicks));
    });
    const waiting = { promise, start, kicks: 0 };
    kicks.next = waiting;
  }
  kicks.next.kicks++;
  return kicks.next.promise;
}

/** Runs started and kicks asked since the process started (tests compare them). */
export function kickCounts(): { runs: number; asked: number } {
  return { runs: kicks.runs, asked: kicks.asked };
}

/** `request`: the request being answered, so that a request the server serves directly (lib/http/direct-routes.ts) kicks after its response too. */
export function deliverSoon(request?: Request): void {
  if (request && deferAfterResponse(request, kickOutbox)) return;
  try {
    after(kickOutbox);
  } catch {
    // Outside a Next.js request (scripts, unit tests): the worker delivers it.
  }
}
