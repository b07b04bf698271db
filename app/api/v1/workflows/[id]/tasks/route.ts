import { dispatchTaskBodySchema, workflowIdParamsSchema } from "@/lib/api/schemas";
import { baseUrlFor } from "@/lib/http/base-url";
import { clientRoute, json, routeMethods } from "@/lib/http/api-route";
import { readJsonBody, validate } from "@/lib/http/read-body";
import { registerDirectRoute } from "@/lib/http/direct-routes";
import { deliverSoon } from "@/lib/outbox/kick";
import { dispatchTask } from "@/lib/workflows/workflow-service";

export const dynamic = "force-dynamic";

const post = clientRoute<{ id: string }>("dispatchTask", async ({ request, params, principal, requestId }) => {
  const { id } = validate(workflowIdParamsSchema, params, "path");
  const body = await readJsonBody(request, dispatchTaskBodySchema);
  const accepted = await dispatchTask(principal.orgId, id, body, { actor: "data-action", requestId }, baseUrlFor(request));
  if (body.dispatch) deliverSoon(request);
  return json(accepted, 202);
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });
// On the call path (an Architect data action): `npm start` serves it without Next's router once Next has loaded this module.
registerDirectRoute("POST", "/api/v1/workflows/[id]/tasks", POST);
