// Vercel cron (vercel.json, every 15 minutes): re-drive failed deliveries.
import { cronRoute, json } from "@/lib/http/api-route";
import { runDeadLetterJob } from "@/lib/jobs/scheduled-jobs";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

export const GET = cronRoute(async () => json(await runDeadLetterJob()));
