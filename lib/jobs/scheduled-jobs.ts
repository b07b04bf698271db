// The scheduled jobs. The cron routes (Vercel) and the in-process
// scheduler (npm run dev / npm start / npm run worker) call these same functions.
import { rollUpSla } from "@/lib/admin/sla-rollup";
import { redriveDeadLetters } from "@/lib/outbox/dead-letters";
import { processOutbox } from "@/lib/outbox/process-outbox";
import { rateLimiter } from "@/lib/security/rate-limiter";
import { pruneWebhookReceipts } from "@/lib/security/webhook-receipts";
import { metrics } from "@/lib/metrics/metrics-registry";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { sweepProcessWakes } from "@/lib/processes/process-sweep";

/** The sweep, counted and timed for GET /api/metrics. */
async function measuredSweep(): Promise<Awaited<ReturnType<typeof sweepTimeouts>>> {
  const m = metrics();
  const stop = m.sweepDuration.startTimer();
  try {
    const sweep = await sweepTimeouts();
    m.sweepRuns.inc({ outcome: "ok" });
    m.sweepTimedOut.inc(sweep.timedOut);
    return sweep;
  } catch (error) {
    m.sweepRuns.inc({ outcome: "failed" });
    throw error;
  } finally {
    stop();
  }
}

export async function runTimeoutJob() {
  const sweep = await measuredSweep();
  // Process retries whose backoff passed and wait steps whose time came (their dispatches go out below).
  const wakes = await sweepProcessWakes({ deliver: false });
  // Dispatch retries and anything else that came due since the last run.
  const outbox = await processOutbox();
  // Housekeeping here rather than on a request: rows nobody can read any more.
  const pruned = { webhook_receipts: await pruneWebhookReceipts(), rate_limit_windows: await rateLimiter().prune() };
  return { timed_out: sweep.timedOut, skipped: sweep.skipped, process_wakes: wakes.woken, escalations: sweep.escalations, outbox, pruned };
}

export async function runDeadLetterJob() {
  const run = await redriveDeadLetters();
  return { requeued: run.requeued, outbox: run.outbox };
}

/** Between the five-minute sweeps, deliveries (dispatch retries) should not wait long. */
export async function runOutboxJob() {
  // A process step's retry backoff is seconds long: wake due ones as often as deliveries go out.
  await sweepProcessWakes({ deliver: false });
  return processOutbox();
}

/**
 * The SLA rollup. The report reads what is not rolled up yet from the event
 * log, so this only keeps that part small; a run that finds another on an org skips it.
 */
export async function runSlaRollupJob() {
  return rollUpSla();
}
