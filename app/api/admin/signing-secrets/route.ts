import { adminRoute } from "@/lib/auth/admin-route";
import { json, routeMethods } from "@/lib/http/api-route";
import { rotateSigningSecret } from "@/lib/webhooks/signing-secrets";

/** Adds a new signing secret (shown once in this answer); the others stay active until revoked. */
const post = adminRoute(async ({ admin }) => json(await rotateSigningSecret(admin.orgId, admin.actor), 201));

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });
