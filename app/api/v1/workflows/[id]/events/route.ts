import { workflowIdParamsSchema } from "@/lib/api/schemas";
import { clientRoute, json, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { listWorkflowEvents } from "@/lib/workflows/workflow-service";

export const dynamic = "force-dynamic";

const get = clientRoute<{ id: string }>("listWorkflowEvents", async ({ params, principal }) => {
  const { id } = validate(workflowIdParamsSchema, params, "path");
  return json({ workflow_id: id, events: await listWorkflowEvents(principal.orgId, id) });
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
