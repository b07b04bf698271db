import type { Speech, Translator } from "@/lib/i18n/messages";
import { clockTime, dateTimeWithZone, utcTitle } from "@/lib/i18n/format";
import type { PanelProcess, PanelStep } from "@/lib/panel/panel-types";
import { shortError } from "@/lib/panel/panel-glance";

const outcomeTone: Record<PanelStep["outcome"], string> = {
  running: "progress",
  retrying: "warning",
  succeeded: "success",
  failed: "danger",
  timed_out: "warning",
  escalated: "warning",
  waiting: "progress",
  woke: "success",
  cancelled: "neutral",
};

/** Today's times as a clock time; a wake-up a day away with its date. */
function when(iso: string, now: Date, speech: Speech): string {
  return Math.abs(Date.parse(iso) - now.getTime()) < 12 * 3600_000 ? clockTime(iso, speech) : dateTimeWithZone(iso, speech);
}

function Time({ iso, now, speech }: { iso: string; now: Date; speech: Speech }) {
  return <time dateTime={iso} title={utcTitle(iso)}>{when(iso, now, speech)}</time>;
}

/** A process at a glance: "Step 2 of 3 · Credit check", then each step it went through with its outcome, retries and waits. */
export function ProcessSteps({ process, now, speech, t }: { process: PanelProcess; now: Date; speech: Speech; t: Translator }) {
  return (
    <section className="lr-process" aria-label={t("process.stepsLabel")} data-testid="process">
      <p className="lr-process-step" data-testid="process-step">
        {t("process.stepOf", { position: process.step_position, count: process.step_count, title: process.step_title })}
      </p>
      <ol className="lr-steps">
        {process.steps.map((step, i) => (
          <li key={`${i}-${step.step}`} className={`lr-step lr-tone-${outcomeTone[step.outcome]}`} data-step={step.step} data-outcome={step.outcome}>
            <span className="lr-step-title">{step.title}</span>
            <span className="lr-step-outcome">{t(`process.outcome.${step.outcome}`)}</span>
            {step.attempts.length > 1 || step.max_attempts > 1 ? (
              <span className="lr-step-line">{t("process.attempt", { attempt: step.attempts.at(-1)?.attempt ?? 1, max: step.max_attempts })}</span>
            ) : null}
            {step.attempts
              .filter((a) => a.status === "FAILED" || a.status === "TIMED_OUT")
              .map((a) => (
                <span key={a.task_id} className="lr-step-line" data-testid="attempt-failed">
                  {a.status === "TIMED_OUT" && (a.reason === "TIMEOUT" || a.reason === null)
                    ? t("process.attemptTimedOut", { attempt: a.attempt })
                    : t("process.attemptFailed", { attempt: a.attempt, reason: shortError(a.reason ?? "FAILED").short })}
                </span>
              ))}
            {step.next_attempt ? (
              <span className="lr-step-line lr-step-next" data-testid="next-attempt">
                {t("process.nextAttempt", { attempt: step.next_attempt.attempt, max: step.max_attempts, time: "\u0000", reason: shortError(step.next_attempt.reason).short })
                  .split("\u0000")
                  .flatMap((part, j) => (j === 0 ? [part] : [<Time key={j} iso={step.next_attempt!.at} now={now} speech={speech} />, part]))}
              </span>
            ) : null}
            {step.kind === "wait" && step.outcome === "waiting" && step.wake_at ? (
              <span className="lr-step-line" data-testid="wakes-at">
                {t("process.wakesAt", { time: "\u0000" })
                  .split("\u0000")
                  .flatMap((part, j) => (j === 0 ? [part] : [<Time key={j} iso={step.wake_at!} now={now} speech={speech} />, part]))}
              </span>
            ) : null}
            {step.kind === "wait" && step.woke_at ? <span className="lr-step-line">{t("process.wokeAt", { time: when(step.woke_at, now, speech) })}</span> : null}
            {step.escalated ? <span className="lr-step-line">{t("process.escalatedBecause", { reason: shortError(step.escalated.reason ?? step.escalated.cause).short })}</span> : null}
          </li>
        ))}
      </ol>
      {process.ended ? (
        <p className="lr-step-line" data-testid="process-ended">
          {process.ended.outcome === "COMPLETED" ? t("process.endedCompleted") : t("process.endedFailed", { reason: shortError(process.ended.reason ?? "FAILED").short })}
        </p>
      ) : null}
    </section>
  );
}
