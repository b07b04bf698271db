import { clientRoute, json } from "@/lib/http/api-route";
import { listProcesses } from "@/lib/processes/process-store";
import { toProcessListView } from "@/lib/processes/process-views";

export const dynamic = "force-dynamic";

export const GET = clientRoute("processes:read", async ({ principal }) => json(toProcessListView(await listProcesses(principal.orgId))));
