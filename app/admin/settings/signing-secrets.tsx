"use client";
import { useMemo, useState } from "react";
import { translator, type Speech } from "@/lib/i18n/messages";
import { LocalTime } from "@/app/admin/local-time";
import { useReveal } from "@/app/admin/use-reveal";
import { useHydrated } from "@/app/admin/use-hydrated";

interface SecretRow {
  id: string;
  createdAt: string;
  revokedAt: string | null;
}

export function SigningSecrets({ initial, speech }: { initial: SecretRow[]; speech: Pick<Speech, "locale" | "formatLocale"> }) {
  const t = useMemo(() => translator(speech), [speech]);
  const [rows, setRows] = useState(initial);
  const hydrated = useHydrated();
  const [shown, setShown] = useState<string | null>(null);
  /** A failure and where it is said: "rotate" (beside that button), or the id of the row whose Revoke failed. */
  const [error, setError] = useState<{ at: string; message: string } | null>(null);
  const feedback = useReveal<HTMLDivElement>(error?.at === "rotate" ? error : shown);

  const rotate = async () => {
    setError(null);
    const response = await fetch("/api/admin/signing-secrets", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const json = (await response.json().catch(() => ({}))) as { id: string; secret: string; error?: { message: string } };
    if (!response.ok) return setError({ at: "rotate", message: t("secrets.failed", { reason: json.error?.message ?? String(response.status) }) });
    setShown(json.secret);
    setRows((all) => [...all, { id: json.id, createdAt: new Date().toISOString(), revokedAt: null }]);
  };

  const revoke = async (id: string) => {
    setError(null);
    const response = await fetch(`/api/admin/signing-secrets/${id}`, { method: "DELETE" });
    const json = (await response.json().catch(() => ({}))) as { error?: { message: string } };
    if (!response.ok) return setError({ at: id, message: t("secrets.failed", { reason: json.error?.message ?? String(response.status) }) });
    setRows((all) => all.map((r) => (r.id === id ? { ...r, revokedAt: new Date().toISOString() } : r)));
  };

  return (
    <fieldset data-testid="signing-secrets">
      <legend>{t("secrets.title")}</legend>
      <p className="muted">{t("secrets.intro")}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("secrets.colId")}</th>
            <th scope="col">{t("secrets.colCreated")}</th>
            <th scope="col">{t("secrets.colState")}</th>
            <th scope="col">
              <span className="lr-sr-only">{t("settings.colActions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-secret-id={r.id}>
              <td>
                <code>{r.id}</code>
              </td>
              <td>
                <LocalTime iso={r.createdAt} locale={speech.formatLocale} />
              </td>
              <td>
                {r.revokedAt ? (
                  <>
                    {t("secrets.revoked")} <LocalTime iso={r.revokedAt} locale={speech.formatLocale} />
                  </>
                ) : (
                  t("secrets.active")
                )}
              </td>
              <td>
                {!r.revokedAt && (
                  <button type="button" className="secondary" onClick={() => void revoke(r.id)} disabled={!hydrated}>
                    {t("secrets.revoke")}
                  </button>
                )}
                {error?.at === r.id && (
                  <span className="error-text" role="alert">
                    {error.message}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => void rotate()} disabled={!hydrated} data-testid="rotate-secret">
        {t("secrets.rotate")}
      </button>
      {/* The new secret and any failure, right below the button that asked for them. */}
      <div ref={feedback}>
        {shown && (
          <div className="warning" data-testid="new-signing-secret">
            <strong>{t("secrets.copyNow")}</strong>
            <p className="secret">{shown}</p>
          </div>
        )}
        {error?.at === "rotate" && (
          <p className="error" role="alert" data-testid="signing-secrets-error">
            {error.message}
          </p>
        )}
      </div>
    </fieldset>
  );
}
