// Admin API routes: the usual wrapper (request id, errors, security headers)
// plus the admin session — never a data-action token.
import { publicRoute, type RouteContext } from "@/lib/http/api-route";
import { requireAdminRequest, type AdminSession } from "@/lib/auth/admin-session";
import { AppError } from "@/lib/errors/app-error";
import { baseUrlFor } from "@/lib/http/base-url";
import { installPlatform } from "@/lib/genesys/install-platform";
import type { InstallContext } from "@/lib/genesys/install-steps";

export type AdminContext<P> = RouteContext<P> & { admin: AdminSession & { genesysAccessToken: string | null } };

export function adminRoute<P = Record<string, never>>(handler: (ctx: AdminContext<P>) => Promise<Response>, options: { allowUninstalled?: boolean } = {}) {
  return publicRoute<P>(async (ctx) => handler({ ...ctx, admin: await requireAdminRequest(ctx.request, options) }));
}

/** What the wizard and uninstall run with: the admin's own Genesys token, in their region. */
export function installContextFor(ctx: AdminContext<unknown>): InstallContext {
  const token = ctx.admin.genesysAccessToken;
  if (!token) throw new AppError("UNAUTHORIZED", "the Genesys session has no token; sign out and sign in again");
  return {
    orgId: ctx.admin.orgId,
    orgName: ctx.admin.orgName,
    region: ctx.admin.region,
    userId: ctx.admin.userId,
    actor: ctx.admin.actor,
    publicBaseUrl: baseUrlFor(ctx.request),
    platform: installPlatform(ctx.admin.region, token),
    accessToken: token,
  };
}
