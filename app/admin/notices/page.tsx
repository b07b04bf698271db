import { requireAdmin } from "@/lib/auth/admin-session";
import { listNotices } from "@/lib/notices/customer-notices";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { AdminShell } from "@/app/admin/admin-shell";
import { LocalTime } from "@/app/admin/local-time";
import { ResolveNoticeForm } from "@/app/admin/notices/resolve-notice-form";

export const dynamic = "force-dynamic";

export default async function NoticesPage() {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
  const formSpeech = { locale: speech.locale, formatLocale: speech.formatLocale };
  const [open, recent] = await Promise.all([listNotices(session.orgId, { status: "OPEN" }), listNotices(session.orgId, { limit: 50 })]);
  const closed = recent.filter((n) => n.status !== "OPEN");
  return (
    <AdminShell session={session} active="notices">
      <h1>{t("admin.navNotices")}</h1>
      <p className="muted">{t("notices.intro")}</p>
      <table data-testid="open-notices">
        <thead>
          <tr>
            <th scope="col">{t("notices.colSince")}</th>
            <th scope="col">{t("notices.colCustomer")}</th>
            <th scope="col">{t("notices.colMessage")}</th>
            <th scope="col">{t("notices.colReason")}</th>
            <th scope="col">{t("notices.colWorkflow")}</th>
            <th scope="col">{t("notices.colResolve")}</th>
          </tr>
        </thead>
        <tbody>
          {open.map((n) => (
            <tr key={n.id} data-notice-id={n.id}>
              <td>
                <LocalTime iso={n.created_at} locale={speech.formatLocale} />
              </td>
              <td>
                {n.customer_id}
                {n.conversation_id ? <div className="muted">{t("notices.conversation", { id: n.conversation_id.slice(0, 8) })}</div> : null}
              </td>
              <td>{n.message}</td>
              <td>{n.reason}</td>
              <td>
                <a href={`/admin/workflows/${n.workflow_id}`}>
                  <code>{n.workflow_id.slice(0, 8)}…</code>
                </a>
              </td>
              <td>
                <ResolveNoticeForm id={n.id} speech={formSpeech} />
              </td>
            </tr>
          ))}
          {open.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {t("notices.noneOpen")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h2>{t("notices.recent")}</h2>
      <table data-testid="closed-notices">
        <thead>
          <tr>
            <th scope="col">{t("notices.colWhen")}</th>
            <th scope="col">{t("notices.colCustomer")}</th>
            <th scope="col">{t("notices.colStatus")}</th>
            <th scope="col">{t("notices.colHow")}</th>
            <th scope="col">{t("notices.colComment")}</th>
          </tr>
        </thead>
        <tbody>
          {closed.map((n) => (
            <tr key={n.id} data-notice-id={n.id}>
              <td>
                <LocalTime iso={n.resolved_at ?? n.created_at} locale={speech.formatLocale} />
              </td>
              <td>{n.customer_id}</td>
              <td>
                <span className={`badge ${n.status}`}>{n.status === "SENT" ? t("notices.sent") : t("notices.resolved")}</span>
              </td>
              <td>
                {n.status === "SENT"
                  ? t(n.channel === "sms" ? "notices.viaSms" : "notices.viaEmail", { to: n.recipient ?? t("admin.none") })
                  : t("notices.by", { who: (n.resolved_by ?? t("admin.none")).replace(/^admin:/, "").replace(/\s*\(.*\)$/, "") })}
              </td>
              <td>{n.status === "SENT" ? n.message : n.resolution}</td>
            </tr>
          ))}
          {closed.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t("notices.noneYet")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </AdminShell>
  );
}
