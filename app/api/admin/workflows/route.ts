import { adminRoute } from "@/lib/auth/admin-route";
import { searchWorkflows, workflowSearchSchema } from "@/lib/admin/workflow-search";
import { json, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";

/** Workflow search: status, taskType, customerId, conversationId, from, to; keyset pages via cursor. */
const get = adminRoute(async ({ admin, url }) => {
  const search = validate(workflowSearchSchema, Object.fromEntries(url.searchParams), "query");
  return json(await searchWorkflows(admin.orgId, search));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
