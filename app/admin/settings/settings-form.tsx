"use client";
import { useMemo, useState } from "react";
import { supportedLocales, type AppLocale } from "@/lib/i18n/locales";
import { translator, type Speech, type Translator } from "@/lib/i18n/messages";
import { issuePath, issueWords, type IssueFacts } from "@/lib/i18n/validation-words";
import { orgSettingsSchema, settingsWarningFacts, type OrgSettings, type SettingsWarning, type TaskTypeSettings } from "@/lib/orgs/org-settings";
import type { PickerList } from "@/lib/admin/genesys-pickers";
import { taskTypeWords } from "@/lib/panel/status-words";
import { parseCidr } from "@/lib/security/ip-cidr";
import { GenesysPicker, type PickerLabels } from "@/app/admin/settings/genesys-picker";
import { useReveal } from "@/app/admin/use-reveal";
import { useHydrated } from "@/app/admin/use-hydrated";

interface Initial {
  orchestratorUrl: string | null;
  settings: OrgSettings;
  sourceCidrs: string[];
}

interface TaskRow {
  name: string;
  displayName: string;
  /** The name per language; empty ones are left out. */
  displayNames: Record<AppLocale, string>;
  timeoutSeconds: string;
  heartbeatTimeoutSeconds: string;
  /** The vendor's own status words, "WORD=meaning" separated by commas or lines. */
  statusWords: string;
  /** Per-type flow and queue overrides set through the API are kept as they are. */
  rest: Omit<TaskTypeSettings, "timeoutSeconds" | "heartbeatTimeoutSeconds" | "statusWords" | "displayName" | "displayNames">;
}

type StatusWords = NonNullable<TaskTypeSettings["statusWords"]>;

const wordsText = (words: StatusWords | undefined) => Object.entries(words ?? {}).map(([w, m]) => `${w}=${m}`).join(", ");
const noNames = () => Object.fromEntries(supportedLocales.map((l) => [l, ""])) as Record<AppLocale, string>;

/** "MATCH=success, NO_MATCH=failure" → the settings' map; the schema then checks words and meanings. */
function parseWords(textValue: string): { words?: StatusWords; bad?: string } {
  const entries = textValue.split(/[\n,]+/).map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return {};
  const words: Record<string, string> = {};
  for (const entry of entries) {
    const [word, meaning, extra] = entry.split("=").map((p) => p.trim());
    if (!word || !meaning || extra !== undefined) return { bad: entry };
    words[word] = meaning.toLowerCase();
  }
  return { words: words as StatusWords };
}

/** Samples of what to type: codes, addresses and protocol words, the same in every language. */
const examples = {
  url: "https://orchestrator.example.com/tasks",
  taskType: "FRAUD_VERIFICATION",
  statusWords: "MATCH=success, NO_MATCH=failure, UNDER_REVIEW=progress",
  cidrs: "203.0.113.0/24\n2001:db8::/32",
} as const;

const text = (v: number | string | undefined | null) => (v === undefined || v === null ? "" : String(v));
/** "" → unset; anything else goes to the schema as a number (NaN for "abc", which it names in words). */
const numberOrUndefined = (v: string) => (v.trim() === "" ? undefined : Number(v.trim()));
const strOrUndefined = (v: string) => (v.trim() === "" ? undefined : v.trim());

/** The org's flows and queues from Genesys Cloud, from the server page. */
export interface SettingsPickers {
  flows: PickerList;
  queues: PickerList;
  flowLabels: PickerLabels;
  queueLabels: PickerLabels;
}

const topFields: Record<string, Parameters<Translator>[0]> = {
  orchestratorUrl: "settings.orchestratorUrl",
  taskTimeoutSeconds: "settings.taskTimeout",
  heartbeatTimeoutSeconds: "settings.heartbeatTimeout",
  flowSessionLimitSeconds: "settings.sessionLimit",
  timeoutHandlerFlowId: "admin.flowPicker",
  callbackQueueId: "admin.queuePicker",
  callbackQueueName: "admin.queuePicker",
  specialistQueueName: "settings.specialistQueue",
  sourceCidrs: "settings.allowlist",
};
const taskFields: Record<string, Parameters<Translator>[0]> = {
  displayName: "settings.colDisplayName",
  displayNames: "settings.colDisplayName",
  timeoutSeconds: "settings.colTimeout",
  heartbeatTimeoutSeconds: "settings.colHeartbeat",
  statusWords: "settings.colStatusWords",
  timeoutHandlerFlowId: "admin.flowPicker",
  callbackQueueId: "admin.queuePicker",
  callbackQueueName: "admin.queuePicker",
  specialistQueueName: "settings.specialistQueue",
};

/** Which field an issue is about, in the page's own labels ("Credit check · Timeout (s)"). */
function fieldOf(path: string[], t: Translator, language: (l: string) => string): string {
  const [first, second, third, fourth, fifth] = path;
  const inSettings = first === "settings" ? [second, third, fourth, fifth] : [first, second, third, fourth];
  const [field, type, own, locale] = inSettings;
  if (field === "taskTypes" && type !== undefined) {
    const label = own && taskFields[own] ? t(taskFields[own]) : t("settings.colTaskType");
    return t("settings.taskField", { type, field: own === "displayNames" && locale ? `${label} (${language(locale)})` : label });
  }
  return field && topFields[field] ? t(topFields[field]) : t("settings.title");
}

export function SettingsForm({ initial, pickers, speech }: { initial: Initial; pickers: SettingsPickers; speech: Pick<Speech, "locale" | "formatLocale"> }) {
  const t = useMemo(() => translator(speech), [speech]);
  const languageName = useMemo(() => {
    const names = new Intl.DisplayNames([speech.formatLocale], { type: "language" });
    return (locale: string) => names.of(locale) ?? locale;
  }, [speech.formatLocale]);
  const s = initial.settings;
  const hydrated = useHydrated();
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
      const { timeoutSeconds, heartbeatTimeoutSeconds, statusWords, displayName, displayNames, ...rest } = own;
      return {
        name,
        displayName: text(displayName),
        displayNames: { ...noNames(), ...displayNames },
        timeoutSeconds: text(timeoutSeconds),
        heartbeatTimeoutSeconds: text(heartbeatTimeoutSeconds),
        statusWords: wordsText(statusWords),
        rest,
      };
    }),
  );
  const [warnings, setWarnings] = useState<SettingsWarning[]>(() => settingsWarningFacts(s));
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  // Saved or not, the answer is on screen beside Save (the form is longer than a screen).
  const feedback = useReveal<HTMLDivElement>(errors.length > 0 ? errors : saved);

  /** The picked queue's name as Genesys lists it; an id typed by hand keeps the name saved with it, if it is the same id. */
  const queueNameOf = (id: string | undefined): string | undefined => {
    if (id === undefined) return undefined;
    const listed = pickers.queues.ok ? pickers.queues.options.find((o) => o.id === id)?.name : undefined;
    return listed ?? (id === s.callbackQueueId ? s.callbackQueueName : undefined);
  };
  const setRow = (i: number, change: Partial<TaskRow>) => setRows((all) => all.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const problems = (issues: IssueFacts[]) => issues.map((issue) => t("validation.field", { field: fieldOf(issuePath(issue), t, languageName), problem: issueWords(issue, t) }));

  const save = async () => {
    setErrors([]);
    setSaved(false);
    const taskTypes: Record<string, TaskTypeSettings> = {};
    const found: string[] = [];
    for (const r of rows) {
      const type = r.name.trim();
      if (type === "") continue;
      const parsed = parseWords(r.statusWords);
      if (parsed.bad !== undefined) found.push(t("settings.statusWordsInvalid", { type, entry: parsed.bad }));
      const names = Object.fromEntries(Object.entries(r.displayNames).filter(([, v]) => v.trim() !== "").map(([l, v]) => [l, v.trim()]));
      taskTypes[type] = {
        ...r.rest,
        displayName: strOrUndefined(r.displayName),
        displayNames: Object.keys(names).length > 0 ? names : undefined,
        timeoutSeconds: numberOrUndefined(r.timeoutSeconds),
        heartbeatTimeoutSeconds: numberOrUndefined(r.heartbeatTimeoutSeconds),
        statusWords: parsed.words,
      };
    }
    const settings = {
      taskTimeoutSeconds: numberOrUndefined(taskTimeout),
      heartbeatTimeoutSeconds: numberOrUndefined(heartbeat),
      flowSessionLimitSeconds: numberOrUndefined(sessionLimit),
      timeoutHandlerFlowId: strOrUndefined(flowId),
      callbackQueueId: strOrUndefined(callbackQueueId),
      // The name beside the id, so the agent's panel can say which queue calls the customer back.
      callbackQueueName: queueNameOf(strOrUndefined(callbackQueueId)),
      specialistQueueName: strOrUndefined(specialistQueue),
      // Notices and org-wide status words are set through the API; saving here keeps them.
      ...(s.notices ? { notices: s.notices } : {}),
      ...(s.statusWords ? { statusWords: s.statusWords } : {}),
      taskTypes,
    };
    const url = orchestratorUrl.trim();
    if (url !== "" && !/^https?:\/\/[^\s/]+/i.test(url)) found.push(t("validation.field", { field: t("settings.orchestratorUrl"), problem: t("validation.url") }));
    const sourceCidrs = cidrs.split(/[\s,]+/).map((c) => c.trim()).filter(Boolean);
    for (const cidr of sourceCidrs) if (!parseCidr(cidr)) found.push(t("settings.cidrInvalid", { entry: cidr }));
    // The same schema the server applies, so every problem is named here, in words, before anything is sent.
    const checked = orgSettingsSchema.safeParse(settings);
    if (!checked.success) found.push(...problems(checked.error.issues.map((i) => ({ ...i, path: ["settings", ...i.path] }))));
    if (found.length > 0) return setErrors(found);

    setBusy(true);
    const response = await fetch("/api/admin/settings", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ orchestratorUrl: url === "" ? null : url, settings, sourceCidrs }),
    }).catch(() => null);
    const json = response ? ((await response.json().catch(() => ({}))) as { settings?: OrgSettings; error?: { code?: string; message: string; details?: IssueFacts[] } }) : {};
    setBusy(false);
    if (!response || !response.ok) {
      const details = Array.isArray(json.error?.details) ? json.error.details : [];
      setErrors(details.length > 0 ? problems(details) : [t("settings.saveFailed", { reason: json.error?.message ?? (response ? String(response.status) : t("settings.offline")) })]);
      return;
    }
    setWarnings(json.settings ? settingsWarningFacts(json.settings) : []);
    setSaved(true);
  };

  const warningWords = (w: SettingsWarning) =>
    w.taskType === null
      ? t("settings.warnDefaultTimeout", { timeout: w.timeoutSeconds, limit: w.limitSeconds })
      : t("settings.warnTaskTimeout", { type: rows.find((r) => r.name.trim() === w.taskType)?.displayName.trim() || taskTypeWords(w.taskType), code: w.taskType, timeout: w.timeoutSeconds, limit: w.limitSeconds });

  return (
    <form
      data-testid="settings-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {warnings.map((w) => (
        <p key={`${w.taskType ?? ""}`} className="warning" data-testid="settings-warning">
          {warningWords(w)}
        </p>
      ))}
      <fieldset>
        <legend>{t("settings.orchestrator")}</legend>
        <label>
          {t("settings.orchestratorUrl")}
          <input name="orchestratorUrl" type="url" value={orchestratorUrl} onChange={(e) => setOrchestratorUrl(e.target.value)} placeholder={examples.url} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t("settings.timeouts")}</legend>
        <div className="grid2">
          <label>
            {t("settings.taskTimeout")}
            <input name="taskTimeoutSeconds" inputMode="numeric" value={taskTimeout} onChange={(e) => setTaskTimeout(e.target.value)} />
          </label>
          <label>
            {t("settings.heartbeatTimeout")}
            <input name="heartbeatTimeoutSeconds" inputMode="numeric" value={heartbeat} onChange={(e) => setHeartbeat(e.target.value)} />
          </label>
          <label>
            {t("settings.sessionLimit")}
            <input name="flowSessionLimitSeconds" inputMode="numeric" value={sessionLimit} onChange={(e) => setSessionLimit(e.target.value)} />
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("settings.taskTypes")}</legend>
        <p className="muted">{t("settings.taskTypesHint")}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("settings.colTaskType")}</th>
              <th scope="col">{t("settings.colDisplayName")}</th>
              <th scope="col">{t("settings.colTimeout")}</th>
              <th scope="col">{t("settings.colHeartbeat")}</th>
              <th scope="col" title={t("settings.statusWordsHint")}>
                {t("settings.colStatusWords")}
              </th>
              <th scope="col">
                <span className="lr-sr-only">{t("settings.colActions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const readable = r.name.trim() === "" ? "" : taskTypeWords(r.name.trim());
              return (
                <tr key={i} data-task-row={i}>
                  <td>
                    <input aria-label={t("settings.colTaskType")} name={`taskType-${i}`} value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} placeholder={examples.taskType} />
                  </td>
                  <td>
                    {/* The placeholder shows what agents read when the org sets no name. */}
                    <input aria-label={t("settings.colDisplayName")} name={`taskDisplayName-${i}`} value={r.displayName} onChange={(e) => setRow(i, { displayName: e.target.value })} placeholder={readable} />
                    <details className="names-per-language">
                      <summary>{t("settings.namesPerLanguage")}</summary>
                      {supportedLocales.map((locale) => (
                        <label key={locale}>
                          {languageName(locale)}
                          <input
                            name={`taskDisplayName-${i}-${locale}`}
                            lang={locale}
                            value={r.displayNames[locale]}
                            onChange={(e) => setRow(i, { displayNames: { ...r.displayNames, [locale]: e.target.value } })}
                            placeholder={r.displayName.trim() || readable}
                          />
                        </label>
                      ))}
                    </details>
                  </td>
                  <td>
                    <input aria-label={t("settings.colTimeout")} name={`taskTimeout-${i}`} inputMode="numeric" value={r.timeoutSeconds} onChange={(e) => setRow(i, { timeoutSeconds: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={t("settings.colHeartbeat")} name={`taskHeartbeat-${i}`} inputMode="numeric" value={r.heartbeatTimeoutSeconds} onChange={(e) => setRow(i, { heartbeatTimeoutSeconds: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={t("settings.colStatusWords")} name={`taskStatusWords-${i}`} value={r.statusWords} onChange={(e) => setRow(i, { statusWords: e.target.value })} placeholder={examples.statusWords} />
                  </td>
                  <td>
                    <button type="button" className="secondary" aria-label={t("settings.removeType", { type: readable || String(i + 1) })} onClick={() => setRows((all) => all.filter((_, j) => j !== i))}>
                      {t("settings.remove")}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button
          type="button"
          className="secondary"
          onClick={() => setRows((all) => [...all, { name: "", displayName: "", displayNames: noNames(), timeoutSeconds: "", heartbeatTimeoutSeconds: "", statusWords: "", rest: {} }])}
          data-testid="add-task-type"
        >
          {t("settings.addTaskType")}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t("settings.escalation")}</legend>
        <div className="grid2">
          <GenesysPicker name="timeoutHandlerFlowId" value={flowId} onChange={setFlowId} list={pickers.flows} labels={pickers.flowLabels} />
          <GenesysPicker name="callbackQueueId" value={callbackQueueId} onChange={setCallbackQueueId} list={pickers.queues} labels={pickers.queueLabels} />
          <label>
            {t("settings.specialistQueue")}
            <input name="specialistQueueName" value={specialistQueue} onChange={(e) => setSpecialistQueue(e.target.value)} />
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("settings.allowlist")}</legend>
        <label>
          {t("settings.allowlistLabel")}
          <textarea name="sourceCidrs" rows={4} value={cidrs} onChange={(e) => setCidrs(e.target.value)} placeholder={examples.cidrs} />
        </label>
      </fieldset>
      {/* What saving did, right where the admin pressed Save (the form is longer than a screen). */}
      <div ref={feedback}>
        <div className="save-row">
          <button type="submit" disabled={busy || !hydrated} data-testid="save-settings">
            {busy ? t("admin.saving") : t("settings.save")}
          </button>
          <span aria-live="polite">{saved && <span className="ok" data-testid="settings-saved">{t("admin.saved")}</span>}</span>
        </div>
        {errors.length > 0 && (
          <div className="error" data-testid="settings-error" role="alert">
            {errors.map((e) => (
              <div key={e}>{e}</div>
            ))}
          </div>
        )}
      </div>
    </form>
  );
}
