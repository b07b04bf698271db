// Off Vercel (npm run dev / npm start), the cron jobs run inside the server
// process on vercel.json's schedules. LONGRUN_SCHEDULER=off turns that off,
// e.g. when `npm run worker` or an external scheduler runs them instead. A
// server that keeps connections open (DATABASE_POOL_MIN, set by `npm start`)
// opens them at start.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.VERCEL) return;
  // Opens nothing unless the pool keeps a minimum (lib/db/client.ts reads DATABASE_POOL_MIN).
  const { warmPool } = await import("@/lib/db/client");
  const { log } = await import("@/lib/log");
  void warmPool().then(
    (opened) => {
      if (opened > 0) log.info("db.pool.warmed", { connections: opened });
    },
    (error: unknown) => log.warn("db.pool.warm_failed", { message: error instanceof Error ? error.message : String(error) }),
  );
  if (process.env.LONGRUN_SCHEDULER === "off") return;
  const { startInProcessScheduler } = await import("@/lib/jobs/in-process-scheduler");
  startInProcessScheduler();
}
