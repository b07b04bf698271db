import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/admin-session";
import { workflowDetail } from "@/lib/admin/workflow-search";
import { AppError } from "@/lib/errors/app-error";
import { AdminShell } from "@/app/admin/admin-shell";
import { utc } from "@/app/admin/format";

export const dynamic = "force-dynamic";

export default async function WorkflowPage({ params }: { params: Promise<{ id: string }> }) {
  const session = await requireAdmin();
  const { id } = await params;
  let detail: Awaited<ReturnType<typeof workflowDetail>>;
  try {
    detail = await workflowDetail(session.orgId, id);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
  const { workflow, tasks, events, deliveries } = detail;
  return (
    <AdminShell session={session} active="dashboard">
      <p>
        <a href="/admin">← Workflows</a>
      </p>
      <h1>
        Workflow <code>{workflow.id}</code>
      </h1>
      <p>
        <span className={`badge ${workflow.status}`}>{workflow.status}</span> version {workflow.version} · customer {workflow.customerId} · conversation{" "}
        {workflow.conversationId ?? "—"} · session {workflow.sessionState} · created {utc(workflow.createdAt)}
      </p>
      <h2>Tasks</h2>
      <table>
        <thead>
          <tr>
            <th>Task</th>
            <th>Type</th>
            <th>Status</th>
            <th>Deadline</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id}>
              <td>
                <code>{t.id.slice(0, 8)}…</code>
              </td>
              <td>{t.type}</td>
              <td>
                <span className={`badge ${t.status}`}>{t.status}</span>
                {t.lateResult ? " (late result)" : ""}
              </td>
              <td>{utc(t.deadlineAt)}</td>
              <td>{t.resultStatus ?? t.failureReason ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Event history</h2>
      <table data-testid="event-history">
        <thead>
          <tr>
            <th>#</th>
            <th>Time</th>
            <th>Event</th>
            <th>From → to</th>
            <th>Version</th>
            <th>Actor</th>
            <th>Request</th>
            <th>Data</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id.toString()}>
              <td>{e.id.toString()}</td>
              <td>{utc(e.createdAt)}</td>
              <td>{e.type}</td>
              <td>
                {e.fromStatus ?? "—"} → {e.toStatus ?? "—"}
              </td>
              <td>{e.version}</td>
              <td>{e.actor}</td>
              <td>
                <code>{e.requestId ?? "—"}</code>
              </td>
              <td>
                <pre>{e.data ? JSON.stringify(e.data) : ""}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Deliveries</h2>
      <table>
        <thead>
          <tr>
            <th>Kind</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td>{d.kind}</td>
              <td>
                <span className={`badge ${d.status}`}>{d.status}</span>
              </td>
              <td>{d.attempts}</td>
              <td>{d.lastError ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminShell>
  );
}
