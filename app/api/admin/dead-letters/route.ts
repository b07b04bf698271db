import { adminRoute } from "@/lib/auth/admin-route";
import { json } from "@/lib/http/api-route";
import { listDeadLetters } from "@/lib/outbox/dead-letters";

export const GET = adminRoute(async ({ admin, url }) => {
  const before = url.searchParams.get("before");
  return json(await listDeadLetters(admin.orgId, { limit: 50, ...(before && !Number.isNaN(Date.parse(before)) ? { before } : {}) }));
});
