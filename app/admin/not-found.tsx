import { requireAdmin } from "@/lib/auth/admin-session";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { AdminShell } from "@/app/admin/admin-shell";

/** An admin address that leads nowhere (or to another org's workflow): inside the console, with a way back. */
export default async function AdminNotFound() {
  const session = await requireAdmin({ allowUninstalled: true });
  const { t } = await requestSpeech();
  return (
    <AdminShell session={session} active={null}>
      <h1>{t("admin.notFoundTitle")}</h1>
      <p>{t("admin.notFoundBody")}</p>
      <p>
        <a href="/admin">{t("notFound.adminHome")}</a>
      </p>
    </AdminShell>
  );
}
