import { requireAdmin } from "@/lib/auth/admin-session";
import { searchWorkflows, workflowSearchSchema } from "@/lib/admin/workflow-search";
import { workflowStatuses } from "@/lib/domain/workflow-machine";
import { AdminShell } from "@/app/admin/admin-shell";
import { utc } from "@/app/admin/format";

export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function DashboardPage({ searchParams }: { searchParams: Search }) {
  const session = await requireAdmin();
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = workflowSearchSchema.safeParse(raw);
  const result = parsed.success ? await searchWorkflows(session.orgId, parsed.data) : null;
  const keep = (extra: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const key of ["status", "taskType", "customerId", "conversationId", "from", "to"]) if (raw[key]) params.set(key, String(raw[key]));
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return `/admin?${params}`;
  };
  return (
    <AdminShell session={session} active="dashboard">
      <h1>Workflows</h1>
      <form className="filters" method="get" action="/admin" role="search">
        <label>
          Status
          <select name="status" defaultValue={raw.status ?? ""}>
            <option value="">any</option>
            {workflowStatuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Task type
          <input name="taskType" defaultValue={raw.taskType ?? ""} placeholder="FRAUD_VERIFICATION" />
        </label>
        <label>
          Customer id
          <input name="customerId" defaultValue={raw.customerId ?? ""} />
        </label>
        <label>
          Conversation id
          <input name="conversationId" defaultValue={raw.conversationId ?? ""} />
        </label>
        <label>
          From (UTC)
          <input type="datetime-local" name="from" defaultValue={raw.from ?? ""} />
        </label>
        <label>
          To (UTC)
          <input type="datetime-local" name="to" defaultValue={raw.to ?? ""} />
        </label>
        <span>
          <button type="submit">Search</button> <a href="/admin">Clear</a>
        </span>
      </form>
      {!parsed.success && <p className="error">{parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}</p>}
      {result && (
        <>
          <table data-testid="workflow-results">
            <thead>
              <tr>
                <th>Created</th>
                <th>Workflow</th>
                <th>Customer</th>
                <th>Conversation</th>
                <th>Status</th>
                <th>Task</th>
                <th>Deadline</th>
              </tr>
            </thead>
            <tbody>
              {result.workflows.map((w) => (
                <tr key={w.id} data-workflow-id={w.id}>
                  <td>{utc(w.createdAt)}</td>
                  <td>
                    <a href={`/admin/workflows/${w.id}`}>
                      <code>{w.id.slice(0, 8)}…</code>
                    </a>
                  </td>
                  <td>{w.customerId}</td>
                  <td>{w.conversationId ?? "—"}</td>
                  <td>
                    <span className={`badge ${w.status}`}>{w.status}</span> <span className="muted">v{w.version}</span>
                  </td>
                  <td>{w.taskType ? `${w.taskType} (${w.taskStatus})` : "—"}</td>
                  <td>{utc(w.deadlineAt)}</td>
                </tr>
              ))}
              {result.workflows.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    No workflow matches.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <p>
            {raw.cursor && <a href={keep({})}>First page</a>} {result.nextCursor && <a href={keep({ cursor: result.nextCursor })} data-testid="next-page">Next page →</a>}
          </p>
        </>
      )}
    </AdminShell>
  );
}
