import { adminRoute } from "@/lib/auth/admin-route";
import { json } from "@/lib/http/api-route";
import { revokeSigningSecret } from "@/lib/webhooks/signing-secrets";

/** Revokes one signing secret; the last active one cannot be revoked here. */
export const DELETE = adminRoute<{ id: string }>(async ({ admin, params }) => {
  await revokeSigningSecret(admin.orgId, params.id, { actor: admin.actor });
  return json({ revoked: params.id });
});
