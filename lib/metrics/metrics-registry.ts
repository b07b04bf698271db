// Live figures for GET /api/metrics (Prometheus text format, prom-client):
// what the bench measures, watchable in production. One registry per process,
// kept on globalThis because Next may evaluate a module once per bundle
// (instrumentation, each route) and the counters must be the same objects.
// On Vercel each instance counts its own requests; the gauges read from the
// database are the same everywhere.
import client from "prom-client";

// Seconds; a callback's budget is tens of milliseconds, a sweep's a few seconds.
const requestBuckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const sweepBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];

/** A reading taken at scrape time (database counts, pool state). */
export type ScrapeCollector = () => Promise<void>;

function createMetrics() {
  const registry = new client.Registry();
  // Process figures (RSS, heap, event-loop lag, GC, open handles) with the longrun_ prefix.
  client.collectDefaultMetrics({ register: registry, prefix: "longrun_" });
  const collectors = new Map<string, ScrapeCollector>();
  return {
    registry,
    collectors,
    httpRequests: new client.Counter({
      name: "longrun_http_requests_total",
      help: "API requests answered, by route pattern, method and status",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: "longrun_http_request_duration_seconds",
      help: "Time from the route wrapper taking a request to its response (body streaming excluded), by route pattern and method",
      labelNames: ["route", "method"] as const,
      buckets: requestBuckets,
      registers: [registry],
    }),
    callbacks: new client.Counter({
      name: "longrun_callbacks_total",
      help: "Signed result callbacks: applied, replayed (an earlier answer to the same webhook-id), or refused with the error code as reason",
      labelNames: ["outcome", "reason"] as const,
      registers: [registry],
    }),
    sweepRuns: new client.Counter({
      name: "longrun_sweep_runs_total",
      help: "Timeout sweeps run, by outcome (ok, failed)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    sweepDuration: new client.Histogram({
      name: "longrun_sweep_duration_seconds",
      help: "Duration of one timeout sweep (claiming, deciding and writing the overdue tasks, then delivering their escalations)",
      buckets: sweepBuckets,
      registers: [registry],
    }),
    sweepTimedOut: new client.Counter({
      name: "longrun_sweep_timed_out_tasks_total",
      help: "Tasks the sweeps timed out",
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;
const store = globalThis as unknown as { longrunMetrics?: Metrics };

export function metrics(): Metrics {
  store.longrunMetrics ??= createMetrics();
  return store.longrunMetrics;
}

/**
 * Adds a reading taken at each scrape; `define` creates its gauges on the
 * registry the first time (same name again: kept, not redefined).
 */
export function addScrapeCollector(name: string, define: (registry: client.Registry) => ScrapeCollector): void {
  const m = metrics();
  if (!m.collectors.has(name)) m.collectors.set(name, define(m.registry));
}

/** The exposition: scrape-time readings first, then everything as text. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  // One failing reading (e.g. the database is down) must not hide the others.
  await Promise.allSettled([...m.collectors.values()].map((collect) => collect()));
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}
