import { orgTaskTypeNames } from "@/lib/admin/org-task-type-names";
import { requireAdmin } from "@/lib/auth/admin-session";
import { searchWorkflows, workflowSearchSchema } from "@/lib/admin/workflow-search";
import { workflowStatuses, type TaskStatus, type WorkflowStatus } from "@/lib/domain/workflow-machine";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { badgeAccent, deliveryFailureWords, taskTypeWords, workflowTone } from "@/lib/panel/status-words";
import { AdminShell } from "@/app/admin/admin-shell";
import { LocalDateTimeInput, LocalTime } from "@/app/admin/local-time";
import { fieldProblems } from "@/app/admin/format";

export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function DashboardPage({ searchParams }: { searchParams: Search }) {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
  const names = await orgTaskTypeNames(session.orgId, speech.locale);
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = workflowSearchSchema.safeParse(raw);
  const result = parsed.success ? await searchWorkflows(session.orgId, parsed.data) : null;
  const keep = (extra: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const key of ["status", "taskType", "customerId", "conversationId", "from", "to"]) if (raw[key]) params.set(key, String(raw[key]));
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return `/admin?${params}`;
  };
  const labels: Record<string, string> = { status: t("admin.filterStatus"), taskType: t("admin.filterTaskType"), customerId: t("admin.filterCustomer"), conversationId: t("admin.filterConversation"), from: t("admin.filterFrom"), to: t("admin.filterTo") };
  return (
    <AdminShell session={session} active="dashboard">
      <h1>{t("admin.workflowsTitle")}</h1>
      <form className="filters" method="get" action="/admin" role="search">
        <label>
          {t("admin.filterStatus")}
          <select name="status" defaultValue={raw.status ?? ""}>
            <option value="">{t("admin.any")}</option>
            {workflowStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`status.workflow.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("admin.filterTaskType")}
          <input name="taskType" defaultValue={raw.taskType ?? ""} />
        </label>
        <label>
          {t("admin.filterCustomer")}
          <input name="customerId" defaultValue={raw.customerId ?? ""} />
        </label>
        <label>
          {t("admin.filterConversation")}
          <input name="conversationId" defaultValue={raw.conversationId ?? ""} />
        </label>
        <LocalDateTimeInput name="from" label={t("admin.filterFrom")} value={raw.from} />
        <LocalDateTimeInput name="to" label={t("admin.filterTo")} value={raw.to} />
        <span className="actions">
          <gux-button-slot accent="primary">
            <button type="submit">{t("admin.search")}</button>
          </gux-button-slot>
          <a href="/admin">{t("admin.clear")}</a>
        </span>
      </form>
      {!parsed.success && (
        <gux-inline-alert accent="error" role="alert" data-testid="filter-error">
          {fieldProblems(parsed.error, labels, t).map((p) => t("admin.filterInvalid", p)).join(" ")}
        </gux-inline-alert>
      )}
      {result && (
        <>
          <table data-testid="workflow-results">
            <thead>
              <tr>
                <th scope="col">{t("admin.colCreated")}</th>
                <th scope="col">{t("admin.colWorkflow")}</th>
                <th scope="col">{t("admin.colCustomer")}</th>
                <th scope="col">{t("admin.colConversation")}</th>
                <th scope="col">{t("admin.colStatus")}</th>
                <th scope="col">{t("admin.colTask")}</th>
                <th scope="col">{t("admin.colDeadline")}</th>
              </tr>
            </thead>
            <tbody>
              {result.workflows.map((w) => {
                const status = w.status as WorkflowStatus;
                return (
                  <tr key={w.id} data-workflow-id={w.id}>
                    <td><LocalTime iso={w.createdAt.toISOString()} locale={speech.formatLocale} /></td>
                    <td>
                      <a href={`/admin/workflows/${w.id}`}>
                        <code>{w.id.slice(0, 8)}…</code>
                      </a>
                    </td>
                    <td>{w.customerId}</td>
                    <td>{w.conversationId ? <code>{w.conversationId.slice(0, 8)}…</code> : t("admin.none")}</td>
                    <td>
                      <gux-badge accent={badgeAccent[workflowTone[status]]} data-status={status}>{t(`status.workflow.${status}`)}</gux-badge>
                      {w.deliveryFailure ? (
                        <p className="delivery-failure" data-testid="delivery-failure">
                          <gux-badge accent="error">{t(`status.failure.${w.deliveryFailure.kind}`)}</gux-badge> {deliveryFailureWords(w.deliveryFailure, t)}{" "}
                          <a href="/admin/dead-letters">{t("admin.navDeadLetters")}</a>
                        </p>
                      ) : null}
                    </td>
                    <td>{w.taskType ? t("admin.taskWithStatus", { task: taskTypeWords(w.taskType, names), status: t(`status.task.${w.taskStatus as TaskStatus}`) }) : t("admin.none")}</td>
                    <td>{w.deadlineAt ? <LocalTime iso={w.deadlineAt.toISOString()} locale={speech.formatLocale} /> : t("admin.none")}</td>
                  </tr>
                );
              })}
              {result.workflows.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    {t("admin.noWorkflow")}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <p>
            {raw.cursor && <a href={keep({})}>{t("admin.firstPage")}</a>} {result.nextCursor && <a href={keep({ cursor: result.nextCursor })} data-testid="next-page">{t("admin.nextPage")} →</a>}
          </p>
        </>
      )}
    </AdminShell>
  );
}
