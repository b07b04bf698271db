"use client";
import { useMemo, useState } from "react";
import { translator, type Speech } from "@/lib/i18n/messages";
import { issueWords, type IssueFacts } from "@/lib/i18n/validation-words";
import { useHydrated } from "@/app/admin/use-hydrated";

/** Resolve an open notice with a comment saying what was done for the customer. */
export function ResolveNoticeForm({ id, speech }: { id: string; speech: Pick<Speech, "locale" | "formatLocale"> }) {
  const t = useMemo(() => translator(speech), [speech]);
  const [comment, setComment] = useState("");
  const hydrated = useHydrated();
  const [state, setState] = useState<{ busy: boolean; error: string | null; done: boolean }>({ busy: false, error: null, done: false });
  const resolve = async () => {
    setState({ busy: true, error: null, done: false });
    const response = await fetch(`/api/admin/notices/${id}/resolve`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ comment }) });
    const body = (await response.json().catch(() => ({}))) as { error?: { message: string; details?: IssueFacts[] } };
    if (!response.ok) {
      const issue = Array.isArray(body.error?.details) ? body.error.details[0] : undefined;
      setState({ busy: false, error: issue ? t("validation.field", { field: t("notices.comment"), problem: issueWords(issue, t) }) : t("notices.failed", { reason: body.error?.message ?? String(response.status) }), done: false });
      return;
    }
    setState({ busy: false, error: null, done: true });
  };
  if (state.done) return <span className="ok" data-testid={`notice-resolved-${id}`} role="status">{t("notices.done")}</span>;
  return (
    <form
      data-testid={`resolve-notice-${id}`}
      onSubmit={(e) => {
        e.preventDefault();
        void resolve();
      }}
    >
      <label>
        {t("notices.what")}
        <input name="comment" value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t("notices.placeholder")} required minLength={3} maxLength={2000} />
      </label>
      <button type="submit" disabled={state.busy || !hydrated}>
        {state.busy ? t("notices.resolving") : t("notices.resolve")}
      </button>
      {state.error && (
        <div className="error" role="alert">
          {state.error}
        </div>
      )}
    </form>
  );
}
