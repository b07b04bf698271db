import { requireAdmin } from "@/lib/auth/admin-session";
import { listNotices } from "@/lib/notices/customer-notices";
import { AdminShell } from "@/app/admin/admin-shell";
import { utc } from "@/app/admin/format";
import { ResolveNoticeForm } from "@/app/admin/notices/resolve-notice-form";

export const dynamic = "force-dynamic";

export default async function NoticesPage() {
  const session = await requireAdmin();
  const [open, recent] = await Promise.all([listNotices(session.orgId, { status: "OPEN" }), listNotices(session.orgId, { limit: 50 })]);
  const closed = recent.filter((n) => n.status !== "OPEN");
  return (
    <AdminShell session={session} active="notices">
      <h1>Open notices</h1>
      <p className="muted">
        Customers whom no timeout flow or callback could reach, and whom Longrun could not message either (no SMS number or email sender configured, or Genesys refused it). Nobody has told them yet: call or write to them, then resolve the notice with what you did. SMS and email senders are set under Settings.
      </p>
      <table data-testid="open-notices">
        <thead>
          <tr>
            <th>Since</th>
            <th>Customer</th>
            <th>What they should hear</th>
            <th>Why nobody told them</th>
            <th>Workflow</th>
            <th>Resolve</th>
          </tr>
        </thead>
        <tbody>
          {open.map((n) => (
            <tr key={n.id} data-notice-id={n.id}>
              <td>{utc(n.created_at)}</td>
              <td>
                {n.customer_id}
                {n.conversation_id ? <div className="muted">conversation {n.conversation_id.slice(0, 8)}…</div> : null}
              </td>
              <td>{n.message}</td>
              <td>{n.reason}</td>
              <td>
                <a href={`/admin/workflows/${n.workflow_id}`}>
                  <code>{n.workflow_id.slice(0, 8)}…</code>
                </a>
              </td>
              <td>
                <ResolveNoticeForm id={n.id} />
              </td>
            </tr>
          ))}
          {open.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No open notices: every customer has been told.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h2>Recent notices</h2>
      <table data-testid="closed-notices">
        <thead>
          <tr>
            <th>When</th>
            <th>Customer</th>
            <th>Status</th>
            <th>How</th>
            <th>Comment</th>
          </tr>
        </thead>
        <tbody>
          {closed.map((n) => (
            <tr key={n.id} data-notice-id={n.id}>
              <td>{utc(n.resolved_at ?? n.created_at)}</td>
              <td>{n.customer_id}</td>
              <td>
                <span className={`badge ${n.status}`}>{n.status === "SENT" ? "Sent by Longrun" : "Resolved"}</span>
              </td>
              <td>{n.status === "SENT" ? `${n.channel === "sms" ? "SMS" : "Email"} to ${n.recipient ?? "?"}` : `by ${n.resolved_by ?? "?"}`}</td>
              <td>{n.status === "SENT" ? n.message : n.resolution}</td>
            </tr>
          ))}
          {closed.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                None yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </AdminShell>
  );
}
