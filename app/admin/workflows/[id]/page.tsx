import { orgTaskTypeNames } from "@/lib/admin/org-task-type-names";
import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/admin-session";
import { workflowDetail } from "@/lib/admin/workflow-search";
import type { TaskStatus, WorkflowStatus } from "@/lib/domain/workflow-machine";
import { AppError } from "@/lib/errors/app-error";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { resultFields, shortError } from "@/lib/panel/panel-glance";
import { actorWords, badgeAccent, deliveryFailureWords, eventWords, taskTypeWords, workflowTone } from "@/lib/panel/status-words";
import type { Translator } from "@/lib/i18n/messages";
import { deliveryStatusWords, kindWords } from "@/lib/admin/admin-words";
import { AdminShell } from "@/app/admin/admin-shell";
import { LocalTime } from "@/app/admin/local-time";
import { workflowStepHistory } from "@/lib/admin/step-history";
import { historyRows } from "@/lib/admin/history-rows";
import { StepHistory } from "@/app/admin/workflows/[id]/step-history";

export const dynamic = "force-dynamic";

const workflowStatusSet = new Set<string>(["INITIATED", "PENDING", "COMPLETED", "FAILED", "TIMED_OUT", "ESCALATED", "CALLBACK_SCHEDULED", "NOTIFIED", "CANCELLED"]);

function statusWords(status: string | null, t: Translator): string {
  return status && workflowStatusSet.has(status) ? t(`status.workflow.${status as WorkflowStatus}`) : (status ?? t("admin.none"));
}

type HistoryEventRow = Awaited<ReturnType<typeof workflowDetail>>["events"][number];

/** An audit row as the panel's words read it. */
function panelEventOf(e: HistoryEventRow) {
  const data = e.data !== null && typeof e.data === "object" && !Array.isArray(e.data) ? (e.data as Record<string, unknown>) : null;
  return { id: e.id.toString(), type: e.type, from_status: e.fromStatus, to_status: e.toStatus, actor: e.actor, created_at: e.createdAt.toISOString(), data };
}

export default async function WorkflowPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
  const names = await orgTaskTypeNames(session.orgId, speech.locale);
  const { id } = await params;
  const onlyChanges = (await searchParams).history === "changes";
  let detail: Awaited<ReturnType<typeof workflowDetail>>;
  try {
    detail = await workflowDetail(session.orgId, id);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
  const { workflow, tasks, events, deliveries, deliveryFailure } = detail;
  const process = await workflowStepHistory(workflow, tasks, events);
  const status = workflow.status as WorkflowStatus;
  const shown = onlyChanges ? events.filter((e) => e.fromStatus !== e.toStatus) : events;
  return (
    <AdminShell session={session} active="dashboard">
      <p>
        <a href="/admin">← {t("admin.backToWorkflows")}</a>
      </p>
      <h1>{t("admin.workflowTitle", { id: workflow.id.slice(0, 8) })}</h1>
      <p className="facts">
        <gux-badge accent={badgeAccent[workflowTone[status]]}>{t(`status.workflow.${status}`)}</gux-badge>{" "}
        {t("admin.workflowFacts", { customer: workflow.customerId, conversation: workflow.conversationId ?? t("admin.none"), created: "\u0000" }).split("\u0000")[0]}
        <LocalTime iso={workflow.createdAt.toISOString()} locale={speech.formatLocale} />
        {" · "}
        {workflow.sessionState === "ENDED" ? t("admin.sessionEnded") : t("admin.sessionActive")}
        {" · "}
        <span className="muted">{t("admin.version", { version: workflow.version })}</span>
      </p>
      <p className="muted"><code>{workflow.id}</code></p>
      {deliveryFailure ? (
        <p className="delivery-failure" data-testid="delivery-failure">
          <gux-badge accent="error">{t(`status.failure.${deliveryFailure.kind}`)}</gux-badge> {deliveryFailureWords(deliveryFailure, t)}{" "}
          <a href="/admin/dead-letters">{t("admin.navDeadLetters")}</a>
        </p>
      ) : null}
      {process ? <StepHistory process={process} speech={speech} t={t} /> : null}

      <h2>{t("admin.tasksTitle")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("admin.colType")}</th>
            <th scope="col">{t("admin.colStatus")}</th>
            <th scope="col">{t("admin.colDeadline")}</th>
            <th scope="col">{t("admin.colResult")}</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => {
            const error = task.failureReason ? shortError(task.failureReason) : null;
            return (
              <tr key={task.id}>
                <td>{taskTypeWords(task.type, names)}</td>
                <td>
                  {t(`status.task.${task.status as TaskStatus}`)}
                  {task.lateResult ? ` (${t("admin.lateResult")})` : ""}
                </td>
                <td><LocalTime iso={task.deadlineAt.toISOString()} locale={speech.formatLocale} /></td>
                <td>
                  {error ? (
                    <span title={error.shortened ? error.full : undefined}>{error.short}</span>
                  ) : task.status === "SUCCEEDED" ? (
                    t("card.resultSuccess")
                  ) : (
                    t("admin.none")
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h2>{t("admin.historyTitle")}</h2>
      <form method="get" className="filters" role="search">
        <label>
          {t("admin.historyFilter")}
          <select name="history" defaultValue={onlyChanges ? "changes" : "all"}>
            <option value="all">{t("admin.historyAll")}</option>
            <option value="changes">{t("admin.historyChanges")}</option>
          </select>
        </label>
        <span className="actions">
          <gux-button-slot accent="secondary">
            <button type="submit">{t("admin.search")}</button>
          </gux-button-slot>
        </span>
      </form>
      <table data-testid="event-history">
        <thead>
          <tr>
            <th scope="col">{t("admin.colTime")}</th>
            <th scope="col">{t("admin.colWhat")}</th>
            <th scope="col">{t("admin.colChange")}</th>
            <th scope="col">{t("admin.colWho")}</th>
            <th scope="col">{t("admin.colDetails")}</th>
          </tr>
        </thead>
        <tbody>
          {historyRows(shown).map((row) => {
            if (row.kind === "heartbeats") {
              const last = row.latest.createdAt.toISOString();
              // The time sits inside the sentence where each language puts it.
              const [before, after] = (row.progress ? t("admin.heartbeatRunProgress", { count: row.count, message: row.progress, time: "\u0000" }) : t("admin.heartbeatRun", { count: row.count, time: "\u0000" })).split("\u0000");
              return (
                <tr key={row.latest.id.toString()} data-event-type="HEARTBEATS" data-count={row.count}>
                  <td><LocalTime iso={last} locale={speech.formatLocale} /></td>
                  <td colSpan={4}>
                    <details className="heartbeat-run" data-testid="heartbeat-run">
                      <summary>
                        {before}
                        <LocalTime iso={last} locale={speech.formatLocale} />
                        {after}
                      </summary>
                      <ol aria-label={t("admin.heartbeatRunEach")}>
                        {row.events.map((e) => (
                          <li key={e.id.toString()}>
                            <LocalTime iso={e.createdAt.toISOString()} locale={speech.formatLocale} /> {eventWords(panelEventOf(e), t, names)}
                          </li>
                        ))}
                      </ol>
                    </details>
                  </td>
                </tr>
              );
            }
            const e = row.event;
            const panelEvent = panelEventOf(e);
            const data = panelEvent.data;
            return (
              <tr key={e.id.toString()} data-event-type={e.type}>
                <td><LocalTime iso={e.createdAt.toISOString()} locale={speech.formatLocale} /></td>
                <td>{eventWords(panelEvent, t, names)}</td>
                <td>{e.fromStatus === e.toStatus ? t("admin.none") : t("admin.statusChange", { from: statusWords(e.fromStatus, t), to: statusWords(e.toStatus, t) })}</td>
                <td>{actorWords(e.actor, t)}</td>
                <td>
                  <dl className="pairs">
                    {resultFields(data, speech, t).map((f) => (
                      <div key={f.key}>
                        <dt>{f.label}</dt>
                        <dd>{f.value}</dd>
                      </div>
                    ))}
                  </dl>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h2>{t("admin.deliveriesTitle")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("admin.colKind")}</th>
            <th scope="col">{t("admin.colStatus")}</th>
            <th scope="col">{t("admin.colAttempts")}</th>
            <th scope="col">{t("admin.colLastError")}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td>{kindWords(d.kind, t)}</td>
              <td>{deliveryStatusWords(d.status, t)}</td>
              <td>{d.attempts}</td>
              <td>{d.lastError ? shortError(d.lastError).short : t("admin.none")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminShell>
  );
}

