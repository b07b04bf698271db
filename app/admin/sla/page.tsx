import { orgTaskTypeNames } from "@/lib/admin/org-task-type-names";
import { requireAdmin } from "@/lib/auth/admin-session";
import { maxSlaRangeDays, slaReport, slaQuerySchema } from "@/lib/admin/sla-report";
import { AppError } from "@/lib/errors/app-error";
import { formatNumber, shortDuration } from "@/lib/i18n/format";
import { requestSpeech } from "@/lib/i18n/request-speech";
import { taskTypeWords } from "@/lib/panel/status-words";
import { AdminShell } from "@/app/admin/admin-shell";
import { LocalDateTimeInput, LocalTime } from "@/app/admin/local-time";
import { OverTimeChart, PercentileChart, type ChartWords } from "@/app/admin/sla/sla-charts";
import { ProcessSla } from "@/app/admin/sla/sla-processes";

export const dynamic = "force-dynamic";

const asUtc = (v: string | undefined) => (v && !/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? `${v}Z` : v);

export default async function SlaPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const { speech, t } = await requestSpeech();
  const names = await orgTaskTypeNames(session.orgId, speech.locale);
  const raw = await searchParams;
  const from = typeof raw.from === "string" ? raw.from : "";
  const to = typeof raw.to === "string" ? raw.to : "";
  const parsed = slaQuerySchema.safeParse({ from: asUtc(from) ?? "", to: asUtc(to) ?? "" });
  let report: Awaited<ReturnType<typeof slaReport>> | null = null;
  let problem: string | null = parsed.success ? null : t("sla.notDates");
  if (parsed.success) {
    try {
      report = await slaReport(session.orgId, parsed.data);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      // The report's range rules (lib/admin/sla-report.ts slaRange), said in the admin's words.
      const end = parsed.data.to ?? new Date();
      const start = parsed.data.from ?? new Date(end.getTime() - 86_400_000);
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) problem = t("sla.notDates");
      else if (start >= end) problem = t("sla.fromAfterTo");
      else if ((end.getTime() - start.getTime()) / 86_400_000 > maxSlaRangeDays) problem = t("sla.tooLong", { days: maxSlaRangeDays });
      else problem = t("sla.notDates");
    }
  }
  const bucket = report?.bucket ?? "hour";
  const percent = (part: number, whole: number) => formatNumber(whole ? part / whole : 0, speech, { style: "percent", maximumFractionDigits: 1 });
  const words: ChartWords = {
    noResults: t("sla.noResults"),
    noActivity: t("sla.noActivity"),
    percentilesLabel: t("sla.percentilesLabel"),
    overTimeLabel: t("sla.overTimeLabel"),
    full: formatNumber(1, speech, { style: "percent" }),
    zero: formatNumber(0, speech, { style: "percent" }),
  };
  const rows = (report?.perTaskType ?? []).map((r) => ({
    ...r,
    label: taskTypeWords(r.taskType, names),
    p50: t("sla.p50Value", { value: shortDuration(r.p50Seconds, speech) }),
    p95: t("sla.p95Value", { value: shortDuration(r.p95Seconds, speech) }),
  }));
  const buckets = (report?.overTime ?? []).map((b) => ({
    ...b,
    label: new Intl.DateTimeFormat(speech.formatLocale, bucket === "hour" ? { hour: "numeric", minute: "2-digit", timeZone: "UTC" } : { month: "short", day: "numeric", timeZone: "UTC" }).format(b.start),
    title: t("sla.bucketTitle", {
      time: new Intl.DateTimeFormat(speech.formatLocale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(b.start),
      late: b.lateResults,
      timedOut: b.timedOut,
      dispatched: b.dispatched,
    }),
  }));
  return (
    <AdminShell session={session} active="sla">
      <h1>{t("admin.navSla")}</h1>
      <form className="filters" method="get" action="/admin/sla">
        <LocalDateTimeInput name="from" label={t("admin.filterFrom")} value={from || undefined} />
        <LocalDateTimeInput name="to" label={t("admin.filterTo")} value={to || undefined} />
        <span>
          <button type="submit">{t("sla.show")}</button> <span className="muted" style={{ whiteSpace: "nowrap" }}>{t("sla.defaultRange")}</span>
        </span>
      </form>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {report && (
        <>
          <p className="muted">
            <LocalTime iso={report.from.toISOString()} locale={speech.formatLocale} /> → <LocalTime iso={report.to.toISOString()} locale={speech.formatLocale} />
            {t("sla.perBucket", { bucket })} {t("sla.rangeNote")}
          </p>
          <h2>{t("sla.timeToResult")}</h2>
          <p className="muted">{t("sla.timeToResultNote")}</p>
          <PercentileChart rows={rows} words={words} />
          <table data-testid="sla-table">
            <thead>
              <tr>
                <th scope="col">{t("settings.colTaskType")}</th>
                <th scope="col">{t("sla.colDispatched")}</th>
                <th scope="col">{t("sla.colResults")}</th>
                <th scope="col">{t("sla.colP50")}</th>
                <th scope="col">{t("sla.colP95")}</th>
                <th scope="col" title={t("sla.timedOutHint")}>
                  {t("sla.colTimedOut")}
                </th>
                <th scope="col">{t("sla.colLate")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.taskType} data-task-type={r.taskType}>
                  <td title={r.taskType}>{r.label}</td>
                  <td>{formatNumber(r.dispatched, speech)}</td>
                  <td>{formatNumber(r.results, speech)}</td>
                  <td>{shortDuration(r.p50Seconds, speech)}</td>
                  <td>{shortDuration(r.p95Seconds, speech)}</td>
                  <td>{t("sla.timedOutCell", { count: formatNumber(r.timedOut, speech), rate: percent(r.timedOut, r.dispatched) })}</td>
                  <td>{formatNumber(r.lateResults, speech)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t("sla.overTime")}</h2>
          <p className="muted">{t("sla.overTimeNote", { bucket })}</p>
          <OverTimeChart buckets={buckets} words={words} />
          <ProcessSla orgId={session.orgId} from={report.from} to={report.to} />
        </>
      )}
    </AdminShell>
  );
}
