"use client";
import { useState } from "react";

/** Resolve an open notice with a comment saying what was done for the customer. */
export function ResolveNoticeForm({ id }: { id: string }) {
  const [comment, setComment] = useState("");
  const [state, setState] = useState<{ busy: boolean; error: string | null; done: boolean }>({ busy: false, error: null, done: false });
  const resolve = async () => {
    setState({ busy: true, error: null, done: false });
    const response = await fetch(`/api/admin/notices/${id}/resolve`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ comment }) });
    const body = (await response.json().catch(() => ({}))) as { error?: { message: string; details?: Array<{ message: string }> } };
    if (!response.ok) {
      setState({ busy: false, error: body.error?.details?.[0]?.message ?? body.error?.message ?? `HTTP ${response.status}`, done: false });
      return;
    }
    setState({ busy: false, error: null, done: true });
  };
  if (state.done) return <span className="ok" data-testid={`notice-resolved-${id}`}>Resolved.</span>;
  return (
    <form
      data-testid={`resolve-notice-${id}`}
      onSubmit={(e) => {
        e.preventDefault();
        void resolve();
      }}
    >
      <label>
        What did you do?
        <input name="comment" value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Called the customer and told them" required minLength={3} maxLength={2000} />
      </label>
      <button type="submit" disabled={state.busy}>
        {state.busy ? "Resolving…" : "Resolve"}
      </button>
      {state.error && (
        <div className="error" role="alert">
          {state.error}
        </div>
      )}
    </form>
  );
}
