"use client";
import { useMemo, useState } from "react";
import { checkProcessDefinition, type DefinitionError } from "@/lib/domain/process-definition";

type Problem = Pick<DefinitionError, "path" | "message"> & { code?: string };

/** The same check as the server's (lib/domain is pure, so it runs here too), on every keystroke. */
function check(text: string): { problems: Problem[]; steps: number } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { problems: [{ path: "(JSON)", message: error instanceof Error ? error.message : "not valid JSON" }], steps: 0 };
  }
  const result = checkProcessDefinition(document);
  return result.ok ? { problems: [], steps: result.definition.steps.length } : { problems: result.errors, steps: 0 };
}

export function ProcessEditor({ name, initial }: { name: string; initial: string }) {
  const [text, setText] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<{ version: number; created: boolean } | null>(null);
  const [serverErrors, setServerErrors] = useState<Problem[]>([]);
  const { problems, steps } = useMemo(() => check(text), [text]);

  const save = async () => {
    setSaving(true);
    setSaved(null);
    setServerErrors([]);
    const response = await fetch(`/api/admin/processes/${name}`, { method: "PUT", headers: { "content-type": "application/json" }, body: text });
    const body = (await response.json().catch(() => ({}))) as { version?: number; error?: { message: string; details?: Problem[] } };
    if (response.ok && body.version !== undefined) {
      setSaved({ version: body.version, created: response.status === 201 });
    } else {
      setServerErrors(body.error?.details && Array.isArray(body.error.details) ? body.error.details : [{ path: "(server)", message: body.error?.message ?? `HTTP ${response.status}` }]);
    }
    setSaving(false);
  };

  const shown = serverErrors.length > 0 ? serverErrors : problems;
  return (
    <div>
      <textarea
        className="process-json"
        aria-label="Process definition (JSON)"
        data-testid="process-editor"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setSaved(null);
          setServerErrors([]);
        }}
      />
      {shown.length > 0 ? (
        <div className="error" data-testid="process-errors" role="alert">
          <strong>{shown.length === 1 ? "1 problem" : `${shown.length} problems`}</strong>
          <ul className="definition-errors">
            {shown.map((p, i) => (
              <li key={`${p.path}-${i}`}>
                <code>{p.path}</code> {p.message}
                {p.code ? <span className="muted"> ({p.code})</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="ok" data-testid="process-valid">
          Valid: {steps} steps.
        </p>
      )}
      <p>
        <button type="button" onClick={() => void save()} disabled={saving || problems.length > 0}>
          {saving ? "Saving…" : "Save as a new version"}
        </button>{" "}
        {saved && (
          <span data-testid="process-saved">
            {saved.created ? `Stored as version ${saved.version}.` : `Unchanged: version ${saved.version} has this very definition.`}{" "}
            <a href={`/admin/processes/${name}?version=${saved.version}`}>View</a>
          </span>
        )}
      </p>
    </div>
  );
}
