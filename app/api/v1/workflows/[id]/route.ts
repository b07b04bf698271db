import { workflowIdParamsSchema, workflowViewBody } from "@/lib/api/schemas";
import { baseUrlFor } from "@/lib/http/base-url";
import { clientRoute, json } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { getWorkflowView } from "@/lib/workflows/workflow-service";

export const dynamic = "force-dynamic";

export const GET = clientRoute<{ id: string }>("workflows:read", async ({ request, params, principal }) => {
  const { id } = validate(workflowIdParamsSchema, params, "path");
  return json(workflowViewBody(await getWorkflowView(principal.orgId, id, baseUrlFor(request))));
});
