import { cookies } from "next/headers";
import { adminTokenFrom, requireAdmin } from "@/lib/auth/admin-session";
import { readAdminSettings } from "@/lib/admin/admin-settings";
import { genesysPickers } from "@/lib/admin/genesys-pickers";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { AdminShell } from "@/app/admin/admin-shell";
import { SettingsForm } from "@/app/admin/settings/settings-form";
import { SigningSecrets } from "@/app/admin/settings/signing-secrets";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
  const view = await readAdminSettings(session.orgId);
  // The admin's own Genesys token lists what they may pick (their flows and queues), never the org's client.
  const jar = await cookies();
  const token = await adminTokenFrom((name) => jar.get(name)?.value);
  const lists = await genesysPickers(session.region, typeof token?.genesysAccessToken === "string" ? token.genesysAccessToken : null);
  const common = { none: t("admin.pickerNone"), unknown: t("admin.pickerUnknown", { id: "\u0000" }), unavailable: t("admin.pickerUnavailable", { reason: "\u0000" }), idLabel: t("admin.pickerId") };
  return (
    <AdminShell session={session} active="settings">
      <h1>{t("admin.navSettings")}</h1>
      <p className="muted">
        {view.genesysClientId
          ? t.rich("settings.intro", { client: view.genesysClientId, code: (chunks) => <code>{chunks}</code> })
          : t("settings.introNoClient")}
      </p>
      <SettingsForm
        speech={{ locale: speech.locale, formatLocale: speech.formatLocale }}
        initial={{ orchestratorUrl: view.orchestratorUrl, settings: view.settings, sourceCidrs: view.sourceCidrs }}
        pickers={{
          ...lists,
          flowLabels: { label: t("admin.flowPicker"), hint: t("admin.flowPickerHint"), ...common },
          queueLabels: { label: t("admin.queuePicker"), hint: t("admin.queuePickerHint"), ...common },
        }}
      />
      <SigningSecrets speech={{ locale: speech.locale, formatLocale: speech.formatLocale }} initial={view.signingSecrets.map((s) => ({ id: s.id, createdAt: s.createdAt.toISOString(), revokedAt: s.revokedAt?.toISOString() ?? null }))} />
    </AdminShell>
  );
}
