import { processParamsSchema, processQuerySchema } from "@/lib/api/process-schemas";
import { clientRoute, json, routeMethods } from "@/lib/http/api-route";
import { parseJson, readBodyText, requireJsonContentType, validate } from "@/lib/http/read-body";
import { getProcess, putProcess } from "@/lib/processes/process-store";
import { toProcessVersionView } from "@/lib/processes/process-views";

export const dynamic = "force-dynamic";

const get = clientRoute<{ name: string }>("getProcess", async ({ params, url, principal }) => {
  const { name } = validate(processParamsSchema, params, "path");
  const { version } = validate(processQuerySchema, Object.fromEntries(url.searchParams), "query");
  return json(toProcessVersionView(await getProcess(principal.orgId, name, version)));
});

// The body is checked by putProcess, which lists every error of the definition, not only the schema's.
const put = clientRoute<{ name: string }>("putProcess", async ({ request, params, principal }) => {
  const { name } = validate(processParamsSchema, params, "path");
  requireJsonContentType(request);
  const { created, process } = await putProcess(principal.orgId, name, parseJson(await readBodyText(request)), `data-action:${principal.clientId}`);
  return json(toProcessVersionView(process), created ? 201 : 200);
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get, PUT: put });
