import { adminDeadLettersQuerySchema } from "@/lib/api/schemas";
import { adminRoute } from "@/lib/auth/admin-route";
import { json, routeMethods } from "@/lib/http/api-route";
import { validate } from "@/lib/http/read-body";
import { listDeadLetters } from "@/lib/outbox/dead-letters";

const get = adminRoute(async ({ admin, url }) => {
  const { before } = validate(adminDeadLettersQuerySchema, Object.fromEntries(url.searchParams), "query");
  return json(await listDeadLetters(admin.orgId, { limit: 50, ...(before ? { before } : {}) }));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
