"use client";
import { useMemo, useState } from "react";
import type { InstallStep } from "@/lib/genesys/install-steps";
import { translator, type Speech, type Translator } from "@/lib/i18n/messages";
import { LocalTime } from "@/app/admin/local-time";
import { useReveal } from "@/app/admin/use-reveal";
import { useHydrated } from "@/app/admin/use-hydrated";

interface StepResult {
  step: string;
  status: "created" | "found" | "updated" | "failed";
  summary: string;
  details: Record<string, string | number>;
  at: string;
  secret?: string;
}

interface StepView {
  step: InstallStep;
  result: StepResult | null;
}

const detailKeys = ["orgId", "region", "roleId", "divisionId", "clientId", "panelClientId", "redirectUri", "integrationId", "url", "credentialId", "apiClientId", "actions", "created", "found", "secretId", "workflowId", "topic", "triggerId"] as const;

/** A step's result in the admin's words: what happened, then what it made or found (ids are data, shown as code). */
function ResultWords({ result, t, locale }: { result: StepResult; t: Translator; locale: string }) {
  // The flows step keys its facts by flow name ("<flow> id", "<flow> hash"); the hash is bookkeeping, not for reading.
  const facts = Object.entries(result.details).filter(([k, v]) => v !== "" && !k.endsWith(" hash"));
  return (
    <>
      {/* A failure's reason comes from Genesys Cloud (or Longrun's server) as it said it. */}
      {result.status === "failed" ? t("wizard.failedReason", { reason: result.summary }) : t(`wizard.done.${result.status}`)}
      {result.at ? (
        <span className="muted">
          {" ("}
          <LocalTime iso={result.at} locale={locale} />
          {")"}
        </span>
      ) : null}
      {facts.length > 0 && result.status !== "failed" ? (
        <span className="step-facts">
          {facts.map(([key, value]) => {
            const known = detailKeys.find((k) => k === key);
            return (
              <span key={key} className="step-fact">
                {known ? t(`wizard.detail.${known}`) : key.endsWith(" id") ? t("wizard.detail.flowId", { flow: key.slice(0, -3) }) : key}: <code>{String(value)}</code>
              </span>
            );
          })}
        </span>
      ) : null}
    </>
  );
}

type Phase = "idle" | "running";

async function post(url: string, body: unknown = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

export function InstallWizard({ initial, installed, confirmName, speech }: { initial: StepView[]; installed: boolean; confirmName: string; speech: Pick<Speech, "locale" | "formatLocale"> }) {
  const t = useMemo(() => translator(speech), [speech]);
  const [steps, setSteps] = useState(initial);
  const hydrated = useHydrated();
  const [running, setRunning] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState("");
  const [uninstallResult, setUninstallResult] = useState<string | null>(null);
  const uninstallFeedback = useReveal<HTMLDivElement>(error ?? uninstallResult);

  const runStep = async (step: InstallStep): Promise<boolean> => {
    setRunning(step);
    setError(null);
    const { status, json } = await post(`/api/admin/install/${step}`);
    setRunning(null);
    if (status !== 200) {
      const message = (json.error as { message?: string } | undefined)?.message ?? String(status);
      setSteps((all) => all.map((s) => (s.step === step ? { ...s, result: { step, status: "failed", summary: message, details: {}, at: new Date().toISOString() } } : s)));
      return false;
    }
    const result = json as unknown as StepResult;
    if (result.secret) setSecret(result.secret);
    setSteps((all) => all.map((s) => (s.step === step ? { ...s, result } : s)));
    return result.status !== "failed";
  };

  const runAll = async () => {
    setPhase("running");
    for (const s of steps) {
      if (!(await runStep(s.step))) break;
    }
    setPhase("idle");
  };

  const doUninstall = async () => {
    setError(null);
    const { status, json } = await post("/api/admin/uninstall", { confirm });
    if (status === 200) {
      setUninstallResult(t("wizard.uninstalled", { removed: (json.removed as string[]).join(", ") || t("wizard.nothingRemoved") }));
      setSteps((all) => all.map((s) => ({ ...s, result: null })));
    } else if (status === 409) {
      const failed = ((json.error as { details?: { failed?: string[] } } | undefined)?.details?.failed ?? []).join("; ");
      setError(t("wizard.uninstallPartial", { failed }));
    } else {
      setError(t("wizard.failed", { reason: (json.error as { message?: string } | undefined)?.message ?? String(status) }));
    }
  };

  const complete = steps.every((s) => s.result && s.result.status !== "failed");
  return (
    <>
      <p>
        <button type="button" onClick={() => void runAll()} disabled={!hydrated || phase === "running" || running !== null} data-testid="run-install">
          {complete ? t("wizard.runAgain") : t("wizard.run")}
        </button>
      </p>
      {secret && (
        <div className="warning" data-testid="signing-secret">
          <p>
            <strong>{t("wizard.secretTitle")}</strong> {t("wizard.secretBody")}
          </p>
          <p className="secret">{secret}</p>
          <button type="button" className="secondary" onClick={() => setSecret(null)}>
            {t("wizard.copied")}
          </button>
        </div>
      )}
      <ol className="steps">
        {steps.map((s, i) => (
          <li key={s.step} data-step={s.step} data-status={running === s.step ? "running" : (s.result?.status ?? "pending")}>
            <header>
              <strong>
                {i + 1}. {t(`wizard.steps.${s.step}`)}
              </strong>
              <span className={`badge ${s.result?.status ?? ""}`} data-testid={`status-${s.step}`}>
                {running === s.step ? t("wizard.running") : s.result ? t(`wizard.status.${s.result.status}`) : t("wizard.notRun")}
              </span>
              {s.result?.status === "failed" && (
                <button type="button" className="secondary" onClick={() => void runStep(s.step)} disabled={!hydrated || running !== null} data-testid={`retry-${s.step}`}>
                  {t("wizard.retry")}
                </button>
              )}
            </header>
            {s.result && (
              <p className={s.result.status === "failed" ? "error" : "muted"} data-testid={`summary-${s.step}`}>
                <ResultWords result={s.result} t={t} locale={speech.formatLocale} />
              </p>
            )}
          </li>
        ))}
      </ol>
      {complete && (
        <p className="ok" role="status">
          {t.rich("wizard.installed", { code: (chunks) => <code>{chunks}</code>, a: (chunks) => <a href="/admin/settings">{chunks}</a> })}
        </p>
      )}
      {installed && (
        <fieldset>
          <legend>{t("wizard.uninstall")}</legend>
          <p>{t("wizard.uninstallBody")}</p>
          <label>
            {t.rich("wizard.confirm", { name: confirmName, code: (chunks) => <code>{chunks}</code> })}
            <input value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="uninstall-confirm" />
          </label>
          <p>
            <button type="button" className="danger" disabled={!hydrated || confirm.trim() !== confirmName} onClick={() => void doUninstall()} data-testid="uninstall">
              {t("wizard.uninstallButton")}
            </button>
          </p>
          {/* What uninstalling did, or why it did not, right below its button. */}
          <div ref={uninstallFeedback}>
            {uninstallResult && (
              <p className="ok" role="status">
                {uninstallResult}
              </p>
            )}
            {error && (
              <p className="error" role="alert" data-testid="uninstall-error">
                {error}
              </p>
            )}
          </div>
        </fieldset>
      )}
    </>
  );
}
