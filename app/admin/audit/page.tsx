import { requireAdmin } from "@/lib/auth/admin-session";
import { auditLog } from "@/lib/admin/admin-settings";
import { auditChanges } from "@/lib/admin/audit-changes";
import { auditActionWords, auditActorWords, knownAuditActions } from "@/lib/admin/admin-words";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { AdminShell } from "@/app/admin/admin-shell";
import { LocalTime } from "@/app/admin/local-time";

export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
  const params = await searchParams;
  const one = (key: string) => (typeof params[key] === "string" && params[key].trim() !== "" ? params[key].trim() : undefined);
  const action = knownAuditActions.find((a) => a === one("action"));
  const actor = one("actor")?.slice(0, 100);
  const filters = { ...(action ? { action } : {}), ...(actor ? { actor } : {}) };
  const page = await auditLog(session.orgId, { before: one("before"), limit: 50, ...filters });
  // The settings entry just before this page, so the last settings change on it reads as before → after too.
  const older = page.nextBefore ? (await auditLog(session.orgId, { before: page.nextBefore, limit: 20, action: "org.configured" })).entries : [];
  const changes = auditChanges(page.entries, older, speech, t);
  const keep = (extra: Record<string, string>) => `/admin/audit?${new URLSearchParams({ ...filters, ...extra })}`;
  return (
    <AdminShell session={session} active="audit">
      <h1>{t("admin.auditTitle")}</h1>
      <p className="muted">{t("admin.auditIntro")}</p>
      <form className="filters" method="get" action="/admin/audit" role="search">
        <label>
          {t("admin.filterAction")}
          <select name="action" defaultValue={action ?? ""}>
            <option value="">{t("admin.any")}</option>
            {knownAuditActions.map((a) => (
              <option key={a} value={a}>
                {auditActionWords(a, t)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("admin.filterActor")}
          <input name="actor" defaultValue={actor ?? ""} />
        </label>
        <span className="actions">
          <gux-button-slot accent="primary">
            <button type="submit">{t("admin.search")}</button>
          </gux-button-slot>
          <a href="/admin/audit">{t("admin.clear")}</a>
        </span>
      </form>
      <table data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col">{t("admin.colWhen")}</th>
            <th scope="col">{t("admin.colWho")}</th>
            <th scope="col">{t("admin.colWhat")}</th>
            <th scope="col">{t("admin.colChange")}</th>
          </tr>
        </thead>
        <tbody>
          {page.entries.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td><LocalTime iso={e.createdAt} locale={speech.formatLocale} /></td>
              <td>{auditActorWords(e.actor, t)}</td>
              <td>{auditActionWords(e.action, t)}</td>
              <td>
                <ul className="changes">
                  {(changes.get(e.id) ?? []).map((c, i) => (
                    <li key={i}>
                      {c.before !== null && c.after !== null
                        ? t("admin.changeFromTo", { field: c.field, before: c.before, after: c.after })
                        : c.after !== null
                          ? t("admin.changeSet", { field: c.field, after: c.after })
                          : t("admin.changeRemoved", { field: c.field, before: c.before ?? t("admin.none") })}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
          {page.entries.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">{t("admin.noAudit")}</td>
            </tr>
          )}
        </tbody>
      </table>
      {page.nextBefore && <a href={keep({ before: page.nextBefore })}>{t("admin.older")} →</a>}
    </AdminShell>
  );
}
