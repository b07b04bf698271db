import type { ReactNode } from "react";
import type { Speech, Translator } from "@/lib/i18n/messages";
import { clockTime, durationClock, durationWords, utcTitle } from "@/lib/i18n/format";
import type { PanelWorkflow } from "@/lib/panel/panel-types";
import { countdownFor } from "@/lib/panel/countdown";
import { resultFields, shortError } from "@/lib/panel/panel-glance";
import { badgeAccent, escalationPathOf, failureWords, guidance, headline, noticeWords, statusOf, workflowTitle, type TaskTypeNames } from "@/lib/panel/status-words";
import { WorkflowTimeline } from "@/app/panel/workflow-timeline";
import { ProcessSteps } from "@/app/panel/process-steps";

/** Fields shown before "n more fields": enough for a decision, short enough for a 360 px column. */
const shownResultFields = 6;

function Time({ iso, speech }: { iso: string; speech: Speech }) {
  return <time dateTime={iso} title={utcTitle(iso)}>{clockTime(iso, speech)}</time>;
}

export interface WorkflowCardProps {
  workflow: PanelWorkflow;
  now: Date;
  speech: Speech;
  t: Translator;
  names: TaskTypeNames;
  /** Finished workflows start folded to their headline. */
  collapsed?: boolean;
}

/** One workflow at a glance: what is happening, by when, what came back, and what Longrun did about it. */
export function WorkflowCard({ workflow, now, speech, t, names, collapsed = false }: WorkflowCardProps) {
  const status = statusOf(workflow, t);
  const tone = status.tone;
  const task = workflow.task;
  const countdown = countdownFor(workflow, now);
  const titleId = `lr-wf-${workflow.workflow_id}`;
  const title = workflowTitle(workflow, t, names);
  const error = task?.success === false && task.failure_reason ? shortError(task.failure_reason) : null;
  const fields = task?.success === true ? resultFields(task.result_data, speech, t) : [];

  const facts: [string, ReactNode, string?][] = [];
  if (task) {
    facts.push([t("card.taskStatus"), `${t(`status.task.${task.status}`)}${task.late_result ? `${t("common.listSeparator")}${t("card.lateResultArrived")}` : ""}`]);
    if (task.success === true) facts.push([t("card.result"), task.late_result ? t("card.resultSuccessLate") : t("card.resultSuccess"), "lr-result-ok"]);
    if (task.success === false) facts.push([t("card.result"), task.late_result ? t("card.resultFailedLate") : t("card.resultFailed"), "lr-result-bad"]);
  }
  facts.push([t("card.customer"), workflow.session_state === "ENDED" ? t("card.customerLeft", { customer: workflow.customer_id }) : workflow.customer_id]);
  facts.push([t("card.started"), <Time iso={workflow.created_at} speech={speech} />]);
  const timedOut = task?.status === "TIMED_OUT" || workflow.escalation !== null || workflow.escalation_planned !== null;
  const failure = failureWords(workflow, t);
  const advice = guidance(workflow, t, (iso) => clockTime(iso, speech));
  const escalated = workflow.escalation ? { FLOW: "card.escalatedFlow", CALLBACK: "card.escalatedCallback", NOTICE: "card.escalatedNotice" }[escalationPathOf(workflow)] : null;

  const details = (
    <>
      {advice ? (
        <dl className="lr-facts lr-guidance" data-testid="guidance">
          <div className="lr-fact">
            <dt>{t("card.guidanceTitle")}</dt>
            <dd data-testid="guidance-next">{advice.next}</dd>
          </div>
          <div className="lr-fact">
            <dt>{t("card.tellTitle")}</dt>
            <dd data-testid="guidance-tell">{advice.tell}</dd>
          </div>
        </dl>
      ) : null}

      <dl className="lr-facts">
        {facts.map(([label, value, className], i) => (
          <div key={`${i}-${label}`} className="lr-fact">
            <dt>{label}</dt>
            <dd className={className}>{value}</dd>
          </div>
        ))}
      </dl>

      {fields.length > 0 ? (
        <section className="lr-result" aria-label={t("card.resultData")}>
          <dl className="lr-fields" data-testid="result-fields">
            {fields.slice(0, shownResultFields).map((f) => (
              <div key={f.key} className="lr-field">
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
          {fields.length > shownResultFields ? (
            <details className="lr-more">
              <summary>{t("card.moreFields", { count: fields.length - shownResultFields })}</summary>
              <dl className="lr-fields">
                {fields.slice(shownResultFields).map((f) => (
                  <div key={f.key} className="lr-field">
                    <dt>{f.label}</dt>
                    <dd>{f.value}</dd>
                  </div>
                ))}
              </dl>
            </details>
          ) : null}
        </section>
      ) : null}

      {timedOut ? (
        <section className="lr-timeout" aria-label={t("card.onTimeout")}>
          <h4>{t("card.onTimeout")}</h4>
          <p>
            {task?.timed_out_at ? t("card.noAnswerBy", { time: clockTime(task.timed_out_at, speech) }) : t("card.noAnswer")}{" "}
            {workflow.escalation?.path === "NOTICE"
              ? t("card.noticeAt", { time: clockTime(workflow.escalation.at, speech), notice: noticeWords(workflow, t) })
              : escalated && workflow.escalation
                ? t(escalated as "card.escalatedFlow", { time: clockTime(workflow.escalation.at, speech) })
                : workflow.delivery_failure?.kind === "ESCALATE"
                  ? failure
                  : t("card.escalating")}
            {task?.late_result ? <> {task.success ? t("card.lateSuccess") : t("card.lateFailed")}</> : null}
          </p>
        </section>
      ) : null}

      <gux-accordion-section class="lr-timeline-section" data-testid="timeline">
        <h4 slot="header">{workflow.events_truncated ? t("card.timelineMore", { count: workflow.events.length }) : t("card.timeline", { count: workflow.events.length })}</h4>
        <div slot="content">
          <WorkflowTimeline events={workflow.events} truncated={workflow.events_truncated} speech={speech} t={t} names={names} />
        </div>
      </gux-accordion-section>
    </>
  );

  return (
    <article className={`lr-card lr-tone-${tone}${collapsed ? " lr-collapsed" : ""}`} aria-labelledby={titleId} data-status={workflow.status} data-workflow-id={workflow.workflow_id}>
      <header className="lr-card-head">
        <h3 id={titleId} className="lr-card-title">{title}</h3>
        <gux-badge accent={badgeAccent[tone]} data-testid="status">{status.label}</gux-badge>
      </header>
      <p className="lr-headline" data-testid="headline">{headline(workflow, t, names)}</p>
      {workflow.process ? <ProcessSteps process={workflow.process} now={now} speech={speech} t={t} /> : null}
      {workflow.came_from ? (
        <p className="lr-came-from" data-testid="came-from">
          {t(workflow.came_from.kind === "attribute" ? "card.cameFromAttribute" : "card.cameFromCallback", { conversation: workflow.came_from.conversation_id ? `${workflow.came_from.conversation_id.slice(0, 8)}…` : "—" })}
        </p>
      ) : null}
      {failure ? (
        <section className="lr-failure" aria-label={t("card.failureTitle")} data-testid="failure">
          <h4>{t("card.failureTitle")}</h4>
          <p>{failure}</p>
          <p className="lr-muted">{t("card.failureRedrive")}</p>
        </section>
      ) : null}
      {error?.shortened ? (
        <details className="lr-full-error">
          <summary>{t("card.fullError")}</summary>
          <pre>{error.full}</pre>
        </details>
      ) : null}

      {countdown ? (
        <p
          className={`lr-countdown${countdown.overdue ? " lr-overdue" : ""}`}
          role="timer"
          aria-live="off"
          aria-label={countdown.overdue ? t("card.countdownOverdueSpoken", { duration: durationWords(countdown.ms, speech) }) : t("card.countdownLeftSpoken", { duration: durationWords(countdown.ms, speech) })}
        >
          {countdown.overdue
            ? t("card.countdownOverdue", { clock: durationClock(countdown.ms, speech) })
            : t("card.countdownLeft", { clock: durationClock(countdown.ms, speech), time: clockTime(task!.deadline_at, speech) })}
        </p>
      ) : null}

      {collapsed ? (
        <gux-accordion-section class="lr-card-details" data-testid="details">
          <h4 slot="header">{t("card.details")}</h4>
          <div slot="content">{details}</div>
        </gux-accordion-section>
      ) : (
        details
      )}
    </article>
  );
}
