import { requireAdmin } from "@/lib/auth/admin-session";
import { installPermissions, installState, installSteps, widgetUrl } from "@/lib/genesys/install-steps";
import { env } from "@/lib/env";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { AdminShell } from "@/app/admin/admin-shell";
import { InstallWizard } from "@/app/admin/install/install-wizard";

export const dynamic = "force-dynamic";

export default async function InstallPage() {
  const session = await requireAdmin({ allowUninstalled: true });
  const { speech, t } = await requestSpeech();
  const state = await installState(session.orgId);
  const steps = installSteps.map((step) => ({ step, result: state[step] ?? null }));
  const base = env().PUBLIC_BASE_URL;
  return (
    <AdminShell session={session} active="install">
      <h1>{t("wizard.title")}</h1>
      <p>{t.rich("wizard.intro", { org: session.orgName ?? session.orgId, strong: (chunks) => <strong>{chunks}</strong> })}</p>
      <p className="muted">
        {t.rich("wizard.needs", { permissions: installPermissions.join(", "), url: base ? widgetUrl(base) : t("wizard.thisAddress"), code: (chunks) => <code>{chunks}</code> })}
      </p>
      {!session.canInstall && <p className="error">{t("wizard.lacksPermissions")}</p>}
      <InstallWizard initial={steps} installed={session.installed} confirmName={session.orgName ?? session.orgId} speech={{ locale: speech.locale, formatLocale: speech.formatLocale }} />
    </AdminShell>
  );
}
