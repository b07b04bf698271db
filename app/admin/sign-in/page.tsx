import type { ReactNode } from "react";
import { adminSignInConfigured } from "@/lib/auth/admin-auth-options";
import { adminPermission } from "@/lib/auth/admin-permissions";
import { genesysRegions } from "@/lib/orgs/create-org";
import { regionFromDesktop } from "@/lib/panel/genesys-region";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { SignInForm } from "@/app/admin/sign-in/sign-in-form";

export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const query = await searchParams;
  const { t } = await requestSpeech();
  const code = (chunks: ReactNode) => <code>{chunks}</code>;
  // Opened from AppFoundry / the Genesys admin UI: the launch parameters name the region.
  const launched = regionFromDesktop(one(query.gcHostOrigin), one(query.gcTargetEnv));
  return (
    <main className="admin center">
      <h1>{t("admin.title")}</h1>
      <p>{t.rich("signIn.intro", { permission: adminPermission, code })}</p>
      {adminSignInConfigured() ? (
        <SignInForm regions={[...genesysRegions]} initialRegion={launched ?? "mypurecloud.com"} autoStart={launched !== null} words={{ region: t("signIn.region"), button: t("signIn.button"), redirecting: t("signIn.redirecting") }} />
      ) : (
        <p className="error">{t.rich("signIn.notConfigured", { code })}</p>
      )}
    </main>
  );
}
