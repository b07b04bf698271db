import { deadLettersQuerySchema } from "@/lib/api/schemas";
import { clientRoute, json } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { listDeadLetters } from "@/lib/outbox/dead-letters";

export const dynamic = "force-dynamic";

export const GET = clientRoute("workflows:read", async ({ url, principal }) => {
  const query = validate(deadLettersQuerySchema, Object.fromEntries(url.searchParams), "query");
  return json(await listDeadLetters(principal.orgId, query));
});
