// Open-loop load: operations start at a fixed arrival rate whatever the
// server's state, the way a contact center's traffic comes (unlike the
// closed loop, where a slow answer delays the next request). Latency is
// measured from each operation's scheduled start, so time spent queued in
// this process counts too (no coordinated omission).
import { performance } from "node:perf_hooks";
import { percentile } from "./load-loop";

export interface OpenLoopResult {
  ratePerSecond: number;
  seconds: number;
  offered: number;
  ok: number;
  errors: number;
  /** Operations still unanswered when the arrivals stopped: the backlog the server built up. */
  inFlightAtEnd: number;
  /** Most operations in flight at once. */
  maxInFlight: number;
  /** Operations answered within the arrival window, per second. */
  answeredPerSecondInWindow: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 of the operations scheduled in the first and in the last fifth of the window: a rise means a growing queue. */
  p99FirstFifthMs: number;
  p99LastFifthMs: number;
  failures: string[];
}

export async function runOpenLoop(options: { ratePerSecond: number; seconds: number; drainMs: number }, op: (index: number) => Promise<void>): Promise<OpenLoopResult> {
  const { ratePerSecond: rate, seconds } = options;
  const total = Math.round(rate * seconds);
  const latencies: Array<{ scheduledMs: number; ms: number }> = [];
  const failures: string[] = [];
  let errors = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let issued = 0;
  let answeredInWindow = 0;
  const start = performance.now();
  const windowEnd = start + seconds * 1000;
  const pending = new Set<Promise<void>>();

  const launch = (index: number) => {
    const scheduled = start + (index * 1000) / rate;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const p = op(index).then(
      () => {
        const done = performance.now();
        latencies.push({ scheduledMs: scheduled - start, ms: done - scheduled });
        if (done <= windowEnd) answeredInWindow++;
      },
      (error: unknown) => {
        errors++;
        if (failures.length < 5) failures.push(error instanceof Error ? error.message : String(error));
      },
    );
    const tracked = p.finally(() => {
      inFlight--;
      pending.delete(tracked);
    });
    pending.add(tracked);
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (issued < due) launch(issued++);
      if (issued < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const inFlightAtEnd = inFlight;
  const drained = Promise.allSettled([...pending]);
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), options.drainMs).unref());
  if ((await Promise.race([drained, timeout])) === "timeout") {
    errors += inFlight;
    if (failures.length < 5) failures.push(`${inFlight} operations unanswered ${options.drainMs / 1000} s after the arrivals stopped`);
  }

  const sorted = Float64Array.from(latencies.map((l) => l.ms)).sort();
  const fifth = (seconds * 1000) / 5;
  const p99Of = (from: number, to: number) => percentile(Float64Array.from(latencies.filter((l) => l.scheduledMs >= from && l.scheduledMs < to).map((l) => l.ms)).sort(), 99);
  return {
    ratePerSecond: rate,
    seconds,
    offered: total,
    ok: latencies.length,
    errors,
    inFlightAtEnd,
    maxInFlight,
    answeredPerSecondInWindow: answeredInWindow / seconds,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    p99FirstFifthMs: p99Of(0, fifth),
    p99LastFifthMs: p99Of(4 * fifth, 5 * fifth),
    failures,
  };
}
