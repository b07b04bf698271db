// npm run worker: the scheduled jobs in a process of their own (PostgreSQL
// deployments that run the web servers with LONGRUN_SCHEDULER=off).
import { closeDb } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare-database";
import { startInProcessScheduler } from "@/lib/jobs/in-process-scheduler";
import { runTimeoutJob } from "@/lib/jobs/scheduled-jobs";

await prepareDatabase();
const stop = startInProcessScheduler();
console.log(JSON.stringify(await runTimeoutJob()));
// Keep the process alive: the scheduler's timers are unref'd so that servers can exit cleanly.
const keepAlive = setInterval(() => undefined, 60_000);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stop();
    clearInterval(keepAlive);
    void closeDb().then(() => process.exit(0));
  });
}
