"use client";
import { useState } from "react";
import type { OrgSettings, TaskTypeSettings } from "@/lib/orgs/org-settings";
import type { PickerList } from "@/lib/admin/genesys-pickers";
import { GenesysPicker, type PickerLabels } from "@/app/admin/settings/genesys-picker";

interface Initial {
  orchestratorUrl: string | null;
  settings: OrgSettings;
  sourceCidrs: string[];
  warnings: string[];
}

interface TaskRow {
  name: string;
  timeoutSeconds: string;
  heartbeatTimeoutSeconds: string;
  /** The vendor's own status words, "WORD=meaning" separated by commas or lines. */
  statusWords: string;
  /** Per-type flow and queue overrides set through the API are kept as they are. */
  rest: Omit<TaskTypeSettings, "timeoutSeconds" | "heartbeatTimeoutSeconds" | "statusWords">;
}

type StatusWords = NonNullable<TaskTypeSettings["statusWords"]>;

const wordsText = (words: StatusWords | undefined) => Object.entries(words ?? {}).map(([w, m]) => `${w}=${m}`).join(", ");

/** "MATCH=success, NO_MATCH=failure" → the settings' map; the server validates words and meanings. */
function parseWords(textValue: string, taskType: string): { words?: StatusWords; error?: string } {
  const entries = textValue.split(/[\n,]+/).map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return {};
  const words: Record<string, string> = {};
  for (const entry of entries) {
    const [word, meaning, extra] = entry.split("=").map((p) => p.trim());
    if (!word || !meaning || extra !== undefined) return { error: `${taskType}: "${entry}" is not WORD=success, WORD=failure or WORD=progress` };
    words[word] = meaning.toLowerCase();
  }
  return { words: words as StatusWords };
}

const text = (v: number | string | undefined | null) => (v === undefined || v === null ? "" : String(v));
const intOrUndefined = (v: string) => (v.trim() === "" ? undefined : Number(v));
const strOrUndefined = (v: string) => (v.trim() === "" ? undefined : v.trim());

/** The org's flows and queues from Genesys Cloud, and the words around them, from the server page. */
export interface SettingsPickers {
  flows: PickerList;
  queues: PickerList;
  flowLabels: PickerLabels;
  queueLabels: PickerLabels;
  saved: string;
  saving: string;
}

export function SettingsForm({ initial, pickers }: { initial: Initial; pickers: SettingsPickers }) {
  const s = initial.settings;
  const [orchestratorUrl, setOrchestratorUrl] = useState(text(initial.orchestratorUrl));
  const [taskTimeout, setTaskTimeout] = useState(text(s.taskTimeoutSeconds));
  const [heartbeat, setHeartbeat] = useState(text(s.heartbeatTimeoutSeconds));
  const [sessionLimit, setSessionLimit] = useState(text(s.flowSessionLimitSeconds));
  const [flowId, setFlowId] = useState(text(s.timeoutHandlerFlowId));
  const [callbackQueueId, setCallbackQueueId] = useState(text(s.callbackQueueId));
  const [specialistQueue, setSpecialistQueue] = useState(text(s.specialistQueueName));
  const [cidrs, setCidrs] = useState(initial.sourceCidrs.join("\n"));
  const [rows, setRows] = useState<TaskRow[]>(
    Object.entries(s.taskTypes).map(([name, own]) => {
      const { timeoutSeconds, heartbeatTimeoutSeconds, statusWords, ...rest } = own;
      return { name, timeoutSeconds: text(timeoutSeconds), heartbeatTimeoutSeconds: text(heartbeatTimeoutSeconds), statusWords: wordsText(statusWords), rest };
    }),
  );
  const [warnings, setWarnings] = useState(initial.warnings);
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const setRow = (i: number, change: Partial<TaskRow>) => setRows((all) => all.map((r, j) => (j === i ? { ...r, ...change } : r)));

  const save = async () => {
    setBusy(true);
    setErrors([]);
    setSaved(null);
    const taskTypes: Record<string, TaskTypeSettings> = {};
    for (const r of rows) {
      if (r.name.trim() === "") continue;
      const parsed = parseWords(r.statusWords, r.name.trim());
      if (parsed.error) {
        setBusy(false);
        setErrors([parsed.error]);
        return;
      }
      taskTypes[r.name.trim()] = { ...r.rest, timeoutSeconds: intOrUndefined(r.timeoutSeconds), heartbeatTimeoutSeconds: intOrUndefined(r.heartbeatTimeoutSeconds), statusWords: parsed.words };
    }
    const body = {
      orchestratorUrl: orchestratorUrl.trim() === "" ? null : orchestratorUrl.trim(),
      settings: {
        taskTimeoutSeconds: intOrUndefined(taskTimeout),
        heartbeatTimeoutSeconds: intOrUndefined(heartbeat),
        flowSessionLimitSeconds: intOrUndefined(sessionLimit),
        timeoutHandlerFlowId: strOrUndefined(flowId),
        callbackQueueId: strOrUndefined(callbackQueueId),
        specialistQueueName: strOrUndefined(specialistQueue),
        taskTypes,
      },
      sourceCidrs: cidrs.split(/[\s,]+/).map((c) => c.trim()).filter(Boolean),
    };
    const response = await fetch("/api/admin/settings", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await response.json().catch(() => ({}))) as { warnings?: string[]; error?: { message: string; details?: Array<{ path: string; message: string }> } };
    setBusy(false);
    if (!response.ok) {
      const details = json.error?.details?.map((d) => `${d.path || "(root)"}: ${d.message}`) ?? [];
      setErrors([json.error?.message ?? `HTTP ${response.status}`, ...details.slice(1)]);
      return;
    }
    setWarnings(json.warnings ?? []);
    setSaved(pickers.saved);
  };

  return (
    <form
      data-testid="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {warnings.map((w) => (
        <p key={w} className="warning" data-testid="settings-warning">
          {w}
        </p>
      ))}
      <fieldset>
        <legend>Orchestrator</legend>
        <label>
          Orchestrator URL (where tasks are POSTed)
          <input name="orchestratorUrl" value={orchestratorUrl} onChange={(e) => setOrchestratorUrl(e.target.value)} placeholder="https://orchestrator.example.com/tasks" />
        </label>
      </fieldset>
      <fieldset>
        <legend>Timeouts</legend>
        <div className="grid2">
          <label>
            Default task timeout (seconds)
            <input name="taskTimeoutSeconds" inputMode="numeric" value={taskTimeout} onChange={(e) => setTaskTimeout(e.target.value)} />
          </label>
          <label>
            Default heartbeat timeout (seconds, optional)
            <input name="heartbeatTimeoutSeconds" inputMode="numeric" value={heartbeat} onChange={(e) => setHeartbeat(e.target.value)} />
          </label>
          <label>
            Flow session limit (seconds; an interaction&apos;s flow ends after about 20 minutes)
            <input name="flowSessionLimitSeconds" inputMode="numeric" value={sessionLimit} onChange={(e) => setSessionLimit(e.target.value)} />
          </label>
        </div>
        <table>
          <thead>
            <tr>
              <th>Task type</th>
              <th>Timeout (s)</th>
              <th>Heartbeat timeout (s)</th>
              <th title="Words the vendor sends, and what they mean: success, failure or progress">Vendor status words</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <td>
                  <input aria-label="Task type" name={`taskType-${i}`} value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} placeholder="FRAUD_VERIFICATION" />
                </td>
                <td>
                  <input aria-label="Timeout" name={`taskTimeout-${i}`} inputMode="numeric" value={r.timeoutSeconds} onChange={(e) => setRow(i, { timeoutSeconds: e.target.value })} />
                </td>
                <td>
                  <input aria-label="Heartbeat timeout" name={`taskHeartbeat-${i}`} inputMode="numeric" value={r.heartbeatTimeoutSeconds} onChange={(e) => setRow(i, { heartbeatTimeoutSeconds: e.target.value })} />
                </td>
                <td>
                  <input aria-label="Vendor status words" name={`taskStatusWords-${i}`} value={r.statusWords} onChange={(e) => setRow(i, { statusWords: e.target.value })} placeholder="MATCH=success, NO_MATCH=failure, UNDER_REVIEW=progress" />
                </td>
                <td>
                  <button type="button" className="secondary" onClick={() => setRows((all) => all.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="secondary" onClick={() => setRows((all) => [...all, { name: "", timeoutSeconds: "", heartbeatTimeoutSeconds: "", statusWords: "", rest: {} }])} data-testid="add-task-type">
          Add task type
        </button>
      </fieldset>
      <fieldset>
        <legend>Escalation</legend>
        <div className="grid2">
          <GenesysPicker name="timeoutHandlerFlowId" value={flowId} onChange={setFlowId} list={pickers.flows} labels={pickers.flowLabels} />
          <GenesysPicker name="callbackQueueId" value={callbackQueueId} onChange={setCallbackQueueId} list={pickers.queues} labels={pickers.queueLabels} />
          <label>
            Specialist queue name
            <input name="specialistQueueName" value={specialistQueue} onChange={(e) => setSpecialistQueue(e.target.value)} />
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>Callback source allowlist</legend>
        <label>
          CIDR blocks allowed to send callbacks and heartbeats, one per line (empty: signature only)
          <textarea name="sourceCidrs" rows={4} value={cidrs} onChange={(e) => setCidrs(e.target.value)} placeholder={"203.0.113.0/24\n2001:db8::/32"} />
        </label>
      </fieldset>
      {/* What saving did, right where the admin pressed Save (the form is longer than a screen). */}
      <div className="save-row">
        <button type="submit" disabled={busy} data-testid="save-settings">
          {busy ? pickers.saving : "Save settings"}
        </button>
        <span aria-live="polite">{saved && <span className="ok" data-testid="settings-saved">{saved}</span>}</span>
      </div>
      {errors.length > 0 && (
        <div className="error" data-testid="settings-error" role="alert">
          {errors.map((e) => (
            <div key={e}>{e}</div>
          ))}
        </div>
      )}
    </form>
  );
}
