import { workflowIdParamsSchema } from "@/lib/api/schemas";
import { clientRoute, json } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { listWorkflowEvents } from "@/lib/workflows/workflow-service";

export const dynamic = "force-dynamic";

export const GET = clientRoute<{ id: string }>("workflows:read", async ({ params, principal }) => {
  const { id } = validate(workflowIdParamsSchema, params, "path");
  return json({ workflow_id: id, events: await listWorkflowEvents(principal.orgId, id) });
});
