// Runs the scheduled jobs inside a long-lived Node process when nothing else
// schedules them (no Vercel cron): the outbox every 10 s, timeouts and the SLA
// rollup every 5 minutes, dead letters every 15 — the schedules of vercel.json.
import { log } from "@/lib/log";
import { runDeadLetterJob, runOutboxJob, runSlaRollupJob, runTimeoutJob } from "@/lib/jobs/scheduled-jobs";

export const schedules = {
  outbox: 10_000,
  timeouts: 5 * 60_000,
  deadLetters: 15 * 60_000,
  slaRollup: 5 * 60_000,
} as const;

function every(name: string, intervalMs: number, job: () => Promise<unknown>): NodeJS.Timeout {
  let running = false;
  const tick = async () => {
    if (running) return; // never overlap with ourselves; other instances are fine (SKIP LOCKED)
    running = true;
    const started = performance.now();
    try {
      const result = await job();
      log.debug(`job.${name}`, { result, durationMs: Math.round(performance.now() - started) });
    } catch (error) {
      log.error(`job.${name}.failed`, { error: error instanceof Error ? error.message : String(error) });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return timer;
}

export function startInProcessScheduler(): () => void {
  const timers = [
    every("outbox", schedules.outbox, runOutboxJob),
    every("timeouts", schedules.timeouts, runTimeoutJob),
    every("dead-letters", schedules.deadLetters, runDeadLetterJob),
    every("sla-rollup", schedules.slaRollup, runSlaRollupJob),
  ];
  log.info("scheduler.started", { schedules });
  return () => timers.forEach(clearInterval);
}
