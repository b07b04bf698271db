// SLA figures from the event log, for one org and a time range of up to 90
// days: time to result p50/p95 per task type; dispatches, results, timeouts
// and late results per task type and over time (hour or day buckets). Each
// event counts in the period it happened in (lib/admin/sla-facts.ts): a
// dispatch when it was dispatched, a result and its time to result when the
// result arrived.
//
// The part of the range the org's rollup watermark has passed is read from
// the rollup tables (lib/admin/sla-rollup.ts), from the range's first whole
// hour on; the rest (a partial first hour, a partial last hour before the
// watermark, and whatever the job has not rolled up yet) is computed live
// from the Event table by the same SQL. The figures are the same whether
// the job has run or not; the job only makes them cheap. Percentiles come from
// a log-scale histogram (lib/admin/sla-histogram.ts): within a factor of
// 2^(1/8) of the exact percentile_cont, −8.3 % to +9.1 %.
import { z } from "zod";
import { clock } from "@/lib/clock";
import { db, transactionOptions } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { Prisma } from "@/lib/generated/prisma/client";
import { slaCounters, slaFacts, type SlaGrain } from "@/lib/admin/sla-facts";
import { histogramPercentile, type HistogramBucket } from "@/lib/admin/sla-histogram";

export const maxSlaRangeDays = 90;

export const slaQuerySchema = z.object({
  from: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.date().optional()),
  to: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.date().optional()),
});

/** Each figure counts the events of the range, by when they happened. */
export interface SlaPerTaskType {
  taskType: string;
  /** Tasks dispatched in the range. */
  dispatched: number;
  /** Results (TASK_SUCCEEDED / TASK_FAILED) that arrived in the range, whenever their task was dispatched. */
  results: number;
  /** Time from TASK_DISPATCHED to the result, over the results of the range (histogram estimate). */
  p50Seconds: number | null;
  p95Seconds: number | null;
  /** Tasks that timed out in the range. */
  timedOut: number;
  /** Results that arrived in the range after their task had timed out. */
  lateResults: number;
}

export interface SlaBucket {
  start: Date;
  dispatched: number;
  timedOut: number;
  lateResults: number;
  /** Timeouts per dispatch in the same period. */
  timeoutRate: number | null;
}

export interface SlaReport {
  from: Date;
  to: Date;
  bucket: "hour" | "day";
  perTaskType: SlaPerTaskType[];
  overTime: SlaBucket[];
}

export function slaRange(input: { from?: Date | undefined; to?: Date | undefined }): { from: Date; to: Date; bucket: "hour" | "day" } {
  const to = input.to ?? clock.now();
  const from = input.from ?? new Date(to.getTime() - 24 * 3600_000);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new AppError("VALIDATION_FAILED", "from and to must be dates");
  if (from >= to) throw new AppError("VALIDATION_FAILED", "from must be before to");
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  if (days > maxSlaRangeDays) throw new AppError("VALIDATION_FAILED", `the range may span at most ${maxSlaRangeDays} days`);
  return { from, to, bucket: days <= 2 ? "hour" : "day" };
}

const hourMs = 3_600_000;
const dayMs = 86_400_000;
const floorTo = (d: Date, ms: number) => new Date(Math.floor(d.getTime() / ms) * ms);
const ceilTo = (d: Date, ms: number) => new Date(Math.ceil(d.getTime() / ms) * ms);

/** Rollup rows of one grain whose period starts in [from, to). */
export interface SlaRolledSpan {
  grain: SlaGrain;
  from: Date;
  to: Date;
}

/**
 * How a report range is read: events of [from, liveHeadTo) and
 * [liveTailFrom, to) live from the Event table, the middle from rollup rows:
 * SlaPeriod rows of `periods`, SlaDurationBucket rows of `histogram`.
 */
export interface SlaRangeParts {
  from: Date;
  to: Date;
  liveHeadTo: Date;
  liveTailFrom: Date;
  periods: SlaRolledSpan[];
  histogram: SlaRolledSpan[];
}

/**
 * Splits [from, to) into its live edges and its rolled-up middle, which
 * starts at the range's first whole hour. A row holds its period's events up
 * to the watermark. A range that ends before the watermark takes the rows of
 * its whole hours and days; a range that reaches past it also takes the rows
 * of the watermark's own hour and day (their events up to the watermark) and
 * reads only the events from the watermark on live, which keeps the live tail
 * as short as the time since the job last ran. Day rows serve whole days and
 * hour rows the rest, except for an hourly chart's counters, which need hour
 * rows throughout. No watermark, or none past the first whole hour:
 * everything is live.
 */
export function slaRangeParts(from: Date, to: Date, rolledUpTo: Date | null, bucket: "hour" | "day"): SlaRangeParts {
  const rolledFrom = ceilTo(from, hourMs);
  const pastWatermark = rolledUpTo !== null && to > rolledUpTo;
  const rolledTo = rolledUpTo === null ? rolledFrom : pastWatermark ? rolledUpTo : floorTo(to, hourMs);
  if (rolledTo <= rolledFrom) return { from, to, liveHeadTo: to, liveTailFrom: to, periods: [], histogram: [] };
  const hours: SlaRolledSpan[] = [{ grain: "hour", from: rolledFrom, to: rolledTo }];
  const daysFrom = ceilTo(rolledFrom, dayMs);
  // Past the watermark, the watermark's own day row holds the rest of the middle: no hour rows after it.
  const daysTo = pastWatermark ? rolledTo : floorTo(rolledTo, dayMs);
  const mixed: SlaRolledSpan[] =
    daysTo > daysFrom
      ? ([
          { grain: "hour", from: rolledFrom, to: daysFrom },
          { grain: "day", from: daysFrom, to: daysTo },
          { grain: "hour", from: daysTo, to: rolledTo },
        ] satisfies SlaRolledSpan[]).filter((span) => span.to > span.from)
      : hours;
  return { from, to, liveHeadTo: rolledFrom, liveTailFrom: rolledTo, periods: bucket === "hour" ? hours : mixed, histogram: mixed };
}

/** The rollup rows of the spans (none: an empty part). */
function rolledRows(orgId: string, table: "SlaPeriod" | "SlaDurationBucket", columns: Prisma.Sql, spans: SlaRolledSpan[]): Prisma.Sql {
  if (spans.length === 0) return Prisma.empty;
  const selects = spans.map(
    (span) => Prisma.sql`
      SELECT ${columns} FROM ${Prisma.raw(`"${table}"`)}
      WHERE "orgId" = ${orgId}::uuid AND "grain" = ${span.grain} AND "periodStart" >= ${span.from} AND "periodStart" < ${span.to}`,
  );
  return Prisma.sql`UNION ALL ${Prisma.join(selects, " UNION ALL ")}`;
}

/**
 * One statement: counters per chart period and task type, and the
 * time-to-result histogram per task type, each the sum of the live facts of
 * the edges and the rollup rows of the middle. Every scan is an index range
 * over the org and a time range.
 */
export function slaReportSql(orgId: string, parts: SlaRangeParts, bucket: "hour" | "day"): Prisma.Sql {
  return Prisma.sql`
    WITH live AS (
      ${slaFacts(orgId, parts.from, parts.liveHeadTo)}
      UNION ALL
      ${slaFacts(orgId, parts.liveTailFrom, parts.to)}
    ),
    counts AS (
      SELECT date_trunc(${bucket}, at) AS period, task_type, ${slaCounters}
      FROM live
      GROUP BY 1, 2
      ${rolledRows(orgId, "SlaPeriod", Prisma.sql`date_trunc(${bucket}, "periodStart"), "taskType", "dispatched", "results", "timedOut", "lateResults"`, parts.periods)}
    ),
    durations AS (
      SELECT task_type, bucket, 1 AS n FROM live WHERE bucket IS NOT NULL
      ${rolledRows(orgId, "SlaDurationBucket", Prisma.sql`"taskType", "bucket", "count"`, parts.histogram)}
    )
    SELECT period, task_type, NULL::smallint AS bucket,
           sum(dispatched)::int AS dispatched, sum(results)::int AS results, sum(timed_out)::int AS timed_out, sum(late_results)::int AS late_results,
           NULL::int AS durations
    FROM counts
    GROUP BY 1, 2
    UNION ALL
    SELECT NULL, task_type, bucket, NULL, NULL, NULL, NULL, sum(n)::int
    FROM durations
    GROUP BY 2, 3`;
}

interface ReportRow {
  period: Date | null;
  task_type: string;
  bucket: number | null;
  dispatched: number | null;
  results: number | null;
  timed_out: number | null;
  late_results: number | null;
  durations: number | null;
}

export async function slaReport(orgId: string, input: { from?: Date | undefined; to?: Date | undefined }): Promise<SlaReport> {
  const { from, to, bucket } = slaRange(input);
  const prisma = await db();
  // One snapshot for the watermark and the rows: a run that commits in between changes the watermark's own hour and day rows.
  const rows = await prisma.$transaction(
    async (tx) => {
      const state = await tx.slaRollupState.findUnique({ where: { orgId }, select: { rolledUpTo: true } });
      return tx.$queryRaw<ReportRow[]>(slaReportSql(orgId, slaRangeParts(from, to, state?.rolledUpTo ?? null, bucket), bucket));
    },
    { ...transactionOptions, isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );

  const perType = new Map<string, Omit<SlaPerTaskType, "p50Seconds" | "p95Seconds"> & { histogram: HistogramBucket[] }>();
  const periods = new Map<number, SlaBucket>();
  const typeRow = (taskType: string) => {
    let row = perType.get(taskType);
    if (!row) perType.set(taskType, (row = { taskType, dispatched: 0, results: 0, timedOut: 0, lateResults: 0, histogram: [] }));
    return row;
  };
  for (const r of rows) {
    const row = typeRow(r.task_type);
    if (r.bucket !== null) {
      row.histogram.push({ bucket: Number(r.bucket), count: Number(r.durations) });
      continue;
    }
    const dispatched = Number(r.dispatched);
    const timedOut = Number(r.timed_out);
    const lateResults = Number(r.late_results);
    row.dispatched += dispatched;
    row.results += Number(r.results);
    row.timedOut += timedOut;
    row.lateResults += lateResults;
    // The chart shows periods with dispatches, timeouts or late results (results alone do not make a point).
    if (r.period === null || dispatched + timedOut + lateResults === 0) continue;
    const start = new Date(r.period);
    const period = periods.get(start.getTime()) ?? { start, dispatched: 0, timedOut: 0, lateResults: 0, timeoutRate: null };
    period.dispatched += dispatched;
    period.timedOut += timedOut;
    period.lateResults += lateResults;
    periods.set(start.getTime(), period);
  }
  return {
    from,
    to,
    bucket,
    perTaskType: [...perType.values()]
      .sort((a, b) => (a.taskType < b.taskType ? -1 : a.taskType > b.taskType ? 1 : 0))
      .map(({ histogram, ...counts }) => ({ ...counts, p50Seconds: histogramPercentile(histogram, 0.5), p95Seconds: histogramPercentile(histogram, 0.95) })),
    overTime: [...periods.values()]
      .sort((a, b) => a.start.getTime() - b.start.getTime())
      .map((p) => ({ ...p, timeoutRate: p.dispatched > 0 ? p.timedOut / p.dispatched : null })),
  };
}
