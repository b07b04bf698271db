import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/admin-session";
import { processNamePattern } from "@/lib/domain/process-definition";
import { AppError } from "@/lib/errors/app-error";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { describeProcess, type StepExit } from "@/lib/processes/process-describe";
import { getProcess, listProcessVersions } from "@/lib/processes/process-store";
import { AdminShell } from "@/app/admin/admin-shell";
import { LocalTime } from "@/app/admin/local-time";
import "../processes.css";

export const dynamic = "force-dynamic";

const exitKeys = { success: "processes.exitSuccess", woken: "processes.exitWoken", failure: "processes.exitFailure", timeout: "processes.exitTimeout" } as const satisfies Record<StepExit["when"], string>;

/** Who stored a version: the admin's name without the actor prefix ("admin:Ada Admin (id)" → "Ada Admin (id)"). */
const storedBy = (actor: string) => actor.replace(/^admin:/, "");

export default async function ProcessPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
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
  const steps = describeProcess(found.definition, t, speech);
  const latest = versions[0]!.version;
  const kindWords = { task: t("processes.kindTask"), wait: t("processes.kindWait") };
  const target = (to: string) => (to === "end" ? t("processes.targetEnd") : to === "escalate" ? t("processes.targetEscalate") : to);
  return (
    <AdminShell session={session} active="processes">
      <p>
        <a href="/admin/processes">{t("processes.back", { name: t("admin.navProcesses") })}</a>
      </p>
      <h1>
        {name} <span className="badge">{t("processes.version", { version: found.version })}</span>{" "}
        {found.version !== latest && <span className="badge">{t("processes.latestIs", { version: latest })}</span>}
      </h1>
      {found.definition.description && <p>{found.definition.description}</p>}
      <p className="muted">
        {t.rich("processes.storedBy", { who: storedBy(found.createdBy), time: () => <LocalTime iso={found.createdAt.toISOString()} locale={speech.formatLocale} /> })}{" "}
        <a href={`/admin/processes/${name}/edit`}>{t("processes.edit", { version: latest + 1 })}</a>
      </p>
      <ol className="process-steps" data-testid="process-steps" aria-label={t("process.stepsLabel")}>
        {steps.map((step) => (
          <li key={step.name} id={`step-${step.name}`} data-step={step.name}>
            <header>
              <strong>{t("process.stepOf", { position: step.index + 1, count: steps.length, title: step.title })}</strong>
              <code>{step.name}</code>
              <span className="kind">{kindWords[step.kind]}</span>
            </header>
            <ul className="facts">
              {step.facts.map((fact) => (
                <li key={fact}>{fact}</li>
              ))}
            </ul>
            <ul className="exits">
              {step.exits.map((exit) => (
                <li key={`${exit.when}-${exit.condition ?? ""}`} className={exit.implicit ? "implicit" : undefined} data-exit={exit.when}>
                  {t(exitKeys[exit.when])}
                  {exit.condition ? ` (${exit.condition})` : ""} →{" "}
                  {exit.to === "end" || exit.to === "escalate" ? (
                    <em>{target(exit.to)}</em>
                  ) : (
                    <a className="target" href={`#step-${exit.to}`}>
                      {exit.to}
                    </a>
                  )}
                  {exit.implicit ? ` ${t("processes.implicit")}` : ""}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      <h2>{t("processes.versions")}</h2>
      <table data-testid="process-versions">
        <thead>
          <tr>
            <th scope="col">{t("processes.colVersion")}</th>
            <th scope="col">{t("processes.colSteps")}</th>
            <th scope="col">{t("processes.colStored")}</th>
            <th scope="col">{t("processes.colBy")}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version}>
              <td>
                {v.version === found.version ? (
                  <strong aria-current="page">{t("processes.version", { version: v.version })}</strong>
                ) : (
                  <a href={`/admin/processes/${name}?version=${v.version}`}>{t("processes.version", { version: v.version })}</a>
                )}
              </td>
              <td>{v.stepCount}</td>
              <td>
                <LocalTime iso={v.createdAt.toISOString()} locale={speech.formatLocale} />
              </td>
              <td>{storedBy(v.createdBy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>{t("processes.definitionJson")}</summary>
        <pre data-testid="process-json">{JSON.stringify(found.definition, null, 2)}</pre>
      </details>
    </AdminShell>
  );
}
