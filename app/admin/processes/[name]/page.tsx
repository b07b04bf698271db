import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/admin-session";
import { processNamePattern } from "@/lib/domain/process-definition";
import { AppError } from "@/lib/errors/app-error";
import { describeProcess } from "@/lib/processes/process-describe";
import { getProcess, listProcessVersions } from "@/lib/processes/process-store";
import { AdminShell } from "@/app/admin/admin-shell";
import { utc } from "@/app/admin/format";
import "../processes.css";

export const dynamic = "force-dynamic";

const exitWords: Record<string, string> = { success: "✓ on success", woken: "when woken", failure: "✗ on failure", timeout: "on timeout" };

export default async function ProcessPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const { name } = await params;
  if (!processNamePattern.test(name)) notFound();
  const asked = (await searchParams).version;
  const version = typeof asked === "string" && /^\d{1,9}$/.test(asked) ? Number(asked) : undefined;
  const found = await getProcess(session.orgId, name, version).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") return null;
    throw error;
  });
  if (!found) notFound();
  const versions = await listProcessVersions(session.orgId, name);
  const steps = describeProcess(found.definition);
  const latest = versions[0]!.version;
  return (
    <AdminShell session={session} active="processes">
      <p>
        <a href="/admin/processes">← Processes</a>
      </p>
      <h1>
        {name} <span className="badge">v{found.version}</span> {found.version !== latest && <span className="badge">latest is v{latest}</span>}
      </h1>
      {found.definition.description && <p>{found.definition.description}</p>}
      <p className="muted">
        Stored {utc(found.createdAt)} by {found.createdBy}. <a href={`/admin/processes/${name}/edit`}>Edit (stores v{latest + 1})</a>
      </p>
      <ol className="process-steps" data-testid="process-steps">
        {steps.map((step) => (
          <li key={step.name} id={`step-${step.name}`} data-step={step.name}>
            <header>
              <strong>
                Step {step.index + 1} of {steps.length} · {step.title}
              </strong>
              <code>{step.name}</code>
              <span className="kind">{step.kind}</span>
            </header>
            <ul className="facts">
              {step.facts.map((fact) => (
                <li key={fact}>{fact}</li>
              ))}
            </ul>
            <ul className="exits">
              {step.exits.map((exit) => (
                <li key={`${exit.when}-${exit.condition ?? ""}`} className={exit.implicit ? "implicit" : undefined}>
                  {exitWords[exit.when] ?? exit.when}
                  {exit.condition ? ` (${exit.condition})` : ""} →{" "}
                  {exit.to === "end" || exit.to === "escalate" ? <em>{exit.to}</em> : <a className="target" href={`#step-${exit.to}`}>{exit.to}</a>}
                  {exit.implicit ? " (default)" : ""}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      <h2>Versions</h2>
      <table data-testid="process-versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Steps</th>
            <th>Stored</th>
            <th>By</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version}>
              <td>{v.version === found.version ? <strong>v{v.version}</strong> : <a href={`/admin/processes/${name}?version=${v.version}`}>v{v.version}</a>}</td>
              <td>{v.stepCount}</td>
              <td>{utc(v.createdAt)}</td>
              <td>{v.createdBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>Definition (JSON)</summary>
        <pre data-testid="process-json">{JSON.stringify(found.definition, null, 2)}</pre>
      </details>
    </AdminShell>
  );
}
