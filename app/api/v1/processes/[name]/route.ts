import { processParamsSchema, processQuerySchema } from "@/lib/api/process-schemas";
import { clientRoute, json } from "@/lib/http/api-route";
import { parseJson, readBodyText, requireJsonContentType, validate } from "@/lib/http/read-body";
import { getProcess, putProcess } from "@/lib/processes/process-store";
import { toProcessVersionView } from "@/lib/processes/process-views";

export const dynamic = "force-dynamic";

export const GET = clientRoute<{ name: string }>("processes:read", async ({ params, url, principal }) => {
  const { name } = validate(processParamsSchema, params, "path");
  const { version } = validate(processQuerySchema, Object.fromEntries(url.searchParams), "query");
  return json(toProcessVersionView(await getProcess(principal.orgId, name, version)));
});

// The body is checked by putProcess, which lists every error of the definition, not only the schema's.
export const PUT = clientRoute<{ name: string }>("processes:write", async ({ request, params, principal }) => {
  const { name } = validate(processParamsSchema, params, "path");
  requireJsonContentType(request);
  const { created, process } = await putProcess(principal.orgId, name, parseJson(await readBodyText(request)), `data-action:${principal.clientId}`);
  return json(toProcessVersionView(process), created ? 201 : 200);
});
