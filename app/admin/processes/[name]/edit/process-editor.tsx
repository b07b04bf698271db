"use client";
import { useMemo, useState } from "react";
import { checkProcessDefinition } from "@/lib/domain/process-definition";
import { translator, type Speech, type Translator } from "@/lib/i18n/messages";
import { jsonProblem, problemWords, type ProblemFacts, type ProblemWords } from "@/lib/processes/definition-words";
import { useHydrated } from "@/app/admin/use-hydrated";

/** The step names as typed, by position, so a problem reads "Step 3 (review)" even while the definition is invalid. */
function stepNamesOf(document: unknown): (string | undefined)[] {
  const steps = (document as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return [];
  return steps.map((step: unknown) => {
    const own = (step as { name?: unknown } | null)?.name;
    return typeof own === "string" ? own : undefined;
  });
}

/** The same check as the server's (lib/domain is pure, so it runs here too), on every keystroke, in the admin's words. */
function check(text: string, t: Translator, speech: Pick<Speech, "formatLocale">): { problems: ProblemWords[]; steps: number; names: (string | undefined)[] } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { problems: [{ where: t("processes.whereDefinition"), field: "", problem: jsonProblem(text, error, t) }], steps: 0, names: [] };
  }
  const names = stepNamesOf(document);
  const result = checkProcessDefinition(document);
  return result.ok ? { problems: [], steps: result.definition.steps.length, names } : { problems: result.errors.map((e) => problemWords(e, names, t, speech)), steps: 0, names };
}

export function ProcessEditor({ name, initial, speech }: { name: string; initial: string; speech: Pick<Speech, "locale" | "formatLocale"> }) {
  const t = useMemo(() => translator(speech), [speech]);
  const [text, setText] = useState(initial);
  const [saving, setSaving] = useState(false);
  const hydrated = useHydrated();
  const [saved, setSaved] = useState<{ version: number; created: boolean } | null>(null);
  const [serverErrors, setServerErrors] = useState<ProblemWords[]>([]);
  const { problems, steps, names } = useMemo(() => check(text, t, speech), [text, t, speech]);

  const save = async () => {
    setSaving(true);
    setSaved(null);
    setServerErrors([]);
    const response = await fetch(`/api/admin/processes/${name}`, { method: "PUT", headers: { "content-type": "application/json" }, body: text }).catch(() => null);
    const body = response ? ((await response.json().catch(() => ({}))) as { version?: number; error?: { message: string; details?: unknown } }) : {};
    if (response?.ok && body.version !== undefined) {
      setSaved({ version: body.version, created: response.status === 201 });
    } else {
      const details = Array.isArray(body.error?.details) ? (body.error.details as ProblemFacts[]) : [];
      setServerErrors(
        details.length > 0
          ? details.map((d) => problemWords(d, names, t, speech))
          : [{ where: t("processes.whereDefinition"), field: "", problem: response ? t("processes.saveFailed", { reason: body.error?.message ?? String(response.status) }) : t("processes.offline") }],
      );
    }
    setSaving(false);
  };

  const shown = serverErrors.length > 0 ? serverErrors : problems;
  return (
    <div>
      <textarea
        className="process-json"
        aria-label={t("processes.editorLabel")}
        aria-describedby="process-check"
        aria-invalid={shown.length > 0 ? true : undefined}
        data-testid="process-editor"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setSaved(null);
          setServerErrors([]);
        }}
      />
      <div id="process-check">
        {shown.length > 0 ? (
          <div className="error" data-testid="process-errors" role="alert">
            <strong>{t("processes.problems", { count: shown.length })}</strong>
            <ul className="definition-errors">
              {shown.map((p, i) => (
                <li key={`${p.where}-${p.field}-${i}`}>
                  {p.where}
                  {p.field ? (
                    <>
                      {t("common.listSeparator")}
                      <code>{p.field}</code>
                    </>
                  ) : null}
                  {t("common.listSeparator")}
                  {p.problem}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="ok" data-testid="process-valid">
            {t("processes.valid", { count: steps })}
          </p>
        )}
      </div>
      {/* What saving did, right beside the button that did it. */}
      <p className="save-row">
        <button type="button" onClick={() => void save()} disabled={!hydrated || saving || problems.length > 0}>
          {saving ? t("admin.saving") : t("processes.save")}
        </button>{" "}
        <span aria-live="polite">
          {saved && (
            <span className="ok" data-testid="process-saved">
              {saved.created ? t("processes.stored", { version: saved.version }) : t("processes.unchanged", { version: saved.version })}{" "}
              <a href={`/admin/processes/${name}?version=${saved.version}`}>{t("processes.view")}</a>
            </span>
          )}
        </span>
      </p>
    </div>
  );
}
