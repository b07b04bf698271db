import { requireAdmin } from "@/lib/auth/admin-session";
import { auditLog } from "@/lib/admin/admin-settings";
import { AdminShell } from "@/app/admin/admin-shell";
import { utc } from "@/app/admin/format";

export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const before = (await searchParams).before;
  const page = await auditLog(session.orgId, { before: typeof before === "string" ? before : undefined, limit: 50 });
  return (
    <AdminShell session={session} active="audit">
      <h1>Audit log</h1>
      <p className="muted">Who changed what, and when: settings, secrets, installs, re-drives and refused requests.</p>
      <table data-testid="audit-log">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {page.entries.map((e) => (
            <tr key={e.id}>
              <td>{utc(e.createdAt)}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>
                <pre>{e.data ? JSON.stringify(e.data) : ""}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.nextBefore && <a href={`/admin/audit?before=${page.nextBefore}`}>Older →</a>}
    </AdminShell>
  );
}
