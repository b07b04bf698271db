// Closes an open notice with what a person did for the customer; audited.
import { adminRoute } from "@/lib/auth/admin-route";
import { json, routeMethods } from "@/lib/http/api-route";
import { readJsonBody, validate } from "@/lib/http/read-body";
import { noticeIdParamsSchema, resolveNotice, resolveNoticeBodySchema } from "@/lib/notices/customer-notices";

const post = adminRoute<{ id: string }>(async ({ admin, params, request }) => {
  const { id } = validate(noticeIdParamsSchema, params, "path");
  const body = await readJsonBody(request, resolveNoticeBodySchema);
  return json(await resolveNotice(admin.orgId, id, body.comment, admin.actor));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });
