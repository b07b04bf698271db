import { adminRoute } from "@/lib/auth/admin-route";
import { workflowDetail } from "@/lib/admin/workflow-search";
import { json, routeMethods } from "@/lib/http/api-route";

/** A workflow with its tasks, its full event history and its deliveries. */
const get = adminRoute<{ id: string }>(async ({ admin, params }) => {
  const detail = await workflowDetail(admin.orgId, params.id);
  return json({ ...detail, events: detail.events.map((e) => ({ ...e, id: e.id.toString() })) });
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
