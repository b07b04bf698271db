import { adminRoute } from "@/lib/auth/admin-route";
import { json, routeMethods } from "@/lib/http/api-route";
import { revokeSigningSecret } from "@/lib/webhooks/signing-secrets";

/** Revokes one signing secret; the last active one cannot be revoked here. */
const remove = adminRoute<{ id: string }>(async ({ admin, params }) => {
  await revokeSigningSecret(admin.orgId, params.id, { actor: admin.actor });
  return json({ revoked: params.id });
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ DELETE: remove });
