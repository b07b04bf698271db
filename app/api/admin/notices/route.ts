// Notices for customers whom no flow or callback reached: open ones first.
import { adminRoute } from "@/lib/auth/admin-route";
import { json } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { countOpenNotices, listNotices, noticesQuerySchema } from "@/lib/notices/customer-notices";

export const GET = adminRoute(async ({ admin, url }) => {
  const query = validate(noticesQuerySchema, Object.fromEntries(url.searchParams), "query");
  const [notices, openCount] = await Promise.all([listNotices(admin.orgId, query), countOpenNotices(admin.orgId)]);
  return json({ notices, open_count: openCount });
});
