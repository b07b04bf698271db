// Request limits shared by every app instance: counters live in the
// RateLimitBucket table, one row per key and fixed window, bumped with one
// atomic INSERT … ON CONFLICT DO UPDATE for all the keys of a request (or of
// all the requests that arrived together). The
// decision uses a sliding-window estimate (previous window weighted by how
// much of it still overlaps the last minute + current window), so a client
// cannot double its rate by straddling a window boundary.
//
// A busy key would cost every request a committed upsert (two per callback:
// peer and org), so an instance that is far from a limit reserves a few
// requests ahead in the same upsert (at most 2 % of the limit, ≤ 64) and
// admits them without going to the database. Reserved requests are counted in
// the database like admitted ones, so every instance still sees them: the
// limit is never exceeded across instances; it can only refuse early, by what
// other instances hold reserved and unused. Close to a limit nothing is
// reserved, so the decision there is request by request as before, and what
// is left of a reservation when its window ends is given back.
import { clock } from "@/lib/clock";
import { db, sqlNow, type Db } from "@/lib/db/client";
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

/** Keys whose current window an instance remembers, at most (see makeRoom). */
const maxRememberedKeys = 10_000;

/** At most this many requests of one limit are reserved ahead by one instance. */
const maxReservation = 64;

/** How many requests an instance may reserve ahead on a limit: 2 % of it, ≤ 64; none on small limits. */
export function reservationSize(limit: number): number {
  return Math.min(maxReservation, Math.floor(limit * 0.02));
}

/** What this instance knows of a key's current window from its last statement, and what it holds reserved there. */
interface Reservation {
  windowStart: number;
  /** The previous window's count, as read then. */
  previous: number;
  /** The window's count in the database after that statement (admitted plus reserved). */
  count: number;
  /** Reserved and not yet admitted. */
  spare: number;
}

interface PendingHit {
  limits: Limit[];
  now: Date;
  resolve: (decision: Decision) => void;
  reject: (error: unknown) => void;
}

interface Cell {
  key: string;
  windowStart: number;
  previousStart: number;
  hits: number;
  /** Admitted count in this window before this batch, then as the batch's requests are decided. */
  running: number;
  previous: number;
  refunds: number;
  /** Admitted in this batch; counts towards the next window's `previous` when the batch spans a boundary. */
  admitted: number;
  /** The same key's previous window, when this batch also hit it (its rows were not yet visible to this batch's read). */
  previousInBatch?: Cell;
  /** The smallest limit this batch's hits name for the key. */
  limit: number;
  /** Requests reserved ahead in this statement (see reservationSize). */
  reserve: number;
}

/**
 * Adds a batch's hits to their windows and reads each window's count and its
 * previous window's, in one statement whose text is the same for every batch
 * (one array per column), so each connection prepares it once.
 */
function bumpPlan(keys: string[], starts: string[], previousStarts: string[], hits: number[]): Prisma.Sql {
  return Prisma.sql`
      WITH input AS (
        SELECT (u."n" - 1)::int AS "i", u."key", u."windowStart"::timestamp(3) AS "windowStart", u."previousStart"::timestamp(3) AS "previousStart", u."hits"
        FROM unnest(${keys}::text[], ${starts}::text[], ${previousStarts}::text[], ${hits}::int[]) WITH ORDINALITY AS u("key", "windowStart", "previousStart", "hits", "n")
      ),
      bumped AS (
        INSERT INTO "RateLimitBucket" ("key", "windowStart", "count")
        SELECT "key", "windowStart", "hits" FROM input ORDER BY "i"
        ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitBucket"."count" + EXCLUDED."count"
        RETURNING "key", "windowStart", "count"
      )
      SELECT i."i", b."count"::int AS "count", COALESCE(p."count", 0)::int AS "previous"
      FROM bumped b
      JOIN input i ON i."key" = b."key" AND i."windowStart" = b."windowStart"
      LEFT JOIN "RateLimitBucket" p ON p."key" = b."key" AND p."windowStart" = i."previousStart"`;
}

/** Hits that arrive while a batch is at the database wait for the next one; this caps a batch. */
const maxBatch = 500;

export class RateLimiter {
  private readonly queue: PendingHit[] = [];
  private flushing = false;
  private readonly reservations = new Map<string, Reservation>();
  /** Spare requests of forgotten keys, given back with the next batch. */
  private unreturned: Array<{ key: string; windowStart: number; amount: number }> = [];

  /**
   * `prisma`: the database of another instance (tests of two instances); by
   * default the process's pool, straight through node-postgres (sqlNow): every
   * callback counts against two limits, and Prisma's query runtime cost more
   * CPU than the statement's own driver work.
   */
  constructor(private readonly prisma?: () => Promise<Db>) {}

  private async query<T>(statement: Prisma.Sql): Promise<T[]> {
    if (!this.prisma) return sqlNow<T>(statement);
    const client = await this.prisma();
    return client.$queryRaw<T[]>(statement);
  }

  /**
   * Counts one request against every limit; allowed only if all allow it.
   * Concurrent hits in this process share one upsert (a hot key is one row,
   * and one statement per request would queue on its lock); the counts stay
   * exact across processes, since every batch adds its hits in the database.
   */
  async hit(limits: readonly Limit[], now: Date = clock.now()): Promise<Decision> {
    const unique = new Map<string, Limit>();
    for (const limit of limits) {
      if (limit.key.length > maxKeyLength) throw new Error("rate-limit key too long");
      unique.set(limit.key, limit);
    }
    if (unique.size === 0) return { allowed: true, retryAfterSeconds: 0, states: [] };
    const reserved = this.fromReservations([...unique.values()], now);
    if (reserved) return reserved;
    return new Promise<Decision>((resolve, reject) => {
      this.queue.push({ limits: [...unique.values()], now, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /**
   * Admits the request from this instance's reservations when every one of its
   * limits has one left in the current window; null sends it to the database.
   */
  private fromReservations(limits: Limit[], now: Date): Decision | null {
    const t = now.getTime();
    const held: Array<{ limit: Limit; reservation: Reservation; elapsed: number }> = [];
    for (const limit of limits) {
      const windowMs = limit.windowSeconds * 1000;
      const reservation = this.reservations.get(limit.key);
      if (!reservation || reservation.spare < 1 || reservation.windowStart !== Math.floor(t / windowMs) * windowMs) return null;
      const elapsed = (t % windowMs) / windowMs;
      // A limit lowered since the reservation was made (configuration): decide at the database.
      if (reservation.previous * (1 - elapsed) + reservation.count > limit.limit) return null;
      held.push({ limit, reservation, elapsed });
    }
    const states = held.map(({ limit, reservation, elapsed }): LimitState => {
      reservation.spare--;
      const admitted = reservation.count - reservation.spare;
      return { key: limit.key, limit: limit.limit, used: reservation.previous * (1 - elapsed) + admitted, allowed: true, retryAfterSeconds: retryAfter(limit, reservation.previous, admitted - 1, elapsed) };
    });
    return { allowed: true, retryAfterSeconds: 0, states };
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, maxBatch);
        try {
          const decisions = await this.decide(batch);
          batch.forEach((hit, i) => hit.resolve(decisions[i]!));
        } catch (error) {
          for (const hit of batch) hit.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async decide(batch: PendingHit[]): Promise<Decision[]> {
    const cells = new Map<string, Cell>();
    const cellsOf = batch.map((hit) =>
      hit.limits.map((l) => {
        const windowMs = l.windowSeconds * 1000;
        const windowStart = Math.floor(hit.now.getTime() / windowMs) * windowMs;
        const id = `${windowStart}:${l.key}`;
        let cell = cells.get(id);
        if (!cell) {
          cell = { key: l.key, windowStart, previousStart: windowStart - windowMs, hits: 0, running: 0, previous: 0, refunds: 0, admitted: 0, limit: l.limit, reserve: 0 };
          cells.set(id, cell);
        }
        cell.hits++;
        cell.limit = Math.min(cell.limit, l.limit);
        return cell;
      }),
    );
    for (const cell of cells.values()) cell.previousInBatch = cells.get(`${cell.previousStart}:${cell.key}`);
    // What is left of a reservation in a window that has ended goes back with this batch's refunds.
    const returned = this.unreturned.splice(0);
    for (const cell of cells.values()) {
      const known = this.reservations.get(cell.key);
      if (known && known.windowStart < cell.windowStart) {
        if (known.spare > 0) returned.push({ key: cell.key, windowStart: known.windowStart, amount: known.spare });
        this.reservations.delete(cell.key);
      }
      cell.reserve = this.reserveFor(cell, batch[0]!.now.getTime());
    }
    // A fixed row order keeps concurrent multi-row upserts from deadlocking each other.
    const ordered = [...cells.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.windowStart - b.windowStart));
    const counted = await this.query<{ i: number; count: number; previous: number }>(
      bumpPlan(
        ordered.map((c) => c.key),
        ordered.map((c) => sqlTimestamp(c.windowStart)),
        ordered.map((c) => sqlTimestamp(c.previousStart)),
        ordered.map((c) => c.hits + c.reserve),
      ),
    );
    const counts = new Map<Cell, number>();
    for (const row of counted) {
      const cell = ordered[Number(row.i)]!;
      counts.set(cell, Number(row.count));
      cell.running = Number(row.count) - cell.hits - cell.reserve;
      cell.previous = Number(row.previous);
    }

    // The batch's requests in arrival order, as if each had been its own statement.
    const decisions = batch.map((hit, h): Decision => {
      const t = hit.now.getTime();
      const states = hit.limits.map((l, k): LimitState => {
        const cell = cellsOf[h]![k]!;
        const windowMs = l.windowSeconds * 1000;
        const elapsed = (t % windowMs) / windowMs;
        const current = cell.running + 1;
        const previous = cell.previous + (cell.previousInBatch?.admitted ?? 0);
        const used = previous * (1 - elapsed) + current;
        return { key: l.key, limit: l.limit, used, allowed: used <= l.limit, retryAfterSeconds: retryAfter(l, previous, cell.running, elapsed) };
      });
      const refused = states.filter((s) => !s.allowed);
      // Only admitted requests count: a client over its limit keeps getting its full rate, not a lockout.
      for (const cell of cellsOf[h]!) {
        if (refused.length === 0) {
          cell.running++;
          cell.admitted++;
        } else cell.refunds++;
      }
      return { allowed: refused.length === 0, retryAfterSeconds: refused.reduce((max, s) => Math.max(max, s.retryAfterSeconds), 0), states };
    });

    this.keepReservations(ordered, counts, batch[batch.length - 1]!.now.getTime());

    const owed = new Map<string, { key: string; windowStart: number; amount: number }>();
    for (const r of [...returned, ...ordered.filter((c) => c.refunds > 0).map((c) => ({ key: c.key, windowStart: c.windowStart, amount: c.refunds }))]) {
      const id = `${r.windowStart}:${r.key}`;
      const sum = owed.get(id);
      if (sum) sum.amount += r.amount;
      else owed.set(id, { ...r });
    }
    const refunded = [...owed.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.windowStart - b.windowStart));
    if (refunded.length > 0) {
      // Undone after the fact, so another process may briefly see a few too many: it errs towards refusing.
      // Rows are locked in the upsert's order, so the two cannot deadlock.
      const keys = refunded.map((c) => c.key);
      const starts = refunded.map((c) => sqlTimestamp(c.windowStart));
      const amounts = refunded.map((c) => c.amount);
      await this.query(Prisma.sql`
        WITH refund AS (
          SELECT u."key", u."windowStart"::timestamp(3) AS "windowStart", u."amount", u."n"
          FROM unnest(${keys}::text[], ${starts}::text[], ${amounts}::int[]) WITH ORDINALITY AS u("key", "windowStart", "amount", "n")
        ),
        target AS (
          SELECT b."key", b."windowStart", refund."amount" FROM "RateLimitBucket" b
          JOIN refund ON b."key" = refund."key" AND b."windowStart" = refund."windowStart"
          ORDER BY refund."n" FOR UPDATE OF b
        )
        UPDATE "RateLimitBucket" r SET "count" = GREATEST(r."count" - target."amount", 0)
        FROM target WHERE r."key" = target."key" AND r."windowStart" = target."windowStart"`);
    }
    return decisions;
  }

  /**
   * Requests to reserve ahead for a key in this batch: only in a window this
   * instance has already seen (a first request decides exactly), and only
   * while the window, this batch and two reservations stay under the limit.
   */
  private reserveFor(cell: Cell, t: number): number {
    const size = reservationSize(cell.limit);
    const known = this.reservations.get(cell.key);
    if (size < 1 || !known || known.windowStart !== cell.windowStart || cell.previousInBatch) return 0;
    const windowMs = cell.windowStart - cell.previousStart;
    const elapsed = (t - cell.windowStart) / windowMs;
    return known.previous * (1 - elapsed) + known.count + cell.hits + 2 * size <= cell.limit ? size : 0;
  }

  /** After a batch: each key's count as now known, the reservations it made kept, or given back when they no longer fit. */
  private keepReservations(ordered: Cell[], counts: Map<Cell, number>, t: number): void {
    for (const cell of ordered) {
      const count = counts.get(cell);
      if (count === undefined || cell.previousInBatch) continue;
      const known = this.reservations.get(cell.key);
      if (known && known.windowStart > cell.windowStart) continue;
      const windowMs = cell.windowStart - cell.previousStart;
      const elapsed = Math.min(1, Math.max(0, (t - cell.windowStart) / windowMs));
      // Other instances' requests since the last statement can leave no room for it: the reservation goes back.
      const fits = cell.previous * (1 - elapsed) + cell.running + cell.reserve <= cell.limit;
      if (cell.reserve > 0 && !fits) cell.refunds += cell.reserve;
      const held = known && known.windowStart === cell.windowStart ? known.spare : 0;
      if (!known && !this.makeRoom(cell.windowStart)) {
        // No room left (every remembered key holds a reservation in this window): decided exactly, nothing kept.
        if (fits) cell.refunds += cell.reserve;
        continue;
      }
      // The count as it stands once this batch's refunds (refused requests, a reservation that no longer fits) are made.
      this.reservations.set(cell.key, { windowStart: cell.windowStart, previous: cell.previous, count: count - cell.refunds, spare: held + (fits ? cell.reserve : 0) });
    }
  }

  /**
   * Keeps the keys this instance remembers bounded (a flood from many
   * addresses is many keys): past the bound, keys of windows that have ended
   * are forgotten, their spare requests given back with the next batch.
   */
  private makeRoom(windowStart: number): boolean {
    if (this.reservations.size < maxRememberedKeys) return true;
    for (const [key, known] of this.reservations) {
      if (known.windowStart >= windowStart) continue;
      if (known.spare > 0) this.unreturned.push({ key, windowStart: known.windowStart, amount: known.spare });
      this.reservations.delete(key);
    }
    // Still full (all in the current window): forget the ones holding nothing.
    if (this.reservations.size >= maxRememberedKeys) for (const [key, known] of this.reservations) if (known.spare === 0) this.reservations.delete(key);
    return this.reservations.size < maxRememberedKeys;
  }

  /** Deletes windows nobody reads any more: older than an hour (limits use windows of a minute). The timeout job calls it. */
  async prune(now: Date = clock.now()): Promise<number> {
    const prisma = await (this.prisma ?? db)();
    const { count } = await prisma.rateLimitBucket.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 3600_000) } } });
    return count;
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
