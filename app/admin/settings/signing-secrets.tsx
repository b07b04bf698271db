"use client";
import { useMemo, useState } from "react";
import { translator, type Speech } from "@/lib/i18n/messages";
import { LocalTime } from "@/app/admin/local-time";

interface SecretRow {
  id: string;
  createdAt: string;
  revokedAt: string | null;
}

export function SigningSecrets({ initial, speech }: { initial: SecretRow[]; speech: Pick<Speech, "locale" | "formatLocale"> }) {
  const t = useMemo(() => translator(speech), [speech]);
  const [rows, setRows] = useState(initial);
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const rotate = async () => {
    setError(null);
    const response = await fetch("/api/admin/signing-secrets", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const json = (await response.json()) as { id: string; secret: string; error?: { message: string } };
    if (!response.ok) return setError(t("secrets.failed", { reason: json.error?.message ?? String(response.status) }));
    setShown(json.secret);
    setRows((all) => [...all, { id: json.id, createdAt: new Date().toISOString(), revokedAt: null }]);
  };

  const revoke = async (id: string) => {
    setError(null);
    const response = await fetch(`/api/admin/signing-secrets/${id}`, { method: "DELETE" });
    const json = (await response.json()) as { error?: { message: string } };
    if (!response.ok) return setError(t("secrets.failed", { reason: json.error?.message ?? String(response.status) }));
    setRows((all) => all.map((r) => (r.id === id ? { ...r, revokedAt: new Date().toISOString() } : r)));
  };

  return (
    <fieldset data-testid="signing-secrets">
      <legend>{t("secrets.title")}</legend>
      <p className="muted">{t("secrets.intro")}</p>
      {shown && (
        <div className="warning" data-testid="new-signing-secret">
          <strong>{t("secrets.copyNow")}</strong>
          <p className="secret">{shown}</p>
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
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
                  <button type="button" className="secondary" onClick={() => void revoke(r.id)}>
                    {t("secrets.revoke")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => void rotate()} data-testid="rotate-secret">
        {t("secrets.rotate")}
      </button>
    </fieldset>
  );
}
