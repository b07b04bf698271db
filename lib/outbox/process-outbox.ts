// Delivers outbox rows. Claims use FOR UPDATE SKIP LOCKED plus a lease
// (lockedUntil), so overlapping runs on several instances never take the same
// row, and a run that dies mid-delivery leaves the row to the next run once
// the lease expires (rule 6).
//
// A batch is claimed with one statement, its tasks and workflows read with
// one (DeliveryBatch), delivered by a bounded pool of workers, the changes
// the deliveries make in Longrun written with one writer statement
// (applyCommands), and settled with one statement (settleDeliveriesPlan). A
// crash before the settle leaves the batch's rows to the next run after the
// lease, exactly as a crash between one delivery and its own settle did:
// every handler is idempotent on its delivery (the dispatch's webhook-id, the
// notice keyed by delivery, the domain refusing a second ESCALATION_DELIVERED).
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { claimDeliveriesPlan, settleDeliveries, type AttemptSettlement, type DeliveryFilter, type DeliverySettlement } from "@/lib/db/workflow-writes";
import type { EffectKind } from "@/lib/domain/effects";
import type { Delivery } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log";
import { backoffSeconds } from "@/lib/outbox/backoff";
import { eachBounded } from "@/lib/outbox/bounded-pool";
import { deliveryBatch, type DeliveryBatch } from "@/lib/outbox/delivery-batch";
import type { DeliveryOutcome } from "@/lib/outbox/delivery-outcome";
import { deliveryHandlers } from "@/lib/outbox/handlers";
import { applyCommands } from "@/lib/workflows/workflow-store";

export async function claimDeliveries(limit: number, now: Date, only: DeliveryFilter = {}): Promise<Delivery[]> {
  const prisma = await db();
  return prisma.$queryRaw<Delivery[]>(claimDeliveriesPlan(limit, now, env().OUTBOX_LEASE_SECONDS, only));
}

/** What an attempt's outcome means for its row: delivered, another attempt after the backoff, or a dead letter. */
export function settlementOf(delivery: Pick<Delivery, "attempts" | "maxAttempts">, outcome: DeliveryOutcome, now: Date): DeliverySettlement {
  if (outcome.ok) return { outcome: "delivered", status: outcome.status ?? null };
  if (!outcome.retryable || delivery.attempts >= delivery.maxAttempts) return { outcome: "dead", status: outcome.status ?? null, error: outcome.error };
  const wait = outcome.retryAfterSeconds ?? backoffSeconds(delivery.attempts);
  return { outcome: "retry", status: outcome.status ?? null, error: outcome.error, nextAttemptAt: new Date(now.getTime() + wait * 1000) };
}

/** Runs the delivery's handler; a handler that throws is a failure a retry may fix. */
export async function attemptDelivery(delivery: Delivery, batch: DeliveryBatch = deliveryBatch()): Promise<DeliveryOutcome> {
  // The kind column holds only effect kinds (a CHECK constraint built from the domain's list).
  const handler = deliveryHandlers[delivery.kind as EffectKind] as (typeof deliveryHandlers)[EffectKind] | undefined;
  try {
    return handler ? await handler(delivery, batch) : { ok: false, retryable: false, error: `no handler for delivery kind ${delivery.kind}` };
  } catch (error) {
    return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Writes the changes the batch's delivered attempts make, all with one writer
 * statement. An attempt whose change was refused or could not be written is
 * tried again (unless its change says a refusal is fine), as when the handler
 * wrote it itself and that failed.
 */
async function withChangesWritten(outcomes: DeliveryOutcome[]): Promise<DeliveryOutcome[]> {
  const pending = outcomes.flatMap((outcome, index) => (outcome.ok && outcome.change ? [{ index, change: outcome.change }] : []));
  if (pending.length === 0) return outcomes;
  const results = await applyCommands(pending.map((p) => p.change)).catch((error: unknown) => pending.map(() => ({ ok: false as const, error })));
  const final = [...outcomes];
  pending.forEach(({ index, change }, k) => {
    const result = results[k]!;
    if (result.ok || (change.refusalIsFine && result.error instanceof AppError)) return;
    const why = result.error instanceof Error ? result.error.message : String(result.error);
    final[index] = { ok: false, retryable: true, error: `delivered, but its change was not recorded: ${why}` };
  });
  return final;
}

export interface OutboxRun {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
}

/**
 * Delivers what is due, in batches, until nothing is due or `maxBatches` ran.
 * `concurrency` bounds the calls in flight (to the orchestrator and to
 * Genesys): Genesys allows an OAuth client-credentials token 300 Platform API
 * requests a minute by default (genesys/README.md, "Rate limits"), and an
 * escalation makes one to three of them; a 429 comes back as a retry after
 * its Retry-After (lib/outbox/backoff.ts), so a burst slows down rather than
 * failing.
 */
export async function processOutbox(options: { batchSize?: number; maxBatches?: number; concurrency?: number; ids?: string[]; kinds?: string[] } = {}): Promise<OutboxRun> {
  const { batchSize = 50, maxBatches = 20, concurrency = 8 } = options;
  const run: OutboxRun = { claimed: 0, delivered: 0, retried: 0, dead: 0 };
  for (let batch = 0; batch < maxBatches; batch++) {
    const claimed = await claimDeliveries(batchSize, clock.now(), { ids: options.ids, kinds: options.kinds });
    if (claimed.length === 0) break;
    run.claimed += claimed.length;
    const context = deliveryBatch(claimed);
    const outcomes = await withChangesWritten(await eachBounded(claimed, concurrency, (delivery) => attemptDelivery(delivery, context)));
    const now = clock.now();
    const attempts = claimed.map((delivery, i) => ({ delivery, settlement: settlementOf(delivery, outcomes[i]!, now) }) satisfies AttemptSettlement);
    await settleDeliveries(attempts, now);
    for (const { delivery, settlement } of attempts) {
      if (settlement.outcome === "delivered") run.delivered++;
      else if (settlement.outcome === "retry") run.retried++;
      else {
        run.dead++;
        log.warn("delivery.dead_letter", { deliveryId: delivery.id, orgId: delivery.orgId, kind: delivery.kind, error: settlement.error, attempts: delivery.attempts });
      }
    }
    if (claimed.length < batchSize) break;
  }
  return run;
}
