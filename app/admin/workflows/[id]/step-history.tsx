import type { Speech, Translator } from "@/lib/i18n/messages";
import type { PanelProcess, PanelStepAttempt } from "@/lib/panel/panel-types";
import { shortError } from "@/lib/panel/panel-glance";
import { LocalTime } from "@/app/admin/local-time";

function Maybe({ iso, speech, t }: { iso: string | null; speech: Speech; t: Translator }) {
  return iso ? <LocalTime iso={iso} locale={speech.formatLocale} /> : <>{t("admin.none")}</>;
}

/** Each step the process went through, one row per attempt: outcome, reason, times, and what comes next (a retry or a wake-up). */
export function StepHistory({ process, speech, t }: { process: PanelProcess; speech: Speech; t: Translator }) {
  return (
    <>
      <h2>{t("process.historyTitle")}</h2>
      <p className="facts">
        {t("process.processFacts", { name: process.name, version: process.version })}
        {" · "}
        <span data-testid="process-step">{t("process.stepOf", { position: process.step_position, count: process.step_count, title: process.step_title })}</span>
        {process.ended ? <> · {process.ended.outcome === "COMPLETED" ? t("process.endedCompleted") : t("process.endedFailed", { reason: process.ended.reason ?? "FAILED" })}</> : null}
      </p>
      {process.steps.length === 0 ? (
        <p className="muted">{t("process.noSteps")}</p>
      ) : (
        <table data-testid="step-history">
          <thead>
            <tr>
              <th scope="col">{t("process.colStep")}</th>
              <th scope="col">{t("process.colAttempt")}</th>
              <th scope="col">{t("process.colOutcome")}</th>
              <th scope="col">{t("process.colReason")}</th>
              <th scope="col">{t("process.colStarted")}</th>
              <th scope="col">{t("process.colEnded")}</th>
              <th scope="col">{t("process.colNext")}</th>
            </tr>
          </thead>
          <tbody>
            {process.steps.flatMap((step, i) => {
              const rows: Array<PanelStepAttempt | null> = step.kind === "wait" ? [null] : step.attempts;
              return rows.map((attempt, j) => {
                const last = j === rows.length - 1;
                const outcome = attempt && !last ? (attempt.status === "SUCCEEDED" ? "succeeded" : attempt.status === "TIMED_OUT" ? "timed_out" : "failed") : step.outcome;
                const reason = attempt?.reason ?? (last && step.escalated ? step.escalated.reason : null);
                return (
                  <tr key={`${i}-${j}`} data-step={step.step} data-outcome={outcome}>
                    <td>{j === 0 ? t("process.stepOf", { position: step.position, count: process.step_count, title: step.title }) : ""}</td>
                    <td>{attempt ? t("process.attempt", { attempt: attempt.attempt, max: step.max_attempts }) : t("admin.none")}</td>
                    <td>{t(`process.outcome.${outcome}`)}</td>
                    <td>{reason ? <span title={reason}>{shortError(reason).short}</span> : t("admin.none")}</td>
                    <td><Maybe iso={attempt?.started_at ?? step.started_at} speech={speech} t={t} /></td>
                    <td><Maybe iso={attempt?.ended_at ?? (step.kind === "wait" ? step.ended_at : null)} speech={speech} t={t} /></td>
                    <td>
                      {attempt?.retry_at ? (
                        <Maybe iso={attempt.retry_at} speech={speech} t={t} />
                      ) : step.kind === "wait" ? (
                        <Maybe iso={step.woke_at ?? step.wake_at} speech={speech} t={t} />
                      ) : (
                        t("admin.none")
                      )}
                    </td>
                  </tr>
                );
              });
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
