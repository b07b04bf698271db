// The admin session on the server: pages call requireAdmin(), admin API
// routes call requireAdminRequest(). Both read next-auth's encrypted session
// cookie directly and check that the org is (still) registered, so a session
// never outlives its org's uninstall and never reaches another org's data.
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { decode, type JWT } from "next-auth/jwt";
import { adminSessionSecret } from "@/lib/auth/admin-auth-options";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";

export interface AdminSession {
  orgId: string;
  orgName: string | null;
  userId: string;
  name: string;
  region: string;
  canInstall: boolean;
  /** The org has a row in Org (installed); false only on the install page. */
  installed: boolean;
  /** How the audit log names this admin. */
  actor: string;
}

function sessionCookieName(): string {
  const url = env().NEXTAUTH_URL ?? env().PUBLIC_BASE_URL ?? "";
  return `${url.startsWith("https://") ? "__Secure-" : ""}next-auth.session-token`;
}

/** The session JWT from a cookie lookup (next-auth splits large cookies into .0, .1, …). */
export async function adminTokenFrom(cookie: (name: string) => string | undefined): Promise<JWT | null> {
  const name = sessionCookieName();
  let value = cookie(name);
  if (!value) {
    const chunks: string[] = [];
    for (let i = 0; i < 10; i++) {
      const chunk = cookie(`${name}.${i}`);
      if (chunk === undefined) break;
      chunks.push(chunk);
    }
    value = chunks.length > 0 ? chunks.join("") : undefined;
  }
  if (!value) return null;
  try {
    const token = await decode({ token: value, secret: adminSessionSecret() });
    return token && typeof token.orgId === "string" && typeof token.userId === "string" ? token : null;
  } catch {
    return null;
  }
}

async function sessionOf(token: JWT): Promise<AdminSession> {
  const prisma = await db();
  const org = await prisma.org.findUnique({ where: { id: token.orgId as string }, select: { id: true, name: true } });
  const name = String(token.name ?? token.userId);
  return {
    orgId: token.orgId as string,
    orgName: org?.name ?? (token.orgName as string | null) ?? null,
    userId: token.userId as string,
    name,
    region: typeof token.region === "string" ? token.region : "mypurecloud.com",
    canInstall: token.canInstall === true,
    installed: Boolean(org),
    actor: `admin:${name} (${String(token.userId)})`,
  };
}

/**
 * The Cookie header as name → value (RFC 6265 §5.4). A value whose
 * percent-escapes are malformed is kept as sent, like the `cookie` package
 * does: it then fails the session decode like any other bad token (401), never
 * a URIError. The first of two cookies with one name wins.
 */
export function cookiesOfHeader(header: string | null): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (jar.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // kept as sent
    }
    jar.set(name, value);
  }
  return jar;
}

/**
 * For pages: the admin of an installed org. Without a session → sign-in;
 * org not registered → the install wizard (if they may install) or a refusal.
 */
export async function requireAdmin(options: { allowUninstalled?: boolean } = {}): Promise<AdminSession> {
  const jar = await cookies();
  const token = await adminTokenFrom((name) => jar.get(name)?.value);
  if (!token) redirect("/admin/sign-in");
  const session = await sessionOf(token);
  if (!session.installed && !options.allowUninstalled) redirect(session.canInstall ? "/admin/install" : "/admin/refused?reason=not_installed");
  if (!session.installed && !session.canInstall) redirect("/admin/refused?reason=not_installed");
  return session;
}

/** For admin API routes: 401 without a session, 403 for a cross-site write or an org that is not installed. */
export async function requireAdminRequest(request: Request, options: { allowUninstalled?: boolean } = {}): Promise<AdminSession & { genesysAccessToken: string | null }> {
  const jar = cookiesOfHeader(request.headers.get("cookie"));
  const token = await adminTokenFrom((name) => jar.get(name));
  if (!token) throw new AppError("UNAUTHORIZED", "sign in at /admin first (admin session required)");
  if (request.method !== "GET" && request.method !== "HEAD") {
    // SameSite=Lax already keeps the cookie off cross-site posts; the Origin check closes the rest.
    const origin = request.headers.get("origin");
    const allowed = [new URL(request.url).origin, env().NEXTAUTH_URL && new URL(env().NEXTAUTH_URL!).origin, env().PUBLIC_BASE_URL && new URL(env().PUBLIC_BASE_URL!).origin];
    if (origin && !allowed.includes(origin)) throw new AppError("FORBIDDEN", "cross-site request refused");
  }
  const session = await sessionOf(token);
  if (!session.installed && !(options.allowUninstalled && session.canInstall)) {
    throw new AppError("FORBIDDEN", "Longrun is not installed for this organization; run the install wizard");
  }
  return { ...session, genesysAccessToken: typeof token.genesysAccessToken === "string" ? token.genesysAccessToken : null };
}
