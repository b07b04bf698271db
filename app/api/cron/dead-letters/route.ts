// Vercel cron (vercel.json, every 15 minutes): re-drive failed deliveries.
import { cronRoute, json, routeMethods } from "@/lib/http/api-route";
import { runDeadLetterJob } from "@/lib/jobs/scheduled-jobs";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

const get = cronRoute(async () => json(await runDeadLetterJob()));

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
