import { orgTaskTypeNames } from "@/lib/admin/org-task-type-names";
import { requireAdmin } from "@/lib/auth/admin-session";
import { deadLetterContexts } from "@/lib/admin/dead-letter-context";
import { kindWords } from "@/lib/admin/admin-words";
import { listDeadLetters } from "@/lib/outbox/dead-letters";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { shortError } from "@/lib/panel/panel-glance";
import { taskTypeWords } from "@/lib/panel/status-words";
import { AdminShell } from "@/app/admin/admin-shell";
import { LocalTime } from "@/app/admin/local-time";
import { RedriveButton } from "@/app/admin/dead-letters/redrive-button";

export const dynamic = "force-dynamic";

export default async function DeadLettersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
  const names = await orgTaskTypeNames(session.orgId, speech.locale);
  const before = (await searchParams).before;
  const page = await listDeadLetters(session.orgId, { limit: 50, ...(typeof before === "string" && !Number.isNaN(Date.parse(before)) ? { before } : {}) });
  const contexts = await deadLetterContexts(session.orgId, page.dead_letters);
  const labels = { redrive: t("admin.redrive"), redriving: t("admin.redriving"), redriven: t("admin.redriven", { status: "\u0000" }), failed: t("admin.redriveFailed", { message: "\u0000" }), delivered: t("status.delivery.DELIVERED"), dead: t("status.delivery.DEAD"), pending: t("status.delivery.PENDING") };
  return (
    <AdminShell session={session} active="dead-letters">
      <h1>{t("admin.deadLettersTitle")}</h1>
      <p className="muted">{t("admin.deadLettersIntro")}</p>
      <table data-testid="dead-letters">
        <thead>
          <tr>
            <th scope="col">{t("admin.colKind")}</th>
            <th scope="col">{t("admin.colCustomer")}</th>
            <th scope="col">{t("admin.colTask")}</th>
            <th scope="col">{t("admin.colProcess")}</th>
            <th scope="col">{t("admin.colAttempts")}</th>
            <th scope="col">{t("admin.colLastError")}</th>
            <th scope="col">{t("admin.colFailed")}</th>
            <th scope="col"><span className="lr-sr-only">{t("admin.redrive")}</span></th>
          </tr>
        </thead>
        <tbody>
          {page.dead_letters.map((d) => {
            const context = d.workflow_id ? contexts.get(`${d.workflow_id}:${d.task_id ?? ""}`) : undefined;
            const error = d.last_error ? shortError(d.last_error, 100) : null;
            return (
              <tr key={d.id} data-dead-letter-id={d.id}>
                <td>{kindWords(d.kind, t)}</td>
                <td>{d.workflow_id ? <a href={`/admin/workflows/${d.workflow_id}`}>{context?.customerId ?? d.workflow_id.slice(0, 8)}</a> : t("admin.none")}</td>
                <td>{context?.taskType ? taskTypeWords(context.taskType, names) : t("admin.none")}</td>
                <td>{context?.process ?? t("admin.none")}</td>
                <td>
                  {d.attempts}
                  {d.automatic_redrives > 0 ? <span className="muted"> ({t("admin.automaticRedrives", { count: d.automatic_redrives })})</span> : null}
                </td>
                <td>
                  {error ? (
                    <details className="error-text">
                      <summary>{d.last_status ? `${d.last_status} · ` : ""}{error.short}</summary>
                      {error.shortened ? <pre>{error.full}</pre> : null}
                    </details>
                  ) : (
                    t("admin.none")
                  )}
                </td>
                <td><LocalTime iso={d.updated_at} locale={speech.formatLocale} /></td>
                <td>
                  <RedriveButton id={d.id} labels={labels} />
                </td>
              </tr>
            );
          })}
          {page.dead_letters.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">{t("admin.noDeadLetters")}</td>
            </tr>
          )}
        </tbody>
      </table>
      {page.next_cursor && <a href={`/admin/dead-letters?before=${encodeURIComponent(page.next_cursor)}`}>{t("admin.older")} →</a>}
    </AdminShell>
  );
}
