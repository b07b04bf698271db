import type { PanelEvent } from "@/lib/panel/panel-types";
import { clockTime, type TimeFormat } from "@/lib/panel/countdown";
import { actorWords, eventWords } from "@/lib/panel/status-words";

const eventTone: Record<string, string> = {
  TASK_SUCCEEDED: "success",
  TASK_FAILED: "danger",
  TASK_TIMED_OUT: "warning",
  ESCALATED: "warning",
  LATE_RESULT: "progress",
  WORKFLOW_CANCELLED: "neutral",
};

/** The audit log as the agent reads it: newest first, each with its time and who did it. */
export function WorkflowTimeline({ events, truncated, format }: { events: PanelEvent[]; truncated: boolean; format: TimeFormat }) {
  const newestFirst = [...events].reverse();
  return (
    <ol className="lr-timeline" aria-label="Timeline, newest first">
      {newestFirst.map((event) => (
        <li key={event.id} className={`lr-event lr-tone-${eventTone[event.type] ?? "none"}`}>
          <time dateTime={event.created_at}>{clockTime(event.created_at, format)}</time>
          <span className="lr-event-text">
            {eventWords(event)}
            <span className="lr-actor"> · {actorWords[event.actor] ?? event.actor}</span>
          </span>
        </li>
      ))}
      {truncated ? <li className="lr-event lr-event-more">Older events are in the audit log.</li> : null}
    </ol>
  );
}
