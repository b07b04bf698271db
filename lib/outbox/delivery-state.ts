// What became of a workflow's dispatch or escalation, in words (issue 14,
// part 4): a dead letter is a failure the agent and Architect must see, with
// the error and the next step — never "in progress" forever. The panel, the
// flat GET for Architect and the admin dashboard read the same rows.
import { db } from "@/lib/db/client";
import type { Delivery } from "@/lib/generated/prisma/client";
import { readOrgSettings, settingsForTaskType } from "@/lib/orgs/org-settings";
import { taskTypeWords } from "@/lib/panel/status-words";

/**
 * PENDING, DELIVERED, DEAD: the current task's dispatch or escalation. FOLLOW_UP_DEAD: the newest
 * delivery is a follow-up (RESULT_FOLLOW_UP or LATE_RESULT) that was to pass the result on to a
 * customer who left, and it was dead-lettered — the task ended, but nobody told the customer. Its
 * own value so an Architect flow that branches on DEAD ("the task never started", "nobody was
 * routed") is not sent down that path.
 */
export const deliveryStates = ["PENDING", "DELIVERED", "DEAD", "FOLLOW_UP_DEAD"] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/** The deliveries the customer's journey depends on (a follow-up of a result is not). */
export const watchedDeliveryKinds = ["DISPATCH_TASK", "ESCALATE"] as const;
export type WatchedDeliveryKind = (typeof watchedDeliveryKinds)[number];

/**
 * The deliveries whose dead letter the panel and the dashboard show as a
 * failure: the journey's, and the follow-ups that pass a result on to a
 * customer who left (a refused one means nobody told them).
 */
export const failureDeliveryKinds = [...watchedDeliveryKinds, "LATE_RESULT", "RESULT_FOLLOW_UP"] as const;
export type FailureDeliveryKind = (typeof failureDeliveryKinds)[number];

export function isFailureKind(kind: string): kind is FailureDeliveryKind {
  return (failureDeliveryKinds as readonly string[]).includes(kind);
}

/** The order a task's deliveries are caused in (a dispatch, then its escalation, then a follow-up): breaks ties of createdAt (one clock millisecond). */
const causalRank: Record<FailureDeliveryKind, number> = { DISPATCH_TASK: 0, ESCALATE: 1, LATE_RESULT: 2, RESULT_FOLLOW_UP: 2 };

/** The newest of one task's deliveries (SUPERSEDED ones left out by the caller). */
export function newestDelivery<D extends { kind: FailureDeliveryKind; createdAt: Date }>(rows: readonly D[]): D | null {
  let newest: D | null = null;
  for (const row of rows) {
    if (!newest || row.createdAt > newest.createdAt || (row.createdAt.getTime() === newest.createdAt.getTime() && causalRank[row.kind] > causalRank[newest.kind])) newest = row;
  }
  return newest;
}

export interface DeliveryFacts {
  delivery_state: DeliveryState;
  /** DISPATCH_TASK or ESCALATE; RESULT_FOLLOW_UP or LATE_RESULT with FOLLOW_UP_DEAD */
  delivery_kind: string;
  delivery_error: string | null;
  delivery_next_step: string | null;
}

export type DeliveryRow = Pick<Delivery, "kind" | "status" | "lastError" | "lastStatus" | "updatedAt">;

/** What the words may name: the task and the queue the agent should transfer to (the org's settings for the task type). */
export interface DeliveryWordsContext {
  taskType?: string | null;
  specialistQueue?: string | null;
}

function isWatched(kind: string): kind is WatchedDeliveryKind {
  return (watchedDeliveryKinds as readonly string[]).includes(kind);
}

/** A 4xx is a refusal (the request itself was wrong or unwanted); anything else means the other side could not be reached or broke. */
export function wasRefused(lastStatus: number | null): boolean {
  return lastStatus !== null && lastStatus >= 400 && lastStatus < 500;
}

/** A dead-lettered follow-up in words; a follow-up still under way or passed on says nothing of the journey (null). */
function followUpFacts(delivery: Pick<Delivery, "kind" | "status" | "lastError" | "lastStatus">): DeliveryFacts | null {
  if (delivery.status !== "DEAD") return null;
  const what = delivery.kind === "LATE_RESULT" ? "the late result's follow-up" : "the result's follow-up";
  const error = `Genesys ${wasRefused(delivery.lastStatus) ? "refused" : "could not be reached for"} ${what}${delivery.lastError ? `: ${delivery.lastError}` : ""}`;
  const next = "the result has not reached the customer, who had left, and no callback or message is on its way: call the customer back with it; an admin can re-drive it from Longrun's dead letters";
  return { delivery_state: "FOLLOW_UP_DEAD", delivery_kind: delivery.kind, delivery_error: error.slice(0, 500), delivery_next_step: next };
}

export function deliveryFacts(delivery: Pick<Delivery, "kind" | "status" | "lastError" | "lastStatus">, context: DeliveryWordsContext = {}): DeliveryFacts | null {
  if (delivery.kind === "LATE_RESULT" || delivery.kind === "RESULT_FOLLOW_UP") return followUpFacts(delivery);
  if (!isWatched(delivery.kind)) return null;
  const state: DeliveryState = delivery.status === "DEAD" ? "DEAD" : delivery.status === "DELIVERED" ? "DELIVERED" : "PENDING";
  if (state !== "DEAD") return { delivery_state: state, delivery_kind: delivery.kind, delivery_error: null, delivery_next_step: null };
  const refused = wasRefused(delivery.lastStatus);
  const system = context.taskType ? `the external system for ${taskTypeWords(context.taskType)}` : "the external system";
  const error =
    delivery.kind === "DISPATCH_TASK"
      ? `${system} ${refused ? "refused the request" : "could not be reached"}${delivery.lastError ? `: ${delivery.lastError}` : ""}`
      : `Genesys refused the escalation${delivery.lastError ? `: ${delivery.lastError}` : ""}`;
  const queue = context.specialistQueue?.trim() || null;
  const next =
    delivery.kind === "DISPATCH_TASK"
      ? `the task never started: transfer the customer to ${queue ?? "a specialist"} or retry the request; an admin can re-drive it from Longrun's dead letters`
      : `nobody has been routed to the customer: transfer the call to ${queue ?? "the specialists"} yourself, or schedule a callback; an admin can re-drive it from Longrun's dead letters`;
  return { delivery_state: "DEAD", delivery_kind: delivery.kind, delivery_error: error.slice(0, 500), delivery_next_step: next };
}

/**
 * What the flat GET reports of the workflow's current task, by the task index: a dead-lettered
 * follow-up when it is the task's newest delivery (as the panel and the dashboard show it), else
 * the latest dispatch or escalation, worded with the org's settings for its type.
 */
export async function currentDeliveryFacts(orgId: string, workflowId: string): Promise<DeliveryFacts | null> {
  const prisma = await db();
  // A task has a handful of deliveries (a dispatch, its re-sends, an escalation, a follow-up): all of them, then the causal order below.
  const rows = await prisma.$queryRaw<Array<Pick<Delivery, "kind" | "status" | "lastError" | "lastStatus" | "createdAt"> & { taskType: string | null; settings: unknown }>>`
    SELECT d."kind", d."status", d."lastError", d."lastStatus", d."createdAt", t."type" AS "taskType", o."settings"
    FROM "Delivery" d
    LEFT JOIN "Task" t ON t."id" = d."taskId"
    LEFT JOIN "Org" o ON o."id" = d."orgId"
    WHERE d."taskId" = (SELECT w."currentTaskId" FROM "Workflow" w WHERE w."orgId" = ${orgId}::uuid AND w."id" = ${workflowId}::uuid)
      AND d."orgId" = ${orgId}::uuid AND d."kind" IN ('DISPATCH_TASK', 'ESCALATE', 'LATE_RESULT', 'RESULT_FOLLOW_UP') AND d."status" <> 'SUPERSEDED'
    ORDER BY d."createdAt" DESC
    LIMIT 20`;
  const typed = rows.flatMap((row) => (isFailureKind(row.kind) ? [{ ...row, kind: row.kind }] : []));
  const newest = newestDelivery(typed);
  if (!newest) return null;
  if (!isWatched(newest.kind)) {
    const followUp = followUpFacts(newest);
    if (followUp) return followUp;
  }
  const journey = newestDelivery(typed.filter((row) => isWatched(row.kind)));
  if (!journey) return null;
  const specialistQueue = journey.taskType ? settingsForTaskType(readOrgSettings(journey.settings), journey.taskType).specialistQueueName : null;
  return deliveryFacts(journey, { taskType: journey.taskType, specialistQueue });
}

/** The latest dispatch, escalation or follow-up of each task (one indexed read for a whole panel or dashboard page). */
export async function latestDeliveriesOf(orgId: string, taskIds: readonly string[]): Promise<Map<string, DeliveryRow & { kind: FailureDeliveryKind }>> {
  const latest = new Map<string, DeliveryRow & { kind: FailureDeliveryKind }>();
  if (taskIds.length === 0) return latest;
  const prisma = await db();
  const rows = await prisma.delivery.findMany({
    where: { orgId, taskId: { in: [...taskIds] }, kind: { in: [...failureDeliveryKinds] }, status: { not: "SUPERSEDED" } },
    select: { taskId: true, kind: true, status: true, lastError: true, lastStatus: true, updatedAt: true, createdAt: true },
  });
  const byTask = new Map<string, Array<DeliveryRow & { kind: FailureDeliveryKind; createdAt: Date }>>();
  for (const row of rows) {
    if (!row.taskId || !isFailureKind(row.kind)) continue;
    byTask.set(row.taskId, [...(byTask.get(row.taskId) ?? []), { ...row, kind: row.kind }]);
  }
  for (const [taskId, list] of byTask) {
    const newest = newestDelivery(list);
    if (newest) latest.set(taskId, newest);
  }
  return latest;
}
