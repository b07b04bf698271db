// Vercel cron (vercel.json, every 5 minutes) or any scheduler: add the SLA
// events of every org to the hourly and daily rollups the admin SLA report reads.
import { cronRoute, json, routeMethods } from "@/lib/http/api-route";
import { runSlaRollupJob } from "@/lib/jobs/scheduled-jobs";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

const get = cronRoute(async () => json(await runSlaRollupJob()));

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
