// The SLA rollup job: adds each org's SLA events (lib/admin/sla-facts.ts) to
// counters (SlaPeriod) and time-to-result histograms (SlaDurationBucket), per
// hour and per day, and moves the org's watermark (SlaRollupState) past them
// in the same transaction. The report reads the part of a range below the
// watermark from these tables and only the rest from the Event table.
//
// Each chunk locks the org's watermark row (FOR UPDATE SKIP LOCKED), adds
// the events in [watermark, end) and moves the watermark to `end` before it
// commits: a crash rolls all of it back, and a concurrent run skips the org
// instead of adding the same events twice.
import { clock } from "@/lib/clock";
import { db, transactionOptions } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { slaCounters, slaFacts, slaGrains, type SlaGrain } from "@/lib/admin/sla-facts";

/**
 * Events younger than this are left for a later run. An event's createdAt is
 * its writer's clock when the write began, but other transactions see it only
 * once it commits: a change is one statement (lib/workflows/workflow-store.ts)
 * that may wait on row locks, the timeout sweep's batch is a transaction of at
 * most 20 s (transactionOptions), and app instances' clocks differ a little.
 * An event that became visible after the watermark had passed its createdAt
 * would never be rolled up; two minutes leaves a wide margin. The report
 * reads this recent part live, so the lag never shows.
 */
export const settleLagMs = 2 * 60_000;
/** One statement adds at most a day of an org's events: catching up years of history is many bounded steps. */
export const rollupChunkMs = 86_400_000;
/** A run starts no new chunk after this long (the cron route may take 60 s); the next run continues. */
const defaultBudgetMs = 30_000;

const slaEventTypes = ["TASK_DISPATCHED", "TASK_SUCCEEDED", "TASK_FAILED", "TASK_TIMED_OUT", "LATE_RESULT"] as const;

export interface SlaRollupRun {
  /** Orgs looked at. */
  orgs: number;
  /** Chunks added, one transaction each. */
  chunks: number;
  /** SLA events added. */
  events: number;
  /** Orgs not caught up by this run: out of time, or another run held them. */
  behind: number;
  /** Orgs whose rollup failed (logged); the others went on. */
  failed: number;
}

export interface SlaRollupOptions {
  /** Defaults to the clock; events up to now − settleLagMs are added. */
  now?: Date;
  budgetMs?: number;
  /** Only these orgs; default: every org. */
  orgIds?: string[];
}

/** The rollup of every org (or the given ones) up to now − settleLagMs. */
export async function rollUpSla(options: SlaRollupOptions = {}): Promise<SlaRollupRun> {
  const prisma = await db();
  const until = new Date((options.now ?? clock.now()).getTime() - settleLagMs);
  // Wall time, not the clock: the budget is about how long this process works.
  const deadline = Date.now() + (options.budgetMs ?? defaultBudgetMs);
  const orgIds = options.orgIds ?? (await prisma.org.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((o) => o.id);
  const run: SlaRollupRun = { orgs: orgIds.length, chunks: 0, events: 0, behind: 0, failed: 0 };
  for (const orgId of orgIds) {
    try {
      if (!(await rollUpOrg(orgId, until, deadline, run))) run.behind++;
    } catch (error) {
      // One org's trouble (e.g. it was deleted mid-run) must not hold back the others.
      run.failed++;
      log.error("sla_rollup.failed", { orgId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return run;
}

/** Chunks of one org until its watermark reaches `until`; false when left behind. */
async function rollUpOrg(orgId: string, until: Date, deadline: number, run: SlaRollupRun): Promise<boolean> {
  const prisma = await db();
  await startWatermark(orgId, until);
  for (;;) {
    if (Date.now() > deadline) return false;
    const step = await prisma.$transaction(async (tx) => {
      const [state] = await tx.$queryRaw<Array<{ rolledUpTo: Date }>>`
        SELECT "rolledUpTo" FROM "SlaRollupState" WHERE "orgId" = ${orgId}::uuid FOR UPDATE SKIP LOCKED`;
      if (!state) return "no-row" as const;
      const from = state.rolledUpTo;
      if (from >= until) return "caught-up" as const;
      const to = new Date(Math.min(from.getTime() + rollupChunkMs, until.getTime()));
      const [added] = await tx.$queryRaw<Array<{ events: number }>>(addChunkSql(orgId, from, to));
      await tx.$executeRaw`UPDATE "SlaRollupState" SET "rolledUpTo" = ${to} WHERE "orgId" = ${orgId}::uuid`;
      return { events: added?.events ?? 0, done: to >= until };
    }, transactionOptions);
    if (step === "caught-up") return true;
    if (step === "no-row") {
      // No row at all: the org has no SLA event yet (caught up). A locked one: another run holds it.
      return (await prisma.slaRollupState.count({ where: { orgId } })) === 0;
    }
    run.chunks++;
    run.events += step.events;
    if (step.done) return true;
  }
}

/**
 * An org's first watermark: its first SLA event, so the first run starts
 * where its history starts (one index probe per event type), but never later
 * than `until`: an event still settling could carry an earlier time than the
 * first one visible now. Nothing for an org without SLA events.
 */
async function startWatermark(orgId: string, until: Date): Promise<void> {
  const prisma = await db();
  const firsts = slaEventTypes.map((type) => Prisma.sql`(SELECT min("createdAt") FROM "Event" WHERE "orgId" = ${orgId}::uuid AND "type" = ${type})`);
  await prisma.$executeRaw`
    INSERT INTO "SlaRollupState" ("orgId", "rolledUpTo")
    SELECT ${orgId}::uuid, LEAST(f.first, ${until})
    FROM (SELECT LEAST(${Prisma.join(firsts, ", ")}) AS first) f
    WHERE f.first IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "SlaRollupState" WHERE "orgId" = ${orgId}::uuid)
    ON CONFLICT ("orgId") DO NOTHING`;
}

/** Adds the org's SLA events of [from, to) to the rollup rows of both grains; answers how many there were. */
export function addChunkSql(orgId: string, from: Date, to: Date): Prisma.Sql {
  const addPeriods = (grain: SlaGrain) => Prisma.sql`
    ${Prisma.raw(`${grain}_periods`)} AS (
      INSERT INTO "SlaPeriod" ("orgId", "grain", "periodStart", "taskType", "dispatched", "results", "timedOut", "lateResults")
      SELECT ${orgId}::uuid, ${grain}, date_trunc(${grain}, at), task_type, ${slaCounters}
      FROM facts
      GROUP BY 3, 4
      ON CONFLICT ("orgId", "grain", "periodStart", "taskType") DO UPDATE SET
        "dispatched" = "SlaPeriod"."dispatched" + EXCLUDED."dispatched",
        "results" = "SlaPeriod"."results" + EXCLUDED."results",
        "timedOut" = "SlaPeriod"."timedOut" + EXCLUDED."timedOut",
        "lateResults" = "SlaPeriod"."lateResults" + EXCLUDED."lateResults"
    )`;
  const addDurations = (grain: SlaGrain) => Prisma.sql`
    ${Prisma.raw(`${grain}_durations`)} AS (
      INSERT INTO "SlaDurationBucket" ("orgId", "grain", "periodStart", "taskType", "bucket", "count")
      SELECT ${orgId}::uuid, ${grain}, date_trunc(${grain}, at), task_type, bucket, count(*)::int
      FROM facts
      WHERE bucket IS NOT NULL
      GROUP BY 3, 4, 5
      ON CONFLICT ("orgId", "grain", "periodStart", "taskType", "bucket") DO UPDATE SET "count" = "SlaDurationBucket"."count" + EXCLUDED."count"
    )`;
  return Prisma.sql`
    WITH facts AS (${slaFacts(orgId, from, to)}),
    ${Prisma.join([...slaGrains.map(addPeriods), ...slaGrains.map(addDurations)], ",")}
    SELECT count(*)::int AS events FROM facts`;
}
