import { redirect } from "next/navigation";
import { processNamePattern } from "@/lib/domain/process-definition";
import { requireAdmin } from "@/lib/auth/admin-session";
import { listProcesses } from "@/lib/processes/process-store";
import { AdminShell } from "@/app/admin/admin-shell";
import { utc } from "@/app/admin/format";
import "./processes.css";

export const dynamic = "force-dynamic";

export default async function ProcessesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const create = (await searchParams).create;
  // The "Create…" form below: a name, then the editor of its first version.
  if (typeof create === "string" && processNamePattern.test(create)) redirect(`/admin/processes/${create}/edit`);
  const processes = await listProcesses(session.orgId);
  return (
    <AdminShell session={session} active="processes">
      <h1>Processes</h1>
      <p className="muted">
        Multi-step processes Longrun runs itself after the call: a workflow started with <code>process</code> runs the version it started with; saving a
        process stores a new version.
      </p>
      <table data-testid="processes">
        <thead>
          <tr>
            <th>Process</th>
            <th>Latest version</th>
            <th>Steps</th>
            <th>Description</th>
            <th>Stored</th>
          </tr>
        </thead>
        <tbody>
          {processes.map((p) => (
            <tr key={p.name} data-process={p.name}>
              <td>
                <a href={`/admin/processes/${p.name}`}>{p.name}</a>
              </td>
              <td>v{p.latestVersion}</td>
              <td>{p.stepCount}</td>
              <td>{p.description ?? "—"}</td>
              <td>{utc(p.updatedAt)}</td>
            </tr>
          ))}
          {processes.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No processes yet. Create one below, with <code>PUT /api/v1/processes/&#123;name&#125;</code>, or with <code>npm run process:put</code>.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {typeof create === "string" && <p className="error">&quot;{create}&quot; is not a process name: lower-case letters, digits, _ . and -, starting with a letter or digit.</p>}
      <form method="get" action="/admin/processes" className="filters">
        <label>
          New process name
          <input name="create" required pattern="[a-z0-9][a-z0-9_.\-]{0,63}" placeholder="card-fraud" />
        </label>
        <button type="submit">Create…</button>
      </form>
    </AdminShell>
  );
}
