// Request limits shared by every app instance: counters live in the
// RateLimitBucket table, one row per key and fixed window, bumped with one
// atomic INSERT … ON CONFLICT DO UPDATE for all the keys of a request. The
// decision uses a sliding-window estimate (previous window weighted by how
// much of it still overlaps the last minute + current window), so a client
// cannot double its rate by straddling a window boundary.
import { clock } from "@/lib/clock";
import { db, type Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";

export interface Limit {
  /** e.g. "api:client:lr_…"; stored as is, so never a secret (see request-limits.ts). */
  key: string;
  limit: number;
  windowSeconds: number;
}

export interface LimitState {
  key: string;
  limit: number;
  /** Sliding-window estimate including this request. */
  used: number;
  allowed: boolean;
  retryAfterSeconds: number;
}

export interface Decision {
  allowed: boolean;
  retryAfterSeconds: number;
  states: LimitState[];
}

const maxKeyLength = 300;

function sqlTimestamp(ms: number): string {
  // Prisma stores DateTime as UTC in timestamp(3) without zone; write the same form.
  return new Date(ms).toISOString().replace("Z", "");
}

/**
 * Seconds until one more request fits, given the admitted counts of the
 * previous and current windows (without the refused request).
 */
function retryAfter(l: Limit, previous: number, current: number, elapsed: number): number {
  const room = l.limit - current - 1;
  let seconds: number;
  if (room >= 0 && previous > 0) {
    // Within this window, once the previous window's weight has faded enough.
    seconds = (1 - room / previous - elapsed) * l.windowSeconds;
  } else {
    // In the next window, where this window's count weighs (1 - e) at first.
    seconds = (1 - elapsed) * l.windowSeconds + (current > 0 ? l.windowSeconds * Math.max(0, 1 - (l.limit - 1) / current) : 0);
  }
  return Math.max(1, Math.ceil(seconds));
}

export class RateLimiter {
  private lastPrune = 0;

  constructor(private readonly prisma: () => Promise<Db> = db) {}

  /** Counts one request against every limit; allowed only if all allow it. */
  async hit(limits: readonly Limit[], now: Date = clock.now()): Promise<Decision> {
    const unique = new Map<string, Limit>();
    for (const limit of limits) {
      if (limit.key.length > maxKeyLength) throw new Error("rate-limit key too long");
      unique.set(limit.key, limit);
    }
    if (unique.size === 0) return { allowed: true, retryAfterSeconds: 0, states: [] };
    // A fixed key order keeps concurrent multi-row upserts from deadlocking each other.
    const ordered = [...unique.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const t = now.getTime();
    const rows = ordered.map((l) => {
      const windowMs = l.windowSeconds * 1000;
      const start = Math.floor(t / windowMs) * windowMs;
      return Prisma.sql`(${l.key}::text, ${sqlTimestamp(start)}::timestamp(3), ${sqlTimestamp(start - windowMs)}::timestamp(3))`;
    });
    const prisma = await this.prisma();
    const counted = await prisma.$queryRaw<Array<{ key: string; count: number; previous: number }>>`
      WITH input("key", "windowStart", "previousStart") AS (VALUES ${Prisma.join(rows)}),
      bumped AS (
        INSERT INTO "RateLimitBucket" ("key", "windowStart", "count")
        SELECT "key", "windowStart", 1 FROM input ORDER BY "key"
        ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitBucket"."count" + 1
        RETURNING "key", "count"
      )
      SELECT b."key", b."count"::int AS "count", COALESCE(p."count", 0)::int AS "previous"
      FROM bumped b
      JOIN input i ON i."key" = b."key"
      LEFT JOIN "RateLimitBucket" p ON p."key" = b."key" AND p."windowStart" = i."previousStart"`;

    const states = ordered.map((l): LimitState => {
      const row = counted.find((r) => r.key === l.key);
      const current = Number(row?.count ?? 1);
      const previous = Number(row?.previous ?? 0);
      const windowMs = l.windowSeconds * 1000;
      const elapsed = (t % windowMs) / windowMs;
      const used = previous * (1 - elapsed) + current;
      return { key: l.key, limit: l.limit, used, allowed: used <= l.limit, retryAfterSeconds: retryAfter(l, previous, current - 1, elapsed) };
    });
    const refused = states.filter((s) => !s.allowed);
    if (refused.length > 0) {
      // Only admitted requests count: a client over its limit keeps getting its full rate, not a lockout.
      // Undone after the fact, so a concurrent request may briefly see one too many: it errs towards refusing.
      const keys = ordered.map((l) => l.key);
      const starts = ordered.map((l) => sqlTimestamp(Math.floor(t / (l.windowSeconds * 1000)) * l.windowSeconds * 1000));
      // Rows are locked in key order, like the upsert, so the two cannot deadlock.
      await prisma.$executeRaw`
        WITH target AS (
          SELECT b."key", b."windowStart" FROM "RateLimitBucket" b
          JOIN unnest(${keys}::text[], ${starts}::text[]) AS u("key", "windowStart")
            ON b."key" = u."key" AND b."windowStart" = u."windowStart"::timestamp(3)
          ORDER BY b."key" FOR UPDATE OF b
        )
        UPDATE "RateLimitBucket" r SET "count" = r."count" - 1
        FROM target WHERE r."key" = target."key" AND r."windowStart" = target."windowStart" AND r."count" > 0`;
    }
    await this.pruneNowAndThen(t);
    return {
      allowed: refused.length === 0,
      retryAfterSeconds: refused.reduce((max, s) => Math.max(max, s.retryAfterSeconds), 0),
      states,
    };
  }

  /** Deletes windows nobody reads any more: older than an hour (limits use windows of a minute). */
  async prune(now: Date = clock.now()): Promise<number> {
    const prisma = await this.prisma();
    const { count } = await prisma.rateLimitBucket.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 3600_000) } } });
    return count;
  }

  private async pruneNowAndThen(t: number): Promise<void> {
    if (Math.abs(t - this.lastPrune) < 60_000) return;
    this.lastPrune = t;
    try {
      await this.prune(new Date(t));
    } catch (error) {
      log.warn("rate_limit.prune_failed", { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

const store = globalThis as unknown as { longrunRateLimiter?: RateLimiter };

/** The process's limiter on the process's database. */
export function rateLimiter(): RateLimiter {
  store.longrunRateLimiter ??= new RateLimiter();
  return store.longrunRateLimiter;
}

/** Throws 429 RATE_LIMITED with Retry-After when any limit is exceeded. */
export async function enforceRateLimits(limits: readonly Limit[], context: Record<string, unknown> = {}): Promise<Decision> {
  const decision = await rateLimiter().hit(limits);
  if (!decision.allowed) {
    const worst = decision.states.filter((s) => !s.allowed).map((s) => s.key);
    log.warn("rate_limit.refused", { ...context, keys: worst, retryAfterSeconds: decision.retryAfterSeconds });
    throw new AppError("RATE_LIMITED", `too many requests; retry after ${decision.retryAfterSeconds} s`, {
      headers: { "retry-after": String(decision.retryAfterSeconds) },
    });
  }
  return decision;
}
