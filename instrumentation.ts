// Off Vercel (npm run dev / npm start), the cron jobs run inside the server
// process on vercel.json's schedules. LONGRUN_SCHEDULER=off turns that off,
// e.g. when `npm run worker` or an external scheduler runs them instead.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.VERCEL || process.env.LONGRUN_SCHEDULER === "off") return;
  const { startInProcessScheduler } = await import("@/lib/jobs/in-process-scheduler");
  startInProcessScheduler();
}
