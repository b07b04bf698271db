// What the sweep benchmarks (timeout-sweep, process-sweep) share: a fresh
// PostgreSQL database with one org, seeded by the module and timed, the
// app's own code pointed at it in this process, the claim's plan as the
// database runs it (EXPLAIN ANALYZE of the writer's builder, in a transaction
// of its own: the claim's row locks end with it), a first batch timed on its own and the rest of the sweep,
// and everything dropped afterwards.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { BenchSettings } from "./bench-module";
import { createBenchDatabase } from "./bench-database";

export interface SweepDatabase {
  /** A connection of the bench's own (counts, checks), not the app's pool. */
  client: pg.Client;
  orgId: string;
  seedSeconds: number;
}

/** Table sizes from `BENCH_<NAME>_SIZES` (comma-separated), else `fallback`; each at least `atLeast`. */
export function sweepSizes(variable: string, fallback: number[], atLeast: number): number[] {
  const raw = process.env[variable];
  const sizes = raw ? raw.split(",").map((s) => Number(s.trim())) : fallback;
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < atLeast)) throw new Error(`${variable}: integers of at least ${atLeast}, comma-separated`);
  return sizes;
}

/**
 * Runs `body` on a fresh database seeded by `seed` (timed), with the app's
 * code in this process pointed at it (DATABASE_URL, errors-only logging);
 * closes the app's pool and drops the database afterwards, whatever happens.
 */
export async function withSweepDatabase<T>(
  settings: BenchSettings,
  label: string,
  seed: (client: pg.Client, orgId: string) => Promise<void>,
  body: (database: SweepDatabase) => Promise<T>,
): Promise<T> {
  const database = await createBenchDatabase("postgres", settings.postgresServerUrl);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const orgId = randomUUID();
    await client.query(`INSERT INTO "Org" ("id", "region", "settings", "updatedAt") VALUES ($1, 'mypurecloud.com', '{}', now())`, [orgId]);
    const seedStart = performance.now();
    await seed(client, orgId);
    // As autovacuum and the checkpointer leave a table whose rows came over days (dashboard-sla does the
    // same): without it the sweep's first reads of a freshly bulk-loaded table set every page's hint bits
    // and write out the seed's dirty pages, a cost of the seed, not of the sweep.
    await client.query(`VACUUM (ANALYZE) "Workflow"`);
    await client.query(`VACUUM (ANALYZE) "Task"`);
    await client.query(`CHECKPOINT`);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    settings.log(`${label}: seeded in ${seedSeconds.toFixed(1)} s`);

    // The sweep runs in this process through the app's own code and driver.
    process.env.DATABASE_URL = database.url;
    process.env.LOG_LEVEL = "error";
    const { resetEnvCache } = await import("@/lib/env");
    resetEnvCache();
    const { closeDb } = await import("@/lib/db/client");
    try {
      return await body({ client, orgId, seedSeconds });
    } finally {
      await closeDb();
    }
  } finally {
    await client.end();
    await database.drop();
  }
}

export interface ClaimPlan {
  /** The plan's scans, sorts and locks with their actual rows, joined by arrows. */
  plan: string;
  /** The plan's first Buffers line ("" without BUFFERS). */
  buffers: string;
}

/** EXPLAIN ANALYZE of the claim the sweep really sends (the writer's builder), through the app's client, in a transaction of its own. */
export async function explainClaim(claim: Prisma.Sql, options: { buffers: boolean; nodes: RegExp }): Promise<ClaimPlan> {
  const { db } = await import("@/lib/db/client");
  const { Prisma: P } = await import("@/lib/generated/prisma/client");
  const explain = options.buffers ? P.raw("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ") : P.raw("EXPLAIN (ANALYZE, TIMING OFF) ");
  const lines = (
    await (await db()).$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ "QUERY PLAN": string }>>(P.sql`${explain}${claim}`);
      return rows.map((r) => r["QUERY PLAN"]);
    })
  );
  return {
    plan: lines
      .filter((line) => options.nodes.test(line) && !/Sort Key/.test(line))
      .map((l) => l.trim().replace(/\(cost=[^)]*\) /, ""))
      .join(" → "),
    buffers: lines.find((line) => /Buffers:/.test(line))?.trim() ?? "",
  };
}

export interface TimedSweep<R> {
  first: R;
  rest: R;
  firstBatchMs: number;
  /** The first batch and the rest together. */
  sweepSeconds: number;
}

/** A first batch on its own (what one cron tick costs), then the rest of the sweep, both timed. */
export async function timedSweep<R>(firstBatch: () => Promise<R>, rest: () => Promise<R>): Promise<TimedSweep<R>> {
  const firstStart = performance.now();
  const first = await firstBatch();
  const firstBatchMs = performance.now() - firstStart;
  const start = performance.now();
  const remaining = await rest();
  return { first, rest: remaining, firstBatchMs, sweepSeconds: (performance.now() - start) / 1000 + firstBatchMs / 1000 };
}

/** The markdown of a module that needs PostgreSQL when the run has none. */
export function needsPostgres(settings: BenchSettings): { data: never[]; markdown: string } | null {
  return settings.databases.includes("postgres") ? null : { data: [], markdown: "_Skipped: needs PostgreSQL (BENCH_DATABASES)._" };
}
