import { adminRoute } from "@/lib/auth/admin-route";
import { searchWorkflows, workflowSearchSchema } from "@/lib/admin/workflow-search";
import { json } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";

/** Workflow search: status, taskType, customerId, conversationId, from, to; keyset pages via cursor. */
export const GET = adminRoute(async ({ admin, url }) => {
  const search = validate(workflowSearchSchema, Object.fromEntries(url.searchParams), "query");
  return json(await searchWorkflows(admin.orgId, search));
});
