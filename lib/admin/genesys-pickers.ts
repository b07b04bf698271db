// The org's Architect workflows and queues for the settings pickers, read
// through the Platform API with the signed-in admin's own token (so the list is
// what that admin may see in Genesys Cloud).
//   ArchitectApi.getFlows → GET /api/v2/flows?type=workflow (purecloud-platform-client-v2 v262,
//     src/purecloud-platform-client-v2/api/ArchitectApi.js; permission architect:flow:view)
//   RoutingApi.getRoutingQueues → GET /api/v2/routing/queues (RoutingApi.js; "Requires ANY
//     permissions: routing:queue:view", MyPureCloud SDK docs RoutingApi.md)
import platformClient from "purecloud-platform-client-v2";
import { newGenesysApiClient } from "@/lib/genesys/genesys-client";
import { toGenesysError } from "@/lib/genesys/genesys-error";
import { clock } from "@/lib/clock";

export interface PickerOption {
  id: string;
  name: string;
}

export type PickerList = { ok: true; options: PickerOption[] } | { ok: false; reason: string };

/** Enough for a picker; an org with more narrows the list in Genesys Cloud's own search. */
const pageSize = 100;

interface Listing {
  body?: { entities?: Array<{ id?: string; name?: string }> };
}

function options(answer: unknown): PickerOption[] {
  const entities = (answer as Listing).body?.entities ?? [];
  return entities
    .filter((e): e is { id: string; name: string } => typeof e.id === "string" && typeof e.name === "string")
    .map((e) => ({ id: e.id, name: e.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function list(call: () => Promise<unknown>): Promise<PickerList> {
  try {
    return { ok: true, options: options(await call()) };
  } catch (error) {
    const problem = toGenesysError(error, "list for the settings pickers", clock.now());
    return { ok: false, reason: problem.message };
  }
}

export async function genesysPickers(region: string, accessToken: string | null): Promise<{ flows: PickerList; queues: PickerList }> {
  if (!accessToken) return { flows: { ok: false, reason: "no Genesys Cloud token in this session" }, queues: { ok: false, reason: "no Genesys Cloud token in this session" } };
  const client = newGenesysApiClient(region);
  client.setAccessToken(accessToken);
  const architect = new platformClient.ArchitectApi(client);
  const routing = new platformClient.RoutingApi(client);
  const [flows, queues] = await Promise.all([
    list(() => architect.getFlows({ type: ["workflow"], pageSize, sortBy: "name" })),
    list(() => routing.getRoutingQueues({ pageSize })),
  ]);
  return { flows, queues };
}
