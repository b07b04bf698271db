// Delivers outbox rows. Claims use FOR UPDATE SKIP LOCKED plus a lease
// (lockedUntil), so overlapping runs on several instances never take the same
// row, and a run that dies mid-delivery leaves the row to the next run once
// the lease expires (rule 6).
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { Prisma, type Delivery } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { backoffSeconds } from "@/lib/outbox/backoff";
import type { DeliveryOutcome } from "@/lib/outbox/delivery-outcome";

export type DeliveryHandler = (delivery: Delivery) => Promise<DeliveryOutcome>;

const handlers = new Map<string, DeliveryHandler>();

/** Each delivery kind registers its handler once (see lib/outbox/handlers.ts). */
export function registerDeliveryHandler(kind: string, handler: DeliveryHandler): void {
  handlers.set(kind, handler);
}

const leaseSeconds = 120;

export async function claimDeliveries(limit: number, now: Date, only: { ids?: string[]; kinds?: string[] } = {}): Promise<Delivery[]> {
  const prisma = await db();
  const until = new Date(now.getTime() + leaseSeconds * 1000);
  const onlyIds = only.ids
    ? Prisma.sql`AND "id" IN (${Prisma.join(only.ids.map((id) => Prisma.sql`${id}::uuid`))})`
    : Prisma.empty;
  const onlyKinds = only.kinds ? Prisma.sql`AND "kind" IN (${Prisma.join(only.kinds)})` : Prisma.empty;
  return prisma.$queryRaw<Delivery[]>`
    UPDATE "Delivery" SET "lockedUntil" = ${until}, "attempts" = "attempts" + 1, "updatedAt" = ${now}
    WHERE "id" IN (
      SELECT "id" FROM "Delivery"
      WHERE "status" = 'PENDING' AND "nextAttemptAt" <= ${now}
        AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
        ${onlyIds}
        ${onlyKinds}
      ORDER BY "nextAttemptAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`;
}

async function settle(delivery: Delivery, outcome: DeliveryOutcome): Promise<"delivered" | "retry" | "dead"> {
  const prisma = await db();
  const now = clock.now();
  // Guarded by the lease we hold: a run whose lease expired must not overwrite a newer attempt.
  const guard = { id: delivery.id, status: "PENDING", attempts: delivery.attempts };
  if (outcome.ok) {
    await prisma.delivery.updateMany({ where: guard, data: { status: "DELIVERED", deliveredAt: now, lockedUntil: null, lastStatus: outcome.status ?? null, lastError: null } });
    return "delivered";
  }
  const dead = !outcome.retryable || delivery.attempts >= delivery.maxAttempts;
  const wait = outcome.retryAfterSeconds ?? backoffSeconds(delivery.attempts);
  await prisma.delivery.updateMany({
    where: guard,
    data: dead
      ? { status: "DEAD", lockedUntil: null, lastError: outcome.error, lastStatus: outcome.status ?? null }
      : { nextAttemptAt: new Date(now.getTime() + wait * 1000), lockedUntil: null, lastError: outcome.error, lastStatus: outcome.status ?? null },
  });
  if (dead) log.warn("delivery.dead_letter", { deliveryId: delivery.id, orgId: delivery.orgId, kind: delivery.kind, error: outcome.error, attempts: delivery.attempts });
  return dead ? "dead" : "retry";
}

export async function deliverOne(delivery: Delivery): Promise<"delivered" | "retry" | "dead"> {
  const handler = handlers.get(delivery.kind);
  let outcome: DeliveryOutcome;
  try {
    outcome = handler ? await handler(delivery) : { ok: false, retryable: false, error: `no handler for delivery kind ${delivery.kind}` };
  } catch (error) {
    outcome = { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
  }
  return settle(delivery, outcome);
}

export interface OutboxRun {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
}

/** Delivers what is due, in batches, until nothing is due or `maxBatches` ran. */
export async function processOutbox(options: { batchSize?: number; maxBatches?: number; concurrency?: number; ids?: string[]; kinds?: string[] } = {}): Promise<OutboxRun> {
  const { batchSize = 50, maxBatches = 20, concurrency = 8 } = options;
  const run: OutboxRun = { claimed: 0, delivered: 0, retried: 0, dead: 0 };
  for (let batch = 0; batch < maxBatches; batch++) {
    const claimed = await claimDeliveries(batchSize, clock.now(), { ids: options.ids, kinds: options.kinds });
    if (claimed.length === 0) break;
    run.claimed += claimed.length;
    for (let i = 0; i < claimed.length; i += concurrency) {
      const results = await Promise.all(claimed.slice(i, i + concurrency).map(deliverOne));
      for (const r of results) {
        if (r === "delivered") run.delivered++;
        else if (r === "retry") run.retried++;
        else run.dead++;
      }
    }
    if (claimed.length < batchSize) break;
  }
  return run;
}
