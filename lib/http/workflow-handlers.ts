// Handlers shared by two paths (POST /api/v1/workflows and its alias /initiate).
import { createWorkflowBodySchema } from "@/lib/api/schemas";
import { clientRoute, json } from "@/lib/http/api-route";
import { readJsonBody } from "@/lib/http/read-body";
import { baseUrlFor } from "@/lib/http/base-url";
import { deliverSoon } from "@/lib/outbox/kick";
import { initiateWorkflow } from "@/lib/workflows/workflow-service";

/** One handler, two operations: each path keeps its own operationId (and so its declared scope). */
export function initiateWorkflowRoute(operation: "initiateWorkflow" | "initiateWorkflowAlias") {
  return clientRoute(operation, async ({ request, principal, requestId }) => {
    const body = await readJsonBody(request, createWorkflowBodySchema);
    const { created, workflow } = await initiateWorkflow(principal.orgId, body, { actor: "data-action", requestId }, baseUrlFor(request));
    // A process's first step was written with the workflow: deliver it right after the response, as the task route does.
    if (created && workflow.currentTaskId !== null) deliverSoon(request);
    return json(
      { workflow_id: workflow.id, status: workflow.status, version: workflow.version, created_at: workflow.createdAt.toISOString() },
      created ? 201 : 200,
    );
  });
}
