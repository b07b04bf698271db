// SLA figures from the event log, in SQL, for one org and a bounded time
// range: time from TASK_DISPATCHED to the first TASK_SUCCEEDED/TASK_FAILED of
// the same task (p50/p95 per task type), timeouts and late results over time.
// Every scan is an index range over the org and the time range; nothing
// reads the whole table unless the range covers the whole table.
import { z } from "zod";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";

export const maxSlaRangeDays = 90;
/**
 * Outcome events are looked for up to this long after the range ends: the
 * longest task timeout a setting allows (7 days) plus a day for heartbeats and
 * late results. It keeps the outcome scan as bounded as the range itself.
 */
export const resultHorizonDays = 8;

export const slaQuerySchema = z.object({
  from: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.date().optional()),
  to: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.date().optional()),
});

export interface SlaPerTaskType {
  taskType: string;
  dispatched: number;
  results: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  timedOut: number;
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

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export async function slaReport(orgId: string, input: { from?: Date | undefined; to?: Date | undefined }): Promise<SlaReport> {
  const { from, to, bucket } = slaRange(input);
  const prisma = await db();
  // One row per dispatched task with its outcome events joined on: two range scans of
  // Event(orgId, type, createdAt), hash-joined on the task id.
  const horizon = new Date(to.getTime() + resultHorizonDays * 86_400_000);
  const perType = await prisma.$queryRaw<Array<Record<string, unknown>>>`
    WITH per_task AS (
      SELECT d."taskId",
             min(d."createdAt") AS at,
             min(d."data"->>'task_type') AS task_type,
             min(r."createdAt") FILTER (WHERE r."type" IN ('TASK_SUCCEEDED', 'TASK_FAILED')) AS result_at,
             COALESCE(bool_or(r."type" = 'TASK_TIMED_OUT'), false) AS timed_out,
             COALESCE(bool_or(r."type" = 'LATE_RESULT'), false) AS late
      FROM "Event" d
      LEFT JOIN "Event" r
        ON r."orgId" = d."orgId" AND r."taskId" = d."taskId"
       AND r."type" IN ('TASK_SUCCEEDED', 'TASK_FAILED', 'TASK_TIMED_OUT', 'LATE_RESULT')
       AND r."createdAt" >= ${from} AND r."createdAt" < ${horizon}
      WHERE d."orgId" = ${orgId}::uuid AND d."type" = 'TASK_DISPATCHED' AND d."createdAt" >= ${from} AND d."createdAt" < ${to} AND d."taskId" IS NOT NULL
      GROUP BY d."taskId"
    )
    SELECT COALESCE(task_type, '(unknown)') AS task_type,
           count(*)::int AS dispatched,
           count(result_at)::int AS results,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM result_at - at)) FILTER (WHERE result_at IS NOT NULL) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM result_at - at)) FILTER (WHERE result_at IS NOT NULL) AS p95,
           count(*) FILTER (WHERE timed_out)::int AS timed_out,
           count(*) FILTER (WHERE late)::int AS late
    FROM per_task
    GROUP BY 1
    ORDER BY 1`;
  const overTime = await prisma.$queryRaw<Array<Record<string, unknown>>>`
    SELECT date_trunc(${bucket}, e."createdAt") AS start,
           count(*) FILTER (WHERE e."type" = 'TASK_DISPATCHED')::int AS dispatched,
           count(*) FILTER (WHERE e."type" = 'TASK_TIMED_OUT')::int AS timed_out,
           count(*) FILTER (WHERE e."type" = 'LATE_RESULT')::int AS late
    FROM "Event" e
    WHERE e."orgId" = ${orgId}::uuid AND e."type" IN ('TASK_DISPATCHED', 'TASK_TIMED_OUT', 'LATE_RESULT') AND e."createdAt" >= ${from} AND e."createdAt" < ${to}
    GROUP BY 1
    ORDER BY 1`;
  return {
    from,
    to,
    bucket,
    perTaskType: perType.map((r) => ({
      taskType: String(r.task_type),
      dispatched: Number(r.dispatched),
      results: Number(r.results),
      p50Seconds: num(r.p50),
      p95Seconds: num(r.p95),
      timedOut: Number(r.timed_out),
      lateResults: Number(r.late),
    })),
    overTime: overTime.map((r) => {
      const dispatched = Number(r.dispatched);
      const timedOut = Number(r.timed_out);
      return { start: new Date(r.start as string | Date), dispatched, timedOut, lateResults: Number(r.late), timeoutRate: dispatched > 0 ? timedOut / dispatched : null };
    }),
  };
}
