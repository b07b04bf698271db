"use client";
import { useState } from "react";

interface SecretRow {
  id: string;
  createdAt: string;
  revokedAt: string | null;
}

const utc = (v: string) => `${v.replace("T", " ").slice(0, 19)} UTC`;

export function SigningSecrets({ initial }: { initial: SecretRow[] }) {
  const [rows, setRows] = useState(initial);
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const rotate = async () => {
    setError(null);
    const response = await fetch("/api/admin/signing-secrets", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const json = (await response.json()) as { id: string; secret: string; error?: { message: string } };
    if (!response.ok) return setError(json.error?.message ?? `HTTP ${response.status}`);
    setShown(json.secret);
    setRows((all) => [...all, { id: json.id, createdAt: new Date().toISOString(), revokedAt: null }]);
  };

  const revoke = async (id: string) => {
    setError(null);
    const response = await fetch(`/api/admin/signing-secrets/${id}`, { method: "DELETE" });
    const json = (await response.json()) as { error?: { message: string } };
    if (!response.ok) return setError(json.error?.message ?? `HTTP ${response.status}`);
    setRows((all) => all.map((r) => (r.id === id ? { ...r, revokedAt: new Date().toISOString() } : r)));
  };

  return (
    <fieldset data-testid="signing-secrets">
      <legend>Webhook signing secrets</legend>
      <p className="muted">
        Rotation: add a new secret, give it to the systems that call back (both secrets work meanwhile), then revoke the old one.
      </p>
      {shown && (
        <div className="warning" data-testid="new-signing-secret">
          <strong>New secret — copy it now, it is shown only once:</strong>
          <p className="secret">{shown}</p>
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      <table>
        <thead>
          <tr>
            <th>Secret id</th>
            <th>Created</th>
            <th>State</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-secret-id={r.id}>
              <td>
                <code>{r.id}</code>
              </td>
              <td>{utc(r.createdAt)}</td>
              <td>{r.revokedAt ? `revoked ${utc(r.revokedAt)}` : "active"}</td>
              <td>
                {!r.revokedAt && (
                  <button type="button" className="secondary" onClick={() => void revoke(r.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => void rotate()} data-testid="rotate-secret">
        Add a new secret (rotate)
      </button>
    </fieldset>
  );
}
