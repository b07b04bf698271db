import type { FeedStatus } from "@/lib/panel/live-feed";
import type { PanelSnapshot, PanelWorkflow } from "@/lib/panel/panel-types";
import type { Speech, Translator } from "@/lib/i18n/messages";
import { clockTime } from "@/lib/i18n/format";
import { arrangeWorkflows, summaryLine } from "@/lib/panel/panel-glance";
import type { TaskTypeNames } from "@/lib/panel/status-words";
import { WorkflowCard } from "@/app/panel/workflow-card";

export interface PanelViewProps {
  snapshot: PanelSnapshot | null;
  status: FeedStatus;
  now: Date;
  speech: Speech;
  t: Translator;
  /** The org's display names for task types. */
  names?: TaskTypeNames;
  /** The latest change in words, for screen readers. */
  announcement: string;
  onRetry?: () => void;
}

function ConnectionBar({ status, now, speech, t, onRetry }: Pick<PanelViewProps, "status" | "now" | "speech" | "t" | "onRetry">) {
  if (status.state === "live") {
    return <p className="lr-conn lr-conn-live"><span aria-hidden="true" className="lr-dot" />{t("connection.live")}</p>;
  }
  if (status.state === "connecting") return <p className="lr-conn">{t("connection.connecting")}</p>;
  if (status.state === "polling") {
    return <p className="lr-conn lr-conn-polling" title={t("connection.pollingHint")}>{t("connection.polling")}</p>;
  }
  const seconds = status.retryAt ? Math.max(0, Math.ceil((status.retryAt - now.getTime()) / 1000)) : null;
  return (
    <div className="lr-conn lr-conn-stale" data-testid="stale">
      <gux-badge accent="warning" bold>{t("connection.stale")}</gux-badge>
      <span>
        {t("connection.unreachable")}
        {status.lastSuccessAt ? <> {t("connection.showingFrom", { time: clockTime(status.lastSuccessAt, speech) })}</> : null}
        {seconds !== null ? <> {t("connection.retryIn", { seconds })}</> : null}
      </span>
      {onRetry ? (
        <gux-button-slot accent="secondary">
          <button type="button" onClick={onRetry}>{t("connection.retryNow")}</button>
        </gux-button-slot>
      ) : null}
    </div>
  );
}

function Group({ id, title, workflows, collapsed, ...card }: { id: string; title: string; workflows: PanelWorkflow[]; collapsed: boolean } & Omit<PanelViewProps, "snapshot" | "status" | "announcement" | "onRetry" | "names"> & { names: TaskTypeNames }) {
  if (workflows.length === 0) return null;
  return (
    <section className={`lr-group lr-group-${id}`} aria-labelledby={`lr-group-${id}`} data-group={id}>
      <h2 id={`lr-group-${id}`} className="lr-group-title">{title}</h2>
      <div className="lr-list">
        {workflows.map((workflow) => (
          <WorkflowCard key={workflow.workflow_id} workflow={workflow} collapsed={collapsed} {...card} />
        ))}
      </div>
    </section>
  );
}

/**
 * The signed-in panel: connection state, the summary line, then what needs
 * the agent, what is running and (folded) what is finished. While Longrun is
 * unreachable every card is dimmed and marked stale.
 */
export function PanelView({ snapshot, status, now, speech, t, names = {}, announcement, onRetry }: PanelViewProps) {
  const stale = status.state === "offline";
  const arranged = snapshot ? arrangeWorkflows(snapshot.workflows) : null;
  const shared = { now, speech, t, names };
  return (
    <div className="lr-panel" aria-busy={snapshot === null}>
      <h1 className="lr-sr-only">{t("panel.summaryLabel")}</h1>
      <ConnectionBar status={status} now={now} speech={speech} t={t} onRetry={onRetry} />
      <div role="status" aria-live="polite" aria-atomic="true" className="lr-sr-only" data-testid="announcer">{announcement}</div>
      {snapshot === null || arranged === null ? (
        <p className="lr-empty">{t("panel.loading")}</p>
      ) : snapshot.workflows.length === 0 ? (
        <div className="lr-empty">
          <p><strong>{t("panel.emptyTitle")}</strong></p>
          <p className="lr-muted">{t("panel.emptyBody")}</p>
        </div>
      ) : (
        <div className={`lr-groups${stale ? " lr-stale" : ""}`} data-stale={stale ? "true" : undefined}>
          <p className="lr-summary" data-testid="summary">{summaryLine(arranged, t)}</p>
          <Group id="needs-you" title={t("panel.groupNeedsYou")} workflows={arranged.needsYou} collapsed={false} {...shared} />
          <Group id="in-progress" title={t("panel.groupInProgress")} workflows={arranged.inProgress} collapsed={false} {...shared} />
          <Group id="done" title={t("panel.groupDone")} workflows={arranged.done} collapsed {...shared} />
        </div>
      )}
    </div>
  );
}
