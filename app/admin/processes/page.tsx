import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { processNamePattern } from "@/lib/domain/process-definition";
import { requireAdmin } from "@/lib/auth/admin-session";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { listProcesses } from "@/lib/processes/process-store";
import { AdminShell } from "@/app/admin/admin-shell";
import { LocalTime } from "@/app/admin/local-time";
import "./processes.css";

export const dynamic = "force-dynamic";

/** Commands and samples: the same in every language. */
const samples = { api: "PUT /api/v1/processes/{name}", cli: "npm run process:put", name: "card-fraud" } as const;

export default async function ProcessesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
  const create = (await searchParams).create;
  // The "Create…" form below: a name, then the editor of its first version.
  if (typeof create === "string" && processNamePattern.test(create)) redirect(`/admin/processes/${create}/edit`);
  const processes = await listProcesses(session.orgId);
  const code = (chunks: ReactNode) => <code>{chunks}</code>;
  return (
    <AdminShell session={session} active="processes">
      <h1>{t("admin.navProcesses")}</h1>
      <p className="muted">{t.rich("processes.intro", { code })}</p>
      <table data-testid="processes">
        <thead>
          <tr>
            <th scope="col">{t("processes.colProcess")}</th>
            <th scope="col">{t("processes.colLatest")}</th>
            <th scope="col">{t("processes.colSteps")}</th>
            <th scope="col">{t("processes.colDescription")}</th>
            <th scope="col">{t("processes.colStored")}</th>
          </tr>
        </thead>
        <tbody>
          {processes.map((p) => (
            <tr key={p.name} data-process={p.name}>
              <td>
                <a href={`/admin/processes/${p.name}`}>{p.name}</a>
              </td>
              <td>{t("processes.version", { version: p.latestVersion })}</td>
              <td>{p.stepCount}</td>
              <td>{p.description ?? t("common.none")}</td>
              <td>
                <LocalTime iso={p.updatedAt.toISOString()} locale={speech.formatLocale} />
              </td>
            </tr>
          ))}
          {processes.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t.rich("processes.none", { api: samples.api, cli: samples.cli, code })}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {/* Said next to the form that caused it: the name field below. */}
      <form method="get" action="/admin/processes" className="filters">
        <label>
          {t("processes.newName")}
          <input
            name="create"
            required
            pattern="[a-z0-9][a-z0-9_.\-]{0,63}"
            placeholder={samples.name}
            defaultValue={typeof create === "string" ? create : undefined}
            aria-invalid={typeof create === "string" ? true : undefined}
            aria-describedby={typeof create === "string" ? "process-name-error" : undefined}
          />
        </label>
        <button type="submit">{t("processes.create")}</button>
      </form>
      {typeof create === "string" && (
        <p className="error" id="process-name-error" role="alert" data-testid="process-name-error">
          {t("processes.badName", { name: create })}
        </p>
      )}
    </AdminShell>
  );
}
