// OAuth2 client credentials for Architect data actions. Client secrets are
// scrypt hashes; access tokens are random and stored as SHA-256 digests, so a
// database leak yields nothing usable.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { hashSecret, verifySecret } from "@/lib/crypto/password-hash";
import { AppError } from "@/lib/errors/app-error";
import { assertStorableText } from "@/lib/http/text-rule";
import { isScope, scopes as allScopes, type Scope } from "@/lib/auth/scopes";

export const accessTokenLifetimeSeconds = 3600;

export interface Principal {
  orgId: string;
  clientId: string;
  scopes: Scope[];
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

// A fixed hash to verify against when the client id is unknown, so that a
// wrong id and a wrong secret take the same time.
let decoyHash: Promise<string> | undefined;

export async function createApiClient(orgId: string, name: string, scopes: readonly Scope[] = allScopes): Promise<{ clientId: string; clientSecret: string }> {
  const clientId = `lr_${randomBytes(12).toString("hex")}`;
  const clientSecret = `lrs_${randomBytes(32).toString("base64url")}`;
  const prisma = await db();
  await prisma.apiClient.create({ data: { id: clientId, orgId, name, secretHash: await hashSecret(clientSecret), scopes: [...scopes] } });
  return { clientId, clientSecret };
}

/** Credentials from an HTTP Basic header or from the body, never both disagreeing. */
export function clientCredentialsFrom(
  authorization: string | null,
  body: { client_id?: string | undefined; client_secret?: string | undefined },
): { clientId: string; clientSecret: string } {
  let clientId = body.client_id;
  let clientSecret = body.client_secret;
  if (authorization?.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new AppError("INVALID_CLIENT", "Basic credentials must be client_id:client_secret");
    let basicId: string;
    let basicSecret: string;
    try {
      basicId = decodeURIComponent(decoded.slice(0, colon));
      basicSecret = decodeURIComponent(decoded.slice(colon + 1));
    } catch {
      // A stray "%" is bad input (401), not a crash.
      throw new AppError("INVALID_CLIENT", "Basic credentials are not valid form-encoded client_id:client_secret");
    }
    // The same text rule as every other input (lib/http/text-rule.ts): a NUL never reaches the client lookup.
    assertStorableText({ client_id: basicId, client_secret: basicSecret }, "the Basic credentials");
    if ((clientId && clientId !== basicId) || (clientSecret && clientSecret !== basicSecret)) {
      throw new AppError("INVALID_CLIENT", "credentials in the header and the body disagree");
    }
    clientId = basicId;
    clientSecret = basicSecret;
  }
  if (!clientId || !clientSecret) throw new AppError("INVALID_CLIENT", "client_id and client_secret are required (Basic header or body)");
  return { clientId, clientSecret };
}

export async function issueAccessToken(
  credentials: { clientId: string; clientSecret: string },
  requestedScope: string | undefined,
): Promise<{ access_token: string; token_type: "Bearer"; expires_in: number; scope: string }> {
  const prisma = await db();
  const client = await prisma.apiClient.findUnique({ where: { id: credentials.clientId } });
  decoyHash ??= hashSecret(randomBytes(16).toString("hex"));
  const valid = await verifySecret(credentials.clientSecret, client?.secretHash ?? (await decoyHash));
  if (!client || !valid || client.revokedAt) throw new AppError("INVALID_CLIENT", "unknown client or wrong secret");

  const granted = client.scopes.filter(isScope);
  let scopes: Scope[] = granted;
  if (requestedScope && requestedScope.trim() !== "") {
    const requested = requestedScope.trim().split(/\s+/);
    const refused = requested.filter((s) => !granted.includes(s as Scope));
    if (refused.length > 0) throw new AppError("INSUFFICIENT_SCOPE", `client may not request: ${refused.join(" ")}`);
    scopes = requested as Scope[];
  }
  const token = `lrt_${randomBytes(32).toString("base64url")}`;
  const now = clock.now();
  await prisma.accessToken.create({
    data: {
      tokenHash: sha256(token),
      clientId: client.id,
      orgId: client.orgId,
      scopes,
      expiresAt: new Date(now.getTime() + accessTokenLifetimeSeconds * 1000),
    },
  });
  // Expired tokens are dead weight; trimming a few on each issue keeps the table small.
  await prisma.accessToken.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 3600_000) } } });
  return { access_token: token, token_type: "Bearer", expires_in: accessTokenLifetimeSeconds, scope: scopes.join(" ") };
}

export async function authenticateBearer(authorization: string | null, required: Scope): Promise<Principal> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) throw new AppError("UNAUTHORIZED", "send Authorization: Bearer <token> from POST /api/oauth/token", { headers: { "WWW-Authenticate": 'Bearer realm="longrun"' } });
  const prisma = await db();
  const digest = sha256(match[1]);
  // Token and client in one round trip (every data-action request starts here).
  const [row] = await prisma.$queryRaw<Array<{ tokenHash: string; clientId: string; orgId: string; scopes: string[]; expiresAt: Date; revokedAt: Date | null }>>`
    SELECT t."tokenHash", t."clientId", t."orgId"::text AS "orgId", t."scopes", t."expiresAt", c."revokedAt"
    FROM "AccessToken" t JOIN "ApiClient" c ON c."id" = t."clientId"
    WHERE t."tokenHash" = ${digest}`;
  // The lookup is by digest; comparing again in constant time costs nothing and removes any doubt.
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(digest)) || row.revokedAt || row.expiresAt <= clock.now()) {
    throw new AppError("UNAUTHORIZED", "access token is invalid or expired", { headers: { "WWW-Authenticate": 'Bearer realm="longrun", error="invalid_token"' } });
  }
  const granted = row.scopes.filter(isScope);
  if (!granted.includes(required)) {
    throw new AppError("INSUFFICIENT_SCOPE", `this operation needs the ${required} scope`, { headers: { "WWW-Authenticate": `Bearer realm="longrun", error="insufficient_scope", scope="${required}"` } });
  }
  return { orgId: row.orgId, clientId: row.clientId, scopes: granted };
}
