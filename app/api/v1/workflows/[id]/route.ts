import { workflowIdParamsSchema, workflowViewBody } from "@/lib/api/schemas";
import { baseUrlFor } from "@/lib/http/base-url";
import { clientRoute, json, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { registerDirectRoute } from "@/lib/http/direct-routes";
import { getWorkflowView } from "@/lib/workflows/workflow-service";

export const dynamic = "force-dynamic";

const get = clientRoute<{ id: string }>("getWorkflow", async ({ request, params, principal }) => {
  const { id } = validate(workflowIdParamsSchema, params, "path");
  return json(workflowViewBody(await getWorkflowView(principal.orgId, id, baseUrlFor(request))));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
// Flows poll it while a task runs: `npm start` serves it without Next's router once Next has loaded this module
// (/api/v1/workflows/initiate is the static route beside it).
registerDirectRoute("GET", "/api/v1/workflows/[id]", GET, { notParams: ["initiate"] });
