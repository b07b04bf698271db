// The SLA of processes, per process and per step, from the event log of one
// org over a report range (lib/admin/sla-report.ts's slaRange: at most 90
// days). Like the task figures, each event counts in the period it happened
// in:
//
// - per process: the runs that ended in the range (PROCESS_ENDED, or
//   STEP_ESCALATED — the process leaves Longrun's hands for the escalation),
//   their time from the workflow's start to that end, the share that failed
//   (ended FAILED, or escalated after a failure), timed out (escalated after a
//   timeout) or needed at least one retry; and the runs started in the range.
// - per step: the attempts dispatched in the range (TASK_DISPATCHED of a
//   step), the results that arrived in it and their time from their
//   attempt's dispatch, and per attempt that ended (result or timeout) the
//   share that failed or timed out; retries scheduled per attempt dispatched.
//
// Percentiles are exact (percentile_cont). Every scan is an index range:
// Event(orgId, type, createdAt) for the range, Workflow's primary key for the
// process name, Event(orgId, workflowId, id) for an attempt's dispatch and a
// run's retries.
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { taskDispatchJoin } from "@/lib/admin/sla-facts";

export interface SlaPerProcess {
  process: string;
  /** Runs started in the range. */
  started: number;
  /** Runs that ended in the range (completed, failed or escalated). */
  ended: number;
  completed: number;
  /** Ended FAILED, or escalated after a failure. */
  failed: number;
  /** Escalated after a timeout. */
  timedOut: number;
  /** Ended runs that retried some step at least once. */
  retried: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  failureRate: number | null;
  timeoutRate: number | null;
  retryRate: number | null;
}

export interface SlaPerStep {
  process: string;
  step: string;
  /** Attempts dispatched in the range. */
  attempts: number;
  /** Results (success or failure) that arrived in the range. */
  results: number;
  failed: number;
  timedOut: number;
  /** Retries scheduled in the range. */
  retries: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  /** Failures per attempt that ended (result or timeout) in the range. */
  failureRate: number | null;
  timeoutRate: number | null;
  /** Retries per attempt dispatched. */
  retryRate: number | null;
}

export interface SlaProcessReport {
  perProcess: SlaPerProcess[];
  perStep: SlaPerStep[];
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function slaPerStepSql(orgId: string, from: Date, to: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT w."processName" AS process, e."data" ->> 'step' AS step,
           count(*) FILTER (WHERE e."type" = 'TASK_DISPATCHED')::int AS attempts,
           count(*) FILTER (WHERE e."type" IN ('TASK_SUCCEEDED', 'TASK_FAILED'))::int AS results,
           count(*) FILTER (WHERE e."type" = 'TASK_FAILED')::int AS failed,
           count(*) FILTER (WHERE e."type" = 'TASK_TIMED_OUT')::int AS timed_out,
           count(*) FILTER (WHERE e."type" = 'STEP_RETRY_SCHEDULED')::int AS retries,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (e."createdAt" - d."createdAt"))::float8)
             FILTER (WHERE e."type" IN ('TASK_SUCCEEDED', 'TASK_FAILED') AND d."createdAt" IS NOT NULL) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (e."createdAt" - d."createdAt"))::float8)
             FILTER (WHERE e."type" IN ('TASK_SUCCEEDED', 'TASK_FAILED') AND d."createdAt" IS NOT NULL) AS p95
    FROM "Event" e
    JOIN "Workflow" w ON w."orgId" = e."orgId" AND w."id" = e."workflowId"
    ${taskDispatchJoin(Prisma.sql`e."type" IN ('TASK_SUCCEEDED', 'TASK_FAILED')`)}
    WHERE e."orgId" = ${orgId}::uuid
      AND e."type" IN ('TASK_DISPATCHED', 'TASK_SUCCEEDED', 'TASK_FAILED', 'TASK_TIMED_OUT', 'STEP_RETRY_SCHEDULED')
      AND e."createdAt" >= ${from} AND e."createdAt" < ${to}
      AND w."processName" IS NOT NULL
      AND e."data" ->> 'step' IS NOT NULL
    GROUP BY 1, 2`;
}

export function slaPerProcessSql(orgId: string, from: Date, to: Date): Prisma.Sql {
  const seconds = Prisma.sql`EXTRACT(EPOCH FROM (e."createdAt" - w."createdAt"))::float8`;
  return Prisma.sql`
    WITH ends AS (
      SELECT w."processName" AS process, ${seconds} AS seconds,
             CASE WHEN e."type" = 'PROCESS_ENDED' THEN e."data" ->> 'outcome' WHEN e."data" ->> 'cause' = 'timeout' THEN 'TIMED_OUT' ELSE 'FAILED' END AS outcome,
             EXISTS (
               SELECT 1 FROM "Event" r
               WHERE r."orgId" = e."orgId" AND r."workflowId" = e."workflowId" AND r."id" < e."id" AND r."type" = 'STEP_RETRY_SCHEDULED'
             ) AS retried
      FROM "Event" e
      JOIN "Workflow" w ON w."orgId" = e."orgId" AND w."id" = e."workflowId"
      WHERE e."orgId" = ${orgId}::uuid
        AND e."type" IN ('PROCESS_ENDED', 'STEP_ESCALATED')
        AND e."createdAt" >= ${from} AND e."createdAt" < ${to}
        AND w."processName" IS NOT NULL
    ),
    started AS (
      SELECT w."processName" AS process, count(*)::int AS started
      FROM "Workflow" w
      WHERE w."orgId" = ${orgId}::uuid AND w."createdAt" >= ${from} AND w."createdAt" < ${to} AND w."processName" IS NOT NULL
      GROUP BY 1
    ),
    ended AS (
      SELECT process,
             count(*)::int AS ended,
             count(*) FILTER (WHERE outcome = 'COMPLETED')::int AS completed,
             count(*) FILTER (WHERE outcome = 'FAILED')::int AS failed,
             count(*) FILTER (WHERE outcome = 'TIMED_OUT')::int AS timed_out,
             count(*) FILTER (WHERE retried)::int AS retried,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) AS p95
      FROM ends
      GROUP BY 1
    )
    SELECT COALESCE(s.process, n.process) AS process, COALESCE(s.started, 0) AS started,
           COALESCE(n.ended, 0) AS ended, COALESCE(n.completed, 0) AS completed, COALESCE(n.failed, 0) AS failed,
           COALESCE(n.timed_out, 0) AS timed_out, COALESCE(n.retried, 0) AS retried, n.p50, n.p95
    FROM started s FULL JOIN ended n ON n.process = s.process`;
}

interface StepRow {
  process: string;
  step: string;
  attempts: number;
  results: number;
  failed: number;
  timed_out: number;
  retries: number;
  p50: number | null;
  p95: number | null;
}

interface ProcessRow {
  process: string;
  started: number;
  ended: number;
  completed: number;
  failed: number;
  timed_out: number;
  retried: number;
  p50: number | null;
  p95: number | null;
}

/** The process and step figures of [from, to) (a range slaRange checked). */
export async function slaProcessReport(orgId: string, from: Date, to: Date): Promise<SlaProcessReport> {
  const prisma = await db();
  const [steps, processes] = await Promise.all([
    prisma.$queryRaw<StepRow[]>(slaPerStepSql(orgId, from, to)),
    prisma.$queryRaw<ProcessRow[]>(slaPerProcessSql(orgId, from, to)),
  ]);
  const byName = <T extends { process: string }>(a: T, b: T) => (a.process < b.process ? -1 : a.process > b.process ? 1 : 0);
  return {
    perProcess: processes
      .map((r): SlaPerProcess => {
        const ended = Number(r.ended);
        return {
          process: r.process,
          started: Number(r.started),
          ended,
          completed: Number(r.completed),
          failed: Number(r.failed),
          timedOut: Number(r.timed_out),
          retried: Number(r.retried),
          p50Seconds: num(r.p50),
          p95Seconds: num(r.p95),
          failureRate: rate(Number(r.failed), ended),
          timeoutRate: rate(Number(r.timed_out), ended),
          retryRate: rate(Number(r.retried), ended),
        };
      })
      .sort(byName),
    perStep: steps
      .map((r): SlaPerStep => {
        const finished = Number(r.results) + Number(r.timed_out);
        return {
          process: r.process,
          step: r.step,
          attempts: Number(r.attempts),
          results: Number(r.results),
          failed: Number(r.failed),
          timedOut: Number(r.timed_out),
          retries: Number(r.retries),
          p50Seconds: num(r.p50),
          p95Seconds: num(r.p95),
          failureRate: rate(Number(r.failed), finished),
          timeoutRate: rate(Number(r.timed_out), finished),
          retryRate: rate(Number(r.retries), Number(r.attempts)),
        };
      })
      .sort((a, b) => byName(a, b) || (a.step < b.step ? -1 : a.step > b.step ? 1 : 0)),
  };
}
