import { adminAuditQuerySchema } from "@/lib/api/schemas";
import { adminRoute } from "@/lib/auth/admin-route";
import { auditLog } from "@/lib/admin/admin-settings";
import { json, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";

/** The org's admin audit log, newest first (?before=<id> for the next page). */
const get = adminRoute(async ({ admin, url }) => {
  const { before } = validate(adminAuditQuerySchema, Object.fromEntries(url.searchParams), "query");
  return json(await auditLog(admin.orgId, { before, limit: 50 }));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
