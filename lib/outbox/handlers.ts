// The handler of every delivery kind. Kinds are the domain's effect kinds
// (lib/domain/effects.ts): a kind without a handler here does not compile.
import type { EffectKind } from "@/lib/domain/effects";
import type { Delivery } from "@/lib/generated/prisma/client";
import { deliverEscalation, deliverResultFollowUp } from "@/lib/escalation/escalation-handlers";
import { deliverTaskDispatch } from "@/lib/outbox/dispatch-task";
import type { DeliveryBatch } from "@/lib/outbox/delivery-batch";
import type { DeliveryOutcome } from "@/lib/outbox/delivery-outcome";

/** `batch`: the rows the claimed batch shares (read once for all its deliveries). */
export type DeliveryHandler = (delivery: Delivery, batch: DeliveryBatch) => Promise<DeliveryOutcome>;

export const deliveryHandlers: Record<EffectKind, DeliveryHandler> = {
  DISPATCH_TASK: deliverTaskDispatch,
  ESCALATE: deliverEscalation,
  LATE_RESULT: deliverResultFollowUp,
  RESULT_FOLLOW_UP: deliverResultFollowUp,
};
