import { requireAdmin } from "@/lib/auth/admin-session";
import { slaReport, slaQuerySchema } from "@/lib/admin/sla-report";
import { AppError } from "@/lib/errors/app-error";
import { AdminShell } from "@/app/admin/admin-shell";
import { seconds, utc } from "@/app/admin/format";
import { OverTimeChart, PercentileChart } from "@/app/admin/sla/sla-charts";
import { ProcessSla } from "@/app/admin/sla/sla-processes";

export const dynamic = "force-dynamic";

const asUtc = (v: string | undefined) => (v && !/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? `${v}Z` : v);

export default async function SlaPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin();
  const raw = await searchParams;
  const from = typeof raw.from === "string" ? raw.from : "";
  const to = typeof raw.to === "string" ? raw.to : "";
  const parsed = slaQuerySchema.safeParse({ from: asUtc(from) ?? "", to: asUtc(to) ?? "" });
  let report: Awaited<ReturnType<typeof slaReport>> | null = null;
  let problem: string | null = parsed.success ? null : "from and to must be dates";
  if (parsed.success) {
    try {
      report = await slaReport(session.orgId, parsed.data);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      problem = error.message;
    }
  }
  return (
    <AdminShell session={session} active="sla">
      <h1>SLA</h1>
      <form className="filters" method="get" action="/admin/sla">
        <label>
          From (UTC)
          <input type="datetime-local" name="from" defaultValue={from} />
        </label>
        <label>
          To (UTC)
          <input type="datetime-local" name="to" defaultValue={to} />
        </label>
        <span>
          <button type="submit">Show</button> <span className="muted" style={{ whiteSpace: "nowrap" }}>default: the last 24 hours</span>
        </span>
      </form>
      {problem && <p className="error">{problem}</p>}
      {report && (
        <>
          <p className="muted">
            {utc(report.from)} → {utc(report.to)}, per {report.bucket}. Every figure counts the events that happened in the range: tasks dispatched in it, results that arrived in it (whenever
            their task was dispatched), timeouts and late results that happened in it.
          </p>
          <h2>Time to result per task type, for results reported in the range</h2>
          <p className="muted">
            From TASK_DISPATCHED to the task&apos;s TASK_SUCCEEDED or TASK_FAILED. p50 and p95 are read from a log-scale histogram (4 buckets per doubling): within 9 % of the exact value.
          </p>
          <PercentileChart rows={report.perTaskType} />
          <table data-testid="sla-table">
            <thead>
              <tr>
                <th>Task type</th>
                <th>Dispatched</th>
                <th>Results</th>
                <th>p50</th>
                <th>p95</th>
                <th title="Timeouts in the range, and per task dispatched in the range">Timed out</th>
                <th>Late results</th>
              </tr>
            </thead>
            <tbody>
              {report.perTaskType.map((r) => (
                <tr key={r.taskType}>
                  <td>{r.taskType}</td>
                  <td>{r.dispatched}</td>
                  <td>{r.results}</td>
                  <td>{seconds(r.p50Seconds)}</td>
                  <td>{seconds(r.p95Seconds)}</td>
                  <td>
                    {r.timedOut} ({r.dispatched ? ((100 * r.timedOut) / r.dispatched).toFixed(1) : "0"}%)
                  </td>
                  <td>{r.lateResults}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Timeout rate and late results over time</h2>
          <p className="muted">Red line: timeouts per dispatch in each {report.bucket}. Yellow bars: late results (results that arrived after the timeout).</p>
          <OverTimeChart buckets={report.overTime} bucket={report.bucket} />
          <ProcessSla orgId={session.orgId} from={report.from} to={report.to} />
        </>
      )}
    </AdminShell>
  );
}
