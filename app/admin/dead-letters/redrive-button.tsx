"use client";
// Re-drives one dead letter; the outcome is said next to the button that caused it.
import { useState } from "react";
import { useHydrated } from "@/app/admin/use-hydrated";

export interface RedriveLabels {
  redrive: string;
  redriving: string;
  /** With \u0000 where the new state goes. */
  redriven: string;
  /** With \u0000 where the error goes. */
  failed: string;
  delivered: string;
  dead: string;
  pending: string;
}

export function RedriveButton({ id, labels }: { id: string; labels: RedriveLabels }) {
  const [state, setState] = useState<{ busy: boolean; message: string | null; done: boolean; ok: boolean }>({ busy: false, message: null, done: false, ok: true });
  const hydrated = useHydrated();
  const redrive = async () => {
    setState({ busy: true, message: null, done: false, ok: true });
    const response = await fetch(`/api/admin/dead-letters/${id}/retry`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const body = (await response.json().catch(() => ({}))) as { status?: string; last_error?: string | null; error?: { message: string } };
    if (!response.ok) return setState({ busy: false, done: false, ok: false, message: labels.failed.replace("\u0000", body.error?.message ?? String(response.status)) });
    const word = body.status === "DELIVERED" ? labels.delivered : body.status === "DEAD" ? labels.dead : labels.pending;
    const message = body.status === "DEAD" ? labels.failed.replace("\u0000", body.last_error ?? word) : labels.redriven.replace("\u0000", word);
    setState({ busy: false, message, done: body.status === "DELIVERED", ok: body.status !== "DEAD" });
  };
  return (
    <span data-testid={`redrive-${id}`} className="redrive">
      <gux-button-slot accent="secondary">
        <button type="button" onClick={() => void redrive()} disabled={!hydrated || state.busy || state.done}>
          {state.busy ? labels.redriving : labels.redrive}
        </button>
      </gux-button-slot>
      <span role="status" className={state.ok ? "muted" : "error-text"}>{state.message}</span>
    </span>
  );
}
