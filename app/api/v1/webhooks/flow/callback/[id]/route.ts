// Results from external systems, authenticated by their Standard Webhooks signature.
import { workflowIdParamsSchema } from "@/lib/api/schemas";
import { json, publicRoute, routeMethods } from "@/lib/http/api-route";
import { registerDirectRoute } from "@/lib/http/direct-routes";
import { validate } from "@/lib/http/read-body";
import { deliverSoon } from "@/lib/outbox/kick";
import { applyCallback, mayHaveDispatched } from "@/lib/webhooks/callback-service";
import { verifySignedRequest } from "@/lib/webhooks/signed-request";

export const dynamic = "force-dynamic";

const post = publicRoute<{ id: string }>(async ({ request, params, url, requestId }) => {
  const { id } = validate(workflowIdParamsSchema, params, "path");
  const verified = await verifySignedRequest(request, id);
  const answer = await applyCallback(verified, id, url.searchParams, requestId);
  if (mayHaveDispatched(answer)) deliverSoon(request);
  return json(answer.body, answer.status, answer.replayed ? { "webhook-replayed": "true" } : {});
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });
// The hot path: `npm start` serves it without Next's router once Next has loaded this module.
registerDirectRoute("POST", "/api/v1/webhooks/flow/callback/[id]", POST);
