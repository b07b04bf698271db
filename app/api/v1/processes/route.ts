import { clientRoute, json, routeMethods } from "@/lib/http/api-route";
import { listProcesses } from "@/lib/processes/process-store";
import { toProcessListView } from "@/lib/processes/process-views";

export const dynamic = "force-dynamic";

const get = clientRoute("listProcesses", async ({ principal }) => json(toProcessListView(await listProcesses(principal.orgId))));

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
