// The SLA's facts, read from the event log: one row per SLA event of an org
// created in [from, to), with its time (`at`), its event type (`event_type`), the
// task type (`task_type`) and, for a result, the histogram bucket of its time
// to result (`bucket`). The rollup job (sla-rollup.ts) and the report's live
// part (sla-report.ts) aggregate these same rows, so the two agree to the event.
//
// Each event counts in the period it happened in: a dispatch when it was
// dispatched, a result (time to result) when the result arrived, a timeout or
// late result when it happened. That makes every period's figures final once
// the period is over, which is what lets the rollup count each hour once.
import { Prisma } from "@/lib/generated/prisma/client";
import { durationBucketSql } from "@/lib/admin/sla-histogram";

/** The periods the rollup keeps rows for (the `grain` column), as date_trunc names them. */
export const slaGrains = ["hour", "day"] as const;
export type SlaGrain = (typeof slaGrains)[number];

/**
 * `d`: the TASK_DISPATCHED event of event `e`'s task (its time and data), for the events `when`
 * selects: an index probe through Event(orgId, workflowId, id) among the workflow's few events.
 */
export function taskDispatchJoin(when: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`LEFT JOIN LATERAL (
      SELECT d."createdAt", d."data"
      FROM "Event" d
      WHERE ${when}
        AND d."orgId" = e."orgId" AND d."workflowId" = e."workflowId" AND d."taskId" = e."taskId" AND d."type" = 'TASK_DISPATCHED'
      ORDER BY d."id"
      LIMIT 1
    ) d ON true`;
}

/**
 * A range scan of Event(orgId, type, createdAt). Results, timeouts and late
 * results find their task's TASK_DISPATCHED (time and task type) among their
 * workflow's few events through Event(orgId, workflowId, id): an index probe
 * per event, with no time horizon to guess. The state machine records at most
 * one TASK_SUCCEEDED/TASK_FAILED per task (a result after the timeout is a
 * LATE_RESULT), so each result event is its task's first.
 */
export function slaFacts(orgId: string, from: Date, to: Date): Prisma.Sql {
  const seconds = Prisma.sql`EXTRACT(EPOCH FROM (e."createdAt" - d."createdAt"))::float8`;
  return Prisma.sql`
    SELECT e."createdAt" AS at,
           e."type" AS event_type,
           COALESCE(CASE WHEN e."type" = 'TASK_DISPATCHED' THEN e."data" ELSE d."data" END ->> 'task_type', '(unknown)') AS task_type,
           CASE WHEN e."type" IN ('TASK_SUCCEEDED', 'TASK_FAILED') AND d."createdAt" IS NOT NULL THEN ${durationBucketSql(seconds)} END AS bucket
    FROM "Event" e
    ${taskDispatchJoin(Prisma.sql`e."type" <> 'TASK_DISPATCHED'`)}
    WHERE e."orgId" = ${orgId}::uuid
      AND e."type" IN ('TASK_DISPATCHED', 'TASK_SUCCEEDED', 'TASK_FAILED', 'TASK_TIMED_OUT', 'LATE_RESULT')
      AND e."createdAt" >= ${from} AND e."createdAt" < ${to}`;
}

/** The counters over slaFacts rows, in the order of SlaPeriod's columns. */
export const slaCounters = Prisma.sql`
  count(*) FILTER (WHERE event_type = 'TASK_DISPATCHED')::int AS dispatched,
  count(*) FILTER (WHERE event_type IN ('TASK_SUCCEEDED', 'TASK_FAILED'))::int AS results,
  count(*) FILTER (WHERE event_type = 'TASK_TIMED_OUT')::int AS timed_out,
  count(*) FILTER (WHERE event_type = 'LATE_RESULT')::int AS late_results`;
