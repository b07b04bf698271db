import { cancelWorkflowBodySchema, workflowIdParamsSchema, workflowViewBody } from "@/lib/api/schemas";
import { baseUrlFor } from "@/lib/http/base-url";
import { clientRoute, json, routeMethods } from "@/lib/http/api-route";
import { parseJson, readBodyText, requireJsonContentType, validate } from "@/lib/http/read-body";
import { cancelWorkflow, getWorkflowView } from "@/lib/workflows/workflow-service";

export const dynamic = "force-dynamic";

const post = clientRoute<{ id: string }>("cancelWorkflow", async ({ request, params, principal, requestId }) => {
  const { id } = validate(workflowIdParamsSchema, params, "path");
  // The body is optional: a data action may cancel with no body at all.
  const text = await readBodyText(request);
  let reason: string | null = null;
  if (text.trim() !== "") {
    requireJsonContentType(request);
    reason = validate(cancelWorkflowBodySchema, parseJson(text)).reason ?? null;
  }
  await cancelWorkflow(principal.orgId, id, reason, { actor: "data-action", requestId });
  return json(workflowViewBody(await getWorkflowView(principal.orgId, id, baseUrlFor(request))));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });
