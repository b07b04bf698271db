import type { ReactNode } from "react";
import type { PanelWorkflow } from "@/lib/panel/panel-types";
import { clockTime, countdownFor, type TimeFormat } from "@/lib/panel/countdown";
import { escalationDoneWords, headline, noticeWords, statusWordsOf, taskStatusWords } from "@/lib/panel/status-words";
import { workflowTitle } from "@/lib/panel/snapshot-changes";
import { WorkflowTimeline } from "@/app/panel/workflow-timeline";

const maxResultFields = 6;

function resultFields(data: unknown): [string, string][] {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return [];
  return Object.entries(data as Record<string, unknown>)
    .filter(([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v))
    .slice(0, maxResultFields)
    .map(([k, v]) => {
      const label = k.replace(/_/g, " ");
      return [label.charAt(0).toUpperCase() + label.slice(1), String(v)];
    });
}

/** One workflow at a glance: what is happening, by when, what came back, and what Longrun did about it. */
export function WorkflowCard({ workflow, now, format }: { workflow: PanelWorkflow; now: Date; format: TimeFormat }) {
  const words = statusWordsOf(workflow);
  const task = workflow.task;
  const countdown = countdownFor(workflow, now);
  const titleId = `lr-wf-${workflow.workflow_id}`;
  const fields = task?.success === true ? resultFields(task.result_data) : [];
  const facts: [string, ReactNode, string?][] = [];
  if (task) {
    facts.push(["Task", <>{workflowTitle(workflow)} <span className="lr-muted">({task.type})</span></>]);
    facts.push(["Task status", `${taskStatusWords[task.status]}${task.late_result ? "; a late result arrived" : ""}`]);
    if (task.success === true) facts.push(["Result", `Success${task.result_status ? ` (${task.result_status})` : ""}${task.late_result ? ", late" : ""}`, "lr-result-ok"]);
    if (task.success === false) facts.push(["Result", `Failed${task.failure_reason ? `: ${task.failure_reason}` : ""}${task.late_result ? " (late)" : ""}`, "lr-result-bad"]);
  }
  for (const [k, v] of fields) facts.push([k, v]);
  facts.push(["Customer", workflow.customer_id]);
  facts.push(["Started", <time dateTime={workflow.created_at}>{clockTime(workflow.created_at, format)}</time>]);
  const timedOut = task?.status === "TIMED_OUT" || workflow.escalation !== null || workflow.escalation_planned !== null;

  return (
    <article className={`lr-card lr-tone-${words.tone}`} aria-labelledby={titleId} data-status={workflow.status}>
      <header className="lr-card-head">
        <h2 id={titleId} className="lr-card-title">{workflowTitle(workflow)}</h2>
        <span className={`lr-badge lr-tone-${words.tone}`} data-testid="status">{words.label}</span>
      </header>
      <p className="lr-headline">{headline(workflow)}</p>

      {countdown ? (
        <p className={`lr-countdown${countdown.overdue ? " lr-overdue" : ""}`} role="timer" aria-live="off" aria-label={countdown.overdue ? `Overdue by ${countdown.spoken}` : `${countdown.spoken} left`}>
          {countdown.overdue ? (
            <>
              <strong>Overdue by {countdown.clock}</strong> · Longrun escalates on its next check
            </>
          ) : (
            <>
              <strong>{countdown.clock}</strong> left · due {clockTime(task!.deadline_at, format)}
            </>
          )}
        </p>
      ) : null}

      <dl className="lr-facts">
        {facts.map(([label, value, className], i) => (
          <div key={`${i}-${label}`} className="lr-fact">
            <dt>{label}</dt>
            <dd className={className}>{value}</dd>
          </div>
        ))}
      </dl>

      {timedOut ? (
        <section className="lr-timeout" aria-label="On timeout">
          <h3>On timeout</h3>
          <p>
            {task?.timed_out_at ? <>No answer by {clockTime(task.timed_out_at, format)}. </> : "No answer by the deadline. "}
            {workflow.escalation?.path === "NOTICE"
              ? <>At {clockTime(workflow.escalation.at, format)} Longrun {escalationDoneWords.NOTICE}. {noticeWords(workflow)}</>
              : workflow.escalation
              ? <>Longrun {escalationDoneWords[workflow.escalation.path]} at {clockTime(workflow.escalation.at, format)}.</>
              : <>Longrun is escalating: the timeout flow if the customer is still connected, otherwise a callback or a notice.</>}
            {task?.late_result ? <> Then the result arrived late: {task.success ? "success" : `failed${task.failure_reason ? ` (${task.failure_reason})` : ""}`}.</> : null}
          </p>
        </section>
      ) : null}

      <details className="lr-details" open>
        <summary>Timeline ({workflow.events.length}{workflow.events_truncated ? "+" : ""} events)</summary>
        <WorkflowTimeline events={workflow.events} truncated={workflow.events_truncated} format={format} />
      </details>
    </article>
  );
}
