import { deliveryIdParamsSchema } from "@/lib/api/schemas";
import { clientRoute, json, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { retryDeadLetter } from "@/lib/outbox/dead-letters";

export const dynamic = "force-dynamic";

const post = clientRoute<{ id: string }>("retryDeadLetter", async ({ params, principal }) => {
  const { id } = validate(deliveryIdParamsSchema, params, "path");
  return json(await retryDeadLetter(principal.orgId, id));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });
