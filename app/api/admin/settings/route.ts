import { adminRoute } from "@/lib/auth/admin-route";
import { adminSettingsBodySchema, readAdminSettings, updateAdminSettings } from "@/lib/admin/admin-settings";
import { json, routeMethods } from "@/lib/http/api-route";
import { readJsonBody } from "@/lib/http/read-body";

const get = adminRoute(async ({ admin }) => json(await readAdminSettings(admin.orgId)));

/** Replaces the org's settings as a whole; warnings say when a task timeout outlives the flow session. */
const put = adminRoute(async ({ admin, request }) => {
  const body = await readJsonBody(request, adminSettingsBodySchema);
  return json(await updateAdminSettings(admin.orgId, body, admin.actor));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get, PUT: put });
