import { adminRoute } from "@/lib/auth/admin-route";
import { json, routeMethods } from "@/lib/http/api-route";
import { listDeadLetters } from "@/lib/outbox/dead-letters";

const get = adminRoute(async ({ admin, url }) => {
  const before = url.searchParams.get("before");
  return json(await listDeadLetters(admin.orgId, { limit: 50, ...(before && !Number.isNaN(Date.parse(before)) ? { before } : {}) }));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
