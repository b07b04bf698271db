import type { FeedStatus } from "@/lib/panel/live-feed";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { clockTime, type TimeFormat } from "@/lib/panel/countdown";
import { WorkflowCard } from "@/app/panel/workflow-card";

export interface PanelViewProps {
  snapshot: PanelSnapshot | null;
  status: FeedStatus;
  now: Date;
  format: TimeFormat;
  /** The latest change in words, for screen readers. */
  announcement: string;
  onRetry?: () => void;
}

function ConnectionBar({ status, now, format, onRetry }: Pick<PanelViewProps, "status" | "now" | "format" | "onRetry">) {
  if (status.state === "live") {
    return <p className="lr-conn lr-conn-live"><span aria-hidden="true" className="lr-dot" />Live</p>;
  }
  if (status.state === "connecting") return <p className="lr-conn">Connecting…</p>;
  if (status.state === "polling") {
    return <p className="lr-conn lr-conn-polling" title="Live updates are not getting through; checking every few seconds instead">Updating every few seconds</p>;
  }
  const seconds = status.retryAt ? Math.max(0, Math.ceil((status.retryAt - now.getTime()) / 1000)) : null;
  return (
    <div className="lr-conn lr-conn-stale" data-testid="stale">
      <span className="lr-stale-badge">Stale</span>
      <span>
        Longrun is unreachable.{status.lastSuccessAt ? <> Showing data from {clockTime(new Date(status.lastSuccessAt).toISOString(), format)}.</> : null}
        {seconds !== null ? <> Retrying in {seconds} s.</> : null}
      </span>
      {onRetry ? <button type="button" className="lr-button" onClick={onRetry}>Retry now</button> : null}
    </div>
  );
}

/** The signed-in panel: connection state, then every workflow of the conversation (newest first). */
export function PanelView({ snapshot, status, now, format, announcement, onRetry }: PanelViewProps) {
  return (
    <div className="lr-panel" aria-busy={snapshot === null}>
      <ConnectionBar status={status} now={now} format={format} onRetry={onRetry} />
      <div role="status" aria-live="polite" aria-atomic="true" className="lr-sr-only" data-testid="announcer">{announcement}</div>
      {snapshot === null ? (
        <p className="lr-empty">Loading workflows…</p>
      ) : snapshot.workflows.length === 0 ? (
        <div className="lr-empty">
          <p><strong>No workflow for this interaction yet.</strong></p>
          <p className="lr-muted">When the flow starts one for this conversation, it shows up here by itself.</p>
        </div>
      ) : (
        <div className="lr-list">
          {snapshot.workflows.map((workflow) => (
            <WorkflowCard key={workflow.workflow_id} workflow={workflow} now={now} format={format} />
          ))}
        </div>
      )}
    </div>
  );
}
