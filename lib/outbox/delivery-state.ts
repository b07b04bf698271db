// What became of a workflow's dispatch or escalation, in words (issue 14,
// part 4): a dead letter is a failure the agent and Architect must see, with
// the error and the next step — never "in progress" forever.
import { db } from "@/lib/db/client";
import type { Delivery } from "@/lib/generated/prisma/client";

export const deliveryStates = ["PENDING", "DELIVERED", "DEAD"] as const;
export type DeliveryState = (typeof deliveryStates)[number];

export interface DeliveryFacts {
  delivery_state: DeliveryState;
  /** DISPATCH_TASK or ESCALATE */
  delivery_kind: string;
  delivery_error: string | null;
  delivery_next_step: string | null;
}

/** The deliveries the customer's journey depends on (a follow-up of a result is not). */
const watchedKinds = ["DISPATCH_TASK", "ESCALATE"];

export function deliveryFacts(delivery: Pick<Delivery, "kind" | "status" | "lastError" | "lastStatus">): DeliveryFacts | null {
  if (!watchedKinds.includes(delivery.kind)) return null;
  const state: DeliveryState = delivery.status === "DEAD" ? "DEAD" : delivery.status === "DELIVERED" ? "DELIVERED" : "PENDING";
  if (state !== "DEAD") return { delivery_state: state, delivery_kind: delivery.kind, delivery_error: null, delivery_next_step: null };
  const refused = delivery.lastStatus !== null && delivery.lastStatus >= 400 && delivery.lastStatus < 500;
  const error =
    delivery.kind === "DISPATCH_TASK"
      ? `${refused ? "the external system refused the request" : "the external system could not be reached"}${delivery.lastError ? `: ${delivery.lastError}` : ""}`
      : `Genesys refused the escalation${delivery.lastError ? `: ${delivery.lastError}` : ""}`;
  const next =
    delivery.kind === "DISPATCH_TASK"
      ? "the task never started: transfer the customer to a specialist or retry the request; an admin can re-drive it from Longrun's dead letters"
      : "nobody has been routed to the customer: transfer the call to the specialists yourself, or schedule a callback; an admin can re-drive it from Longrun's dead letters";
  return { delivery_state: "DEAD", delivery_kind: delivery.kind, delivery_error: error.slice(0, 500), delivery_next_step: next };
}

/** The latest dispatch or escalation of the workflow's current task, by the task index. */
export async function currentDeliveryFacts(orgId: string, workflowId: string): Promise<DeliveryFacts | null> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<Array<Pick<Delivery, "kind" | "status" | "lastError" | "lastStatus">>>`
    SELECT d."kind", d."status", d."lastError", d."lastStatus"
    FROM "Delivery" d
    WHERE d."taskId" = (SELECT w."currentTaskId" FROM "Workflow" w WHERE w."orgId" = ${orgId}::uuid AND w."id" = ${workflowId}::uuid)
      AND d."orgId" = ${orgId}::uuid AND d."kind" IN ('DISPATCH_TASK', 'ESCALATE') AND d."status" <> 'SUPERSEDED'
    ORDER BY d."createdAt" DESC
    LIMIT 1`;
  return rows[0] ? deliveryFacts(rows[0]) : null;
}
