// Delivers outbox rows. Claims use FOR UPDATE SKIP LOCKED plus a lease
// (lockedUntil), so overlapping runs on several instances never take the same
// row, and a run that dies mid-delivery leaves the row to the next run once
// the lease expires (rule 6).
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { claimDeliveriesPlan, settleDeliveryPlan, type DeliveryFilter, type DeliverySettlement } from "@/lib/db/workflow-writes";
import type { EffectKind } from "@/lib/domain/effects";
import type { Delivery } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { backoffSeconds } from "@/lib/outbox/backoff";
import type { DeliveryOutcome } from "@/lib/outbox/delivery-outcome";
import { deliveryHandlers } from "@/lib/outbox/handlers";

export async function claimDeliveries(limit: number, now: Date, only: DeliveryFilter = {}): Promise<Delivery[]> {
  const prisma = await db();
  return prisma.$queryRaw<Delivery[]>(claimDeliveriesPlan(limit, now, env().OUTBOX_LEASE_SECONDS, only));
}

async function settle(delivery: Delivery, outcome: DeliveryOutcome): Promise<"delivered" | "retry" | "dead"> {
  const prisma = await db();
  const now = clock.now();
  let settlement: DeliverySettlement;
  if (outcome.ok) {
    settlement = { outcome: "delivered", status: outcome.status ?? null };
  } else if (!outcome.retryable || delivery.attempts >= delivery.maxAttempts) {
    settlement = { outcome: "dead", status: outcome.status ?? null, error: outcome.error };
  } else {
    const wait = outcome.retryAfterSeconds ?? backoffSeconds(delivery.attempts);
    settlement = { outcome: "retry", status: outcome.status ?? null, error: outcome.error, nextAttemptAt: new Date(now.getTime() + wait * 1000) };
  }
  await prisma.$executeRaw(settleDeliveryPlan(delivery, settlement, now));
  if (settlement.outcome === "dead") log.warn("delivery.dead_letter", { deliveryId: delivery.id, orgId: delivery.orgId, kind: delivery.kind, error: settlement.error, attempts: delivery.attempts });
  return settlement.outcome;
}

export async function deliverOne(delivery: Delivery): Promise<"delivered" | "retry" | "dead"> {
  // The kind column holds only effect kinds (a CHECK constraint built from the domain's list).
  const handler = deliveryHandlers[delivery.kind as EffectKind] as (typeof deliveryHandlers)[EffectKind] | undefined;
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
