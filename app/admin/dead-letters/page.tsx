import { requireAdmin } from "@/lib/auth/admin-session";
import { listDeadLetters } from "@/lib/outbox/dead-letters";
import { AdminShell } from "@/app/admin/admin-shell";
import { utc } from "@/app/admin/format";
import { RedriveButton } from "@/app/admin/dead-letters/redrive-button";

export const dynamic = "force-dynamic";

export default async function DeadLettersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const before = (await searchParams).before;
  const page = await listDeadLetters(session.orgId, { limit: 50, ...(typeof before === "string" && !Number.isNaN(Date.parse(before)) ? { before } : {}) });
  return (
    <AdminShell session={session} active="dead-letters">
      <h1>Dead letters</h1>
      <p className="muted">Deliveries that failed their last attempt. Failures a retry can fix are re-driven on a schedule; re-drive any of them now by hand.</p>
      <table data-testid="dead-letters">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Workflow</th>
            <th>Attempts</th>
            <th>Last status</th>
            <th>Error</th>
            <th>Failed</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {page.dead_letters.map((d) => (
            <tr key={d.id} data-dead-letter-id={d.id}>
              <td>{d.kind}</td>
              <td>{d.workflow_id ? <a href={`/admin/workflows/${d.workflow_id}`}><code>{d.workflow_id.slice(0, 8)}…</code></a> : "—"}</td>
              <td>
                {d.attempts}
                {d.automatic_redrives > 0 ? <span className="muted"> ({d.automatic_redrives} automatic re-drives)</span> : null}
              </td>
              <td>{d.last_status ?? "—"}</td>
              <td>{d.last_error ?? "—"}</td>
              <td>{utc(d.updated_at)}</td>
              <td>
                <RedriveButton id={d.id} />
              </td>
            </tr>
          ))}
          {page.dead_letters.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No dead letters.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {page.next_cursor && <a href={`/admin/dead-letters?before=${encodeURIComponent(page.next_cursor)}`}>Older →</a>}
    </AdminShell>
  );
}
