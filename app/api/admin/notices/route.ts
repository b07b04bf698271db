// Notices for customers whom no flow or callback reached: open ones first.
import { adminRoute } from "@/lib/auth/admin-route";
import { json, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { countOpenNotices, listNotices, noticesQuerySchema } from "@/lib/notices/customer-notices";

const get = adminRoute(async ({ admin, url }) => {
  const query = validate(noticesQuerySchema, Object.fromEntries(url.searchParams), "query");
  const [notices, openCount] = await Promise.all([listNotices(admin.orgId, query), countOpenNotices(admin.orgId)]);
  return json({ notices, open_count: openCount });
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
