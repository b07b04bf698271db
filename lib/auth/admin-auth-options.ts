// next-auth (v4) for /admin: a custom OAuth provider for Genesys Cloud
// (authorization code grant with PKCE), built per request for the region the
// admin chose at sign-in. The admin's Genesys token stays server-side in the
// session JWT, which next-auth encrypts (A256GCM); the browser never sees it.
import { createHash } from "node:crypto";
import type { AuthOptions } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { holdsPermission, adminPermission, missingPermissions } from "@/lib/auth/admin-permissions";
import { db } from "@/lib/db/client";
import { encryptionKeyBase64, env } from "@/lib/env";
import { appFoundry } from "@/lib/genesys/app-foundry";
import { installPermissions } from "@/lib/genesys/install-steps";
import { log } from "@/lib/log";
import { genesysRegions } from "@/lib/orgs/create-org";

/** Set by the sign-in page; read when next-auth starts the login and again on the callback. */
export const adminRegionCookie = "longrun_admin_region";
export const adminSessionMaxAgeSeconds = 8 * 3600;

export interface GenesysProfile {
  id: string;
  name?: string;
  email?: string;
  organization?: { id: string; name?: string };
  authorization?: { permissions?: string[] };
  /**
   * The user's own Genesys Cloud language ("de", "en-us", "ja"…): UserMe
   * `languagePreference`, "preferred language by the user", on GET
   * /api/v2/users/me (purecloud-platform-client-v2 index.d.ts `UserMe`;
   * MyPureCloud/platform-client-sdk-java build/docs/UserMe.md). The admin
   * console speaks it (lib/i18n/request-speech.ts).
   */
  languagePreference?: string;
}

export function adminRegion(value: string | null | undefined): string {
  return genesysRegions.find((r) => r === value) ?? "mypurecloud.com";
}

export function genesysHosts(region: string): { login: string; api: string } {
  return {
    login: (env().GENESYS_LOGIN_BASE_URL ?? `https://login.${region}`).replace(/\/+$/, ""),
    api: (env().GENESYS_API_BASE_URL ?? `https://api.${region}`).replace(/\/+$/, ""),
  };
}

/** NEXTAUTH_SECRET; a developer's embedded setup derives one from its generated encryption key. */
export function adminSessionSecret(): string {
  const configured = env().NEXTAUTH_SECRET;
  if (configured) return configured;
  if (env().NODE_ENV === "production") throw new Error("NEXTAUTH_SECRET must be set in production for /admin sign-in");
  return createHash("sha256").update(`longrun-admin-session:${encryptionKeyBase64()}`).digest("base64url");
}

export function adminSignInConfigured(): boolean {
  return Boolean(env().GENESYS_ADMIN_CLIENT_ID && env().GENESYS_ADMIN_CLIENT_SECRET);
}

function genesysProvider(region: string): OAuthConfig<GenesysProfile> {
  const { login, api } = genesysHosts(region);
  const userinfoUrl = `${api}/api/v2/users/me?expand=organization,authorization`;
  return {
    id: "genesys",
    name: "Genesys Cloud",
    type: "oauth",
    clientId: env().GENESYS_ADMIN_CLIENT_ID ?? "not-configured",
    clientSecret: env().GENESYS_ADMIN_CLIENT_SECRET ?? "not-configured",
    authorization: { url: `${login}/oauth/authorize`, params: { response_type: "code", scope: "" } },
    token: `${login}/oauth/token`,
    userinfo: {
      url: userinfoUrl,
      // Genesys wants the expand list on the query; openid-client would drop it.
      async request({ tokens }) {
        const response = await fetch(userinfoUrl, { headers: { authorization: `Bearer ${tokens.access_token}`, accept: "application/json" } });
        if (!response.ok) throw new Error(`Genesys users/me answered ${response.status}`);
        return (await response.json()) as GenesysProfile & Record<string, unknown>;
      },
    },
    checks: ["pkce", "state"],
    idToken: false,
    profile: (profile) => ({ id: profile.id, name: profile.name ?? profile.email ?? profile.id, email: profile.email ?? null }),
  };
}

export type AdminRefusal = "not_admin" | "not_installed" | "no_organization" | "no_app_permission";

/** Whether a Genesys user may sign in, and whether they may install (register) their org. */
export async function admissionOf(profile: GenesysProfile): Promise<{ ok: true; installed: boolean; canInstall: boolean } | { ok: false; reason: AdminRefusal }> {
  const orgId = profile.organization?.id;
  if (!orgId || !/^[0-9a-f-]{36}$/i.test(orgId)) return { ok: false, reason: "no_organization" };
  const permissions = profile.authorization?.permissions ?? [];
  if (!holdsPermission(permissions, adminPermission)) return { ok: false, reason: "not_admin" };
  const canInstall = missingPermissions(permissions, installPermissions).length === 0;
  const prisma = await db();
  const installed = Boolean(await prisma.org.findUnique({ where: { id: orgId }, select: { id: true } }));
  // Only an org that installed Longrun gets in — except an admin who can install it, who reaches the wizard alone.
  if (!installed && !canInstall) return { ok: false, reason: "not_installed" };
  // AppFoundry: an installed app is used only by people holding its view permission (premium-app
  // wizard config.js premiumAppViewPermission); the installer gets it with the wizard's role.
  const app = appFoundry();
  if (installed && app.on && !holdsPermission(permissions, app.viewPermission)) return { ok: false, reason: "no_app_permission" };
  return { ok: true, installed, canInstall };
}

export function adminAuthOptions(region: string): AuthOptions {
  // next-auth reads NEXTAUTH_URL from the environment itself; PUBLIC_BASE_URL is the same address.
  if (!process.env.NEXTAUTH_URL && env().PUBLIC_BASE_URL) process.env.NEXTAUTH_URL = env().PUBLIC_BASE_URL;
  return {
    providers: [genesysProvider(region)],
    secret: adminSessionSecret(),
    session: { strategy: "jwt", maxAge: adminSessionMaxAgeSeconds },
    pages: { signIn: "/admin/sign-in", error: "/admin/refused", signOut: "/admin/sign-in" },
    callbacks: {
      async signIn({ profile }) {
        const admission = await admissionOf(profile as GenesysProfile);
        if (!admission.ok) {
          log.warn("admin.sign_in_refused", { reason: admission.reason, orgId: (profile as GenesysProfile).organization?.id ?? null });
          return `/admin/refused?reason=${admission.reason}`;
        }
        return true;
      },
      async jwt({ token, account, profile }) {
        if (account && profile) {
          const p = profile as GenesysProfile;
          const admission = await admissionOf(p);
          token.orgId = p.organization!.id;
          token.orgName = p.organization?.name ?? null;
          token.userId = p.id;
          token.name = p.name ?? p.email ?? p.id;
          token.region = region;
          token.canInstall = admission.ok && admission.canInstall;
          token.language = typeof p.languagePreference === "string" && p.languagePreference.length <= 35 ? p.languagePreference : null;
          token.genesysAccessToken = account.access_token ?? null;
          token.genesysTokenExpiresAt = account.expires_at ?? null;
        }
        return token;
      },
      async session({ session, token }) {
        // What the browser may see: no Genesys token.
        return { ...session, admin: { orgId: token.orgId, orgName: token.orgName, userId: token.userId, name: token.name, region: token.region } };
      },
    },
    logger: {
      error: (code, metadata) => log.error("admin.auth_error", { code, message: metadata instanceof Error ? metadata.message : String((metadata as { message?: string })?.message ?? "") }),
      warn: (code) => log.warn("admin.auth_warning", { code }),
      debug: () => undefined,
    },
  };
}
