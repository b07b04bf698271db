import { adminPermission } from "@/lib/auth/admin-permissions";
import { appFoundry } from "@/lib/genesys/app-foundry";
import { installPermissions } from "@/lib/genesys/install-steps";
import { requestSpeech } from "@/lib/i18n/request-speech";

export const dynamic = "force-dynamic";

/** next-auth's error codes and Longrun's own refusals (lib/auth/admin-auth-options.ts AdminRefusal) → what to read. */
const reasons = {
  not_admin: ["refused.notAdminTitle", "refused.notAdminBody"],
  not_installed: ["refused.notInstalledTitle", "refused.notInstalledBody"],
  no_app_permission: ["refused.noAppPermissionTitle", "refused.noAppPermissionBody"],
  no_organization: ["refused.noOrganizationTitle", "refused.noOrganizationBody"],
  OAuthCallback: ["refused.failedTitle", "refused.callbackBody"],
  OAuthSignin: ["refused.failedTitle", "refused.signinBody"],
  AccessDenied: ["refused.deniedTitle", "refused.deniedBody"],
} as const;

export default async function RefusedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const { t } = await requestSpeech();
  const key = String(query.reason ?? query.error ?? "");
  const [title, body] = Object.hasOwn(reasons, key) ? reasons[key as keyof typeof reasons] : (["refused.otherTitle", "refused.otherBody"] as const);
  const values = { permission: key === "no_app_permission" ? appFoundry().viewPermission : adminPermission, permissions: installPermissions.join(", ") };
  return (
    <main className="admin center">
      <h1 data-testid="refusal-title">{t(title)}</h1>
      <p className="error">{t(body, values)}</p>
      <p>
        <a href="/admin/sign-in">{t("refused.anotherAccount")}</a>
      </p>
    </main>
  );
}
