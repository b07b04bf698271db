import { slaProcessReport } from "@/lib/admin/sla-processes";
import { formatNumber, shortDuration } from "@/lib/i18n/format";
import { requestSpeech } from "@/lib/i18n/request-speech";
import type { Speech } from "@/lib/i18n/messages";

function percent(value: number | null, speech: Speech): string {
  return value === null ? "—" : formatNumber(value, speech, { style: "percent", maximumFractionDigits: 1 });
}

const figureColumns = ["process.slaColP50", "process.slaColP95", "process.slaColFailure", "process.slaColTimeout", "process.slaColRetry"] as const;

type Figures = { p50Seconds: number | null; p95Seconds: number | null; failureRate: number | null; timeoutRate: number | null; retryRate: number | null };

/** The columns both tables end with: times to result and the three rates. */
function FigureCells({ row, speech }: { row: Figures; speech: Speech }) {
  return (
    <>
      <td>{shortDuration(row.p50Seconds, speech)}</td>
      <td>{shortDuration(row.p95Seconds, speech)}</td>
      <td>{percent(row.failureRate, speech)}</td>
      <td>{percent(row.timeoutRate, speech)}</td>
      <td>{percent(row.retryRate, speech)}</td>
    </>
  );
}

/** The SLA page's process section: per process and per step, for the page's range. */
export async function ProcessSla({ orgId, from, to }: { orgId: string; from: Date; to: Date }) {
  const [{ speech, t }, report] = await Promise.all([requestSpeech(), slaProcessReport(orgId, from, to)]);
  return (
    <section data-testid="sla-processes">
      <h2>{t("process.slaTitle")}</h2>
      <p className="muted">{t("process.slaIntro")}</p>
      {report.perProcess.length === 0 && report.perStep.length === 0 ? (
        <p className="muted">{t("process.slaNone")}</p>
      ) : (
        <>
          <h3>{t("process.slaPerProcess")}</h3>
          <table data-testid="sla-per-process">
            <thead>
              <tr>
                <th scope="col">{t("process.slaColProcess")}</th>
                <th scope="col">{t("process.slaColStarted")}</th>
                <th scope="col">{t("process.slaColEnded")}</th>
                {figureColumns.map((key) => <th key={key} scope="col">{t(key)}</th>)}
              </tr>
            </thead>
            <tbody>
              {report.perProcess.map((r) => (
                <tr key={r.process} data-process={r.process}>
                  <td>{r.process}</td>
                  <td>{r.started}</td>
                  <td>{r.ended}</td>
                  <FigureCells row={r} speech={speech} />
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t("process.slaPerStep")}</h3>
          <table data-testid="sla-per-step">
            <thead>
              <tr>
                <th scope="col">{t("process.slaColProcess")}</th>
                <th scope="col">{t("process.slaColStep")}</th>
                <th scope="col">{t("process.slaColAttempts")}</th>
                <th scope="col">{t("process.slaColResults")}</th>
                {figureColumns.map((key) => <th key={key} scope="col">{t(key)}</th>)}
              </tr>
            </thead>
            <tbody>
              {report.perStep.map((r) => (
                <tr key={`${r.process}/${r.step}`} data-process={r.process} data-step={r.step}>
                  <td>{r.process}</td>
                  <td>{r.step}</td>
                  <td>{r.attempts}</td>
                  <td>{r.results}</td>
                  <FigureCells row={r} speech={speech} />
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
