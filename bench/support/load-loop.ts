// Closed-loop load: N clients, each issuing its next request as soon as the
// previous one answered, until the time is up, the op count is reached or the
// work runs out. Latency is measured around each operation in this process.
import { performance } from "node:perf_hooks";

/** What one operation reports: done, or no work left for this client. */
export type OpOutcome = "ok" | "exhausted";

export interface LoadOptions {
  concurrency: number;
  /** No new operation starts after this many milliseconds. */
  durationMs: number;
  /** No new operation starts after this many have been started. */
  maxOps?: number;
}

export interface LoadResult {
  concurrency: number;
  ok: number;
  failed: number;
  /** From the first start to the last answer. */
  elapsedMs: number;
  /** Successful operations per second of elapsed time. */
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** The first few failure messages. */
  failures: string[];
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export async function runLoad(options: LoadOptions, op: (client: number) => Promise<OpOutcome>): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let failed = 0;
  let started = 0;
  const maxOps = options.maxOps ?? Number.POSITIVE_INFINITY;
  const start = performance.now();
  const stopAt = start + options.durationMs;

  async function client(index: number): Promise<void> {
    while (performance.now() < stopAt && started < maxOps) {
      started++;
      const t0 = performance.now();
      try {
        const outcome = await op(index);
        if (outcome === "exhausted") {
          started--;
          return;
        }
        latencies.push(performance.now() - t0);
      } catch (error) {
        failed++;
        if (failures.length < 5) failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => client(i)));
  const elapsedMs = performance.now() - start;
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    concurrency: options.concurrency,
    ok: latencies.length,
    failed,
    elapsedMs,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    meanMs: latencies.length ? sum / latencies.length : Number.NaN,
    maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    failures,
  };
}

/** A shared work queue for the clients of one cell (the event loop makes `take` atomic). */
export class WorkQueue<T> {
  private next = 0;
  constructor(private readonly items: readonly T[]) {}

  take(): T | undefined {
    return this.next < this.items.length ? this.items[this.next++] : undefined;
  }

  get remaining(): number {
    return this.items.length - this.next;
  }
}
