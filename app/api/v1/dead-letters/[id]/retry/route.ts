import { deliveryIdParamsSchema } from "@/lib/api/schemas";
import { clientRoute, json } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { retryDeadLetter } from "@/lib/outbox/dead-letters";

export const dynamic = "force-dynamic";

export const POST = clientRoute<{ id: string }>("workflows:write", async ({ params, principal }) => {
  const { id } = validate(deliveryIdParamsSchema, params, "path");
  return json(await retryDeadLetter(principal.orgId, id));
});
