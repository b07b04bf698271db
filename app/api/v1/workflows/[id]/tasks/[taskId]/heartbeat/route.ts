// Heartbeats from the external system working on a task; signed like callbacks.
import { taskParamsSchema } from "@/lib/api/schemas";
import { json, publicRoute, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { registerDirectRoute } from "@/lib/http/direct-routes";
import { recordHeartbeat } from "@/lib/webhooks/callback-service";
import { verifySignedRequest } from "@/lib/webhooks/signed-request";

export const dynamic = "force-dynamic";

const post = publicRoute<{ id: string; taskId: string }>(async ({ request, params, requestId }) => {
  const { id, taskId } = validate(taskParamsSchema, params, "path");
  const verified = await verifySignedRequest(request, id, { bodyOptional: true });
  const answer = await recordHeartbeat(verified, id, taskId, requestId);
  return json(answer.body, answer.status, answer.replayed ? { "webhook-replayed": "true" } : {});
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });
// Sent by external systems as often as callbacks: `npm start` serves it without Next's router once Next has loaded this module.
registerDirectRoute("POST", "/api/v1/workflows/[id]/tasks/[taskId]/heartbeat", POST);
