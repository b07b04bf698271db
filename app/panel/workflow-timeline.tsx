import type { Speech, Translator } from "@/lib/i18n/messages";
import { clockTime, utcTitle } from "@/lib/i18n/format";
import type { PanelEvent } from "@/lib/panel/panel-types";
import { timelineEntries } from "@/lib/panel/panel-glance";
import { actorWords, eventWords, type TaskTypeNames } from "@/lib/panel/status-words";

const eventTone: Record<string, string> = {
  TASK_SUCCEEDED: "success",
  TASK_FAILED: "danger",
  TASK_TIMED_OUT: "warning",
  ESCALATED: "warning",
  LATE_RESULT: "progress",
  WORKFLOW_CANCELLED: "neutral",
};

/** The audit log as the agent reads it: newest first, each with its time and who did it; heartbeats folded into one line. */
export function WorkflowTimeline({ events, truncated, speech, t, names }: { events: PanelEvent[]; truncated: boolean; speech: Speech; t: Translator; names: TaskTypeNames }) {
  const newestFirst = timelineEntries(events).reverse();
  return (
    <ol className="lr-timeline" aria-label={t("card.timelineLabel")}>
      {newestFirst.map((entry) => {
        const event = entry.kind === "event" ? entry.event : entry.latest;
        const words =
          entry.kind === "event"
            ? eventWords(entry.event, t, names)
            : [
                entry.movedDeadlineTo
                  ? t("event.heartbeatsExtended", { count: entry.count, time: clockTime(entry.movedDeadlineTo, speech) })
                  : t("event.heartbeats", { count: entry.count }),
                entry.progress ? t("event.heartbeatProgress", { message: entry.progress }) : null,
              ]
                .filter(Boolean)
                .join(t("common.listSeparator"));
        return (
          <li key={event.id} className={`lr-event lr-tone-${eventTone[event.type] ?? "none"}`} data-kind={entry.kind}>
            <time dateTime={event.created_at} title={utcTitle(event.created_at)}>{clockTime(event.created_at, speech)}</time>
            <span className="lr-event-text">
              {words}
              <span className="lr-actor">{t("common.listSeparator")}{actorWords(event.actor, t)}</span>
            </span>
          </li>
        );
      })}
      {truncated ? <li className="lr-event lr-event-more">{t("card.timelineOlder")}</li> : null}
    </ol>
  );
}
