import { deadLettersQuerySchema } from "@/lib/api/schemas";
import { clientRoute, json, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { listDeadLetters } from "@/lib/outbox/dead-letters";

export const dynamic = "force-dynamic";

const get = clientRoute("listDeadLetters", async ({ url, principal }) => {
  const query = validate(deadLettersQuerySchema, Object.fromEntries(url.searchParams), "query");
  return json(await listDeadLetters(principal.orgId, query));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
