"use client";
import { useState } from "react";

export function RedriveButton({ id }: { id: string }) {
  const [state, setState] = useState<{ busy: boolean; message: string | null }>({ busy: false, message: null });
  const redrive = async () => {
    setState({ busy: true, message: null });
    const response = await fetch(`/api/admin/dead-letters/${id}/retry`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const body = (await response.json().catch(() => ({}))) as { status?: string; last_error?: string | null; error?: { message: string } };
    const message = response.ok
      ? body.status === "DELIVERED"
        ? "Delivered"
        : body.status === "DEAD"
          ? `Failed again: ${body.last_error ?? "unknown error"}`
          : `Queued (${body.status})`
      : (body.error?.message ?? `HTTP ${response.status}`);
    setState({ busy: false, message });
  };
  return (
    <span data-testid={`redrive-${id}`}>
      <button type="button" onClick={() => void redrive()} disabled={state.busy || state.message === "Delivered"}>
        {state.busy ? "Re-driving…" : "Re-drive"}
      </button>{" "}
      {state.message && <span className="muted">{state.message}</span>}
    </span>
  );
}
