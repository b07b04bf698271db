// Agents call the panel's routes with their own Genesys Cloud token. Genesys
// is asked once who the token belongs to (GET /api/v2/users/me with the
// organization); the answer is cached by the token's SHA-256 for a few
// minutes so that a panel polling or reconnecting costs Genesys nothing.
import { createHash } from "node:crypto";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log";
import { genesysRegions } from "@/lib/orgs/create-org";
import { holdsPermission } from "@/lib/auth/admin-permissions";
import { appFoundry } from "@/lib/genesys/app-foundry";

export interface AgentPrincipal {
  orgId: string;
  userId: string;
  name: string;
  /** users/me?expand=authorization (the AppFoundry view-permission check). */
  permissions: string[];
}

/** How long a users/me answer is trusted. */
export const agentIdentityCacheSeconds = 300;
const maxCachedTokens = 10_000;
const genesysTimeoutMs = 8_000;

interface CachedIdentity {
  identity: AgentPrincipal;
  expiresAt: number;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const cache = new Map<string, CachedIdentity>();

/** The header the panel names its Genesys region in (the server cannot tell it from an opaque token). */
export const agentRegionHeader = "x-genesys-region";

const invalidToken = () =>
  new AppError("UNAUTHORIZED", "your Genesys session has expired or the token is not valid; sign in again", {
    headers: { "WWW-Authenticate": 'Bearer realm="longrun-panel", error="invalid_token"' },
  });

/** https://api.<region>, or GENESYS_API_BASE_URL (a proxy, or a stand-in in tests). */
export function genesysApiBase(region: string | null): string {
  const override = env().GENESYS_API_BASE_URL;
  if (override) return override.replace(/\/+$/, "");
  const known = genesysRegions.find((r) => r === region) ?? "mypurecloud.com";
  return `https://api.${known}`;
}

function tokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function readIdentity(body: unknown): AgentPrincipal | null {
  if (typeof body !== "object" || body === null) return null;
  const me = body as { id?: unknown; name?: unknown; organization?: { id?: unknown }; authorization?: { permissions?: unknown } };
  if (typeof me.id !== "string" || typeof me.organization?.id !== "string") return null;
  const permissions = Array.isArray(me.authorization?.permissions) ? me.authorization.permissions.filter((p): p is string => typeof p === "string") : [];
  return { userId: me.id, orgId: me.organization.id, name: typeof me.name === "string" ? me.name : "", permissions };
}

async function askGenesys(token: string, region: string | null): Promise<AgentPrincipal> {
  // The permissions come along only when the AppFoundry check needs them (the panel client's token holds authorization:readonly).
  const url = `${genesysApiBase(region)}/api/v2/users/me?expand=${appFoundry().on ? "organization,authorization" : "organization"}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" }, signal: AbortSignal.timeout(genesysTimeoutMs) });
  } catch (error) {
    log.warn("agent.identity.unreachable", { message: error instanceof Error ? error.message : String(error) });
    throw new AppError("UNAVAILABLE", "Genesys Cloud could not be reached to check your sign-in; try again shortly");
  }
  if (response.status === 401 || response.status === 403) throw invalidToken();
  if (!response.ok) {
    log.warn("agent.identity.failed", { status: response.status });
    throw new AppError("UNAVAILABLE", `Genesys Cloud answered ${response.status} when checking your sign-in; try again shortly`);
  }
  const identity = readIdentity(await response.json().catch(() => null));
  if (!identity) throw new AppError("UNAVAILABLE", "Genesys Cloud's users/me answer had no user or organization id");
  return identity;
}

function remember(digest: string, identity: AgentPrincipal): void {
  if (cache.size >= maxCachedTokens) {
    // Map keeps insertion order: the first key is the oldest entry.
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(digest, { identity, expiresAt: clock.now().getTime() + agentIdentityCacheSeconds * 1000 });
}

/** Who the Genesys token belongs to (cached), without the org check. */
export async function agentIdentity(token: string, region: string | null): Promise<AgentPrincipal> {
  const digest = tokenDigest(token);
  const hit = cache.get(digest);
  if (hit && hit.expiresAt > clock.now().getTime()) return hit.identity;
  cache.delete(digest);
  const identity = await askGenesys(token, region);
  remember(digest, identity);
  return identity;
}

/**
 * The agent behind an `Authorization: Bearer <Genesys token>` header, whose
 * org must have installed Longrun. Another org's agent gets a 403 that says
 * so, never an empty list.
 */
export async function authenticateAgent(request: Request): Promise<AgentPrincipal> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  if (!match?.[1]) {
    throw new AppError("UNAUTHORIZED", "sign in with Genesys Cloud: send Authorization: Bearer <your Genesys token>", {
      headers: { "WWW-Authenticate": 'Bearer realm="longrun-panel"' },
    });
  }
  const identity = await agentIdentity(match[1], request.headers.get(agentRegionHeader));
  const prisma = await db();
  const org = uuidPattern.test(identity.orgId) ? await prisma.org.findUnique({ where: { id: identity.orgId }, select: { id: true } }) : null;
  if (!org) {
    throw new AppError("FORBIDDEN", `your Genesys organization (${identity.orgId}) has not installed Longrun; ask your Genesys admin to install it`);
  }
  const app = appFoundry();
  if (app.on && !holdsPermission(identity.permissions, app.viewPermission)) {
    // AppFoundry: only holders of the app's view permission see its data (premium-app wizard config.js premiumAppViewPermission).
    throw new AppError("FORBIDDEN", `you do not hold Longrun's permission ${app.viewPermission}; ask your Genesys admin for a role that has it`);
  }
  return identity;
}

/** Forgets every cached identity (tests that revoke tokens at the stand-in). */
export function clearAgentIdentityCache(): void {
  cache.clear();
}
