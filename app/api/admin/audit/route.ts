import { adminRoute } from "@/lib/auth/admin-route";
import { auditLog } from "@/lib/admin/admin-settings";
import { json, routeMethods } from "@/lib/http/api-route";

/** The org's admin audit log, newest first (?before=<id> for the next page). */
const get = adminRoute(async ({ admin, url }) => json(await auditLog(admin.orgId, { before: url.searchParams.get("before") ?? undefined, limit: 50 })));

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
