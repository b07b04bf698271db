// Vercel cron (vercel.json, every 5 minutes) or any scheduler: time out overdue
// tasks, escalate them, and deliver whatever else the outbox has due.
import { cronRoute, json, routeMethods } from "@/lib/http/api-route";
import { runTimeoutJob } from "@/lib/jobs/scheduled-jobs";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

const get = cronRoute(async () => json(await runTimeoutJob()));

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
