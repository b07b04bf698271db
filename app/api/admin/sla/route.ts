import { adminRoute } from "@/lib/auth/admin-route";
import { slaQuerySchema, slaReport } from "@/lib/admin/sla-report";
import { json, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";

/** Time to result p50/p95 per task type, timeouts and late results over time, for ?from=&to= (default: the last 24 hours). */
const get = adminRoute(async ({ admin, url }) => {
  const query = validate(slaQuerySchema, Object.fromEntries(url.searchParams), "query");
  return json(await slaReport(admin.orgId, query));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
