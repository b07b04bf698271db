"use client";
import { useState } from "react";

interface StepResult {
  step: string;
  status: "created" | "found" | "updated" | "failed";
  summary: string;
  details: Record<string, string | number>;
  at: string;
  secret?: string;
}

interface StepView {
  step: string;
  title: string;
  result: StepResult | null;
}

type Phase = "idle" | "running";

async function post(url: string, body: unknown = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

export function InstallWizard({ initial, installed, confirmName }: { initial: StepView[]; installed: boolean; confirmName: string }) {
  const [steps, setSteps] = useState(initial);
  const [running, setRunning] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState("");
  const [uninstallResult, setUninstallResult] = useState<string | null>(null);

  const runStep = async (step: string): Promise<boolean> => {
    setRunning(step);
    setError(null);
    const { status, json } = await post(`/api/admin/install/${step}`);
    setRunning(null);
    if (status !== 200) {
      const message = (json.error as { message?: string } | undefined)?.message ?? `HTTP ${status}`;
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
      setUninstallResult(`Removed from Genesys: ${(json.removed as string[]).join(", ") || "nothing"}. Longrun deleted the organization's data.`);
      setSteps((all) => all.map((s) => ({ ...s, result: null })));
    } else if (status === 409) {
      const failed = ((json.error as { details?: { failed?: string[] } } | undefined)?.details?.failed ?? []).join("; ");
      setError(`Some objects could not be removed, so no data was deleted: ${failed}`);
    } else {
      setError((json.error as { message?: string } | undefined)?.message ?? `HTTP ${status}`);
    }
  };

  const complete = steps.every((s) => s.result && s.result.status !== "failed");
  return (
    <>
      <p>
        <button type="button" onClick={() => void runAll()} disabled={phase === "running" || running !== null} data-testid="run-install">
          {complete ? "Run the install again (checks everything, creates only what is missing)" : "Run the install"}
        </button>
      </p>
      {secret && (
        <div className="warning" data-testid="signing-secret">
          <p>
            <strong>Webhook signing secret — copy it now, it is shown only once.</strong> Give it to the systems that call Longrun back (Standard Webhooks).
          </p>
          <p className="secret">{secret}</p>
          <button type="button" className="secondary" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </div>
      )}
      {error && <p className="error">{error}</p>}
      <ol className="steps">
        {steps.map((s, i) => (
          <li key={s.step} data-step={s.step} data-status={running === s.step ? "running" : (s.result?.status ?? "pending")}>
            <header>
              <strong>
                {i + 1}. {s.title}
              </strong>
              <span className={`badge ${s.result?.status ?? ""}`} data-testid={`status-${s.step}`}>
                {running === s.step ? "running…" : (s.result?.status ?? "not run")}
              </span>
              {s.result?.status === "failed" && (
                <button type="button" className="secondary" onClick={() => void runStep(s.step)} disabled={running !== null} data-testid={`retry-${s.step}`}>
                  Retry this step
                </button>
              )}
            </header>
            {s.result && (
              <p className={s.result.status === "failed" ? "error" : "muted"} data-testid={`summary-${s.step}`}>
                {s.result.summary}
                {s.result.at ? <span className="muted"> ({new Date(s.result.at).toISOString().replace("T", " ").slice(0, 19)} UTC)</span> : null}
              </p>
            )}
          </li>
        ))}
      </ol>
      {complete && (
        <p className="ok">
          Installed. Next: add the interaction widget to your agents&apos; groups if you filter by group, import the Architect flows from <code>genesys/flows</code>, and
          set the orchestrator URL and task types under <a href="/admin/settings">Settings</a>.
        </p>
      )}
      {installed && (
        <fieldset>
          <legend>Uninstall</legend>
          <p>
            Removes the role, OAuth client, interaction widget, data-actions integration and its credentials from Genesys Cloud, then deletes every workflow, task,
            event, client and secret Longrun holds for this organization. It cannot be undone.
          </p>
          <label>
            Type <code>{confirmName}</code> to confirm
            <input value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="uninstall-confirm" />
          </label>
          <p>
            <button type="button" className="danger" disabled={confirm.trim() !== confirmName} onClick={() => void doUninstall()} data-testid="uninstall">
              Uninstall Longrun
            </button>
          </p>
          {uninstallResult && <p className="ok">{uninstallResult}</p>}
        </fieldset>
      )}
    </>
  );
}
