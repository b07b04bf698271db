// A signed next-auth session cookie for an org's admin, as the sign-in would set it.
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { adminSessionSecret } from "@/lib/auth/admin-auth-options";

export async function adminCookie(orgId: string, claims: Record<string, unknown> = {}): Promise<string> {
  const token = await encode({
    token: { name: "Ada Admin", canInstall: false, region: "mypurecloud.com", genesysAccessToken: "gc-token", orgId, userId: randomUUID(), ...claims },
    secret: adminSessionSecret(),
  });
  return `next-auth.session-token=${token}`;
}
