// Dead letters: deliveries that failed their last attempt. They stay visible
// with their error; the scheduled re-drive retries those whose failure a retry
// can fix (network, 429, 5xx) a few times, and admins re-drive any by hand.
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { requeueDeadLetterPlan } from "@/lib/db/workflow-writes";
import type { Delivery } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors/app-error";
import { processOutbox, type OutboxRun } from "@/lib/outbox/process-outbox";

/** Scheduled re-drives of one dead letter before it waits for a person. */
export const maxAutomaticRedrives = 3;

export interface DeadLetterView {
  id: string;
  kind: string;
  workflow_id: string | null;
  task_id: string | null;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  automatic_redrives: number;
}

function redrives(delivery: Pick<Delivery, "payload">): number {
  const value = (delivery.payload as { automaticRedrives?: unknown } | null)?.automaticRedrives;
  return typeof value === "number" ? value : 0;
}

export function toDeadLetterView(d: Delivery): DeadLetterView {
  return {
    id: d.id,
    kind: d.kind,
    workflow_id: d.workflowId,
    task_id: d.taskId,
    attempts: d.attempts,
    last_status: d.lastStatus,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
    automatic_redrives: redrives(d),
  };
}

export async function listDeadLetters(orgId: string, options: { limit: number; before?: string }): Promise<{ dead_letters: DeadLetterView[]; next_cursor: string | null }> {
  const prisma = await db();
  const rows = await prisma.delivery.findMany({
    where: { orgId, status: "DEAD", ...(options.before ? { updatedAt: { lt: new Date(options.before) } } : {}) },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: options.limit + 1,
  });
  const page = rows.slice(0, options.limit);
  return { dead_letters: page.map(toDeadLetterView), next_cursor: rows.length > options.limit ? page[page.length - 1]!.updatedAt.toISOString() : null };
}

/** Re-drive by hand: back to PENDING with a fresh set of attempts, delivered at once. */
export async function retryDeadLetter(orgId: string, id: string): Promise<DeadLetterView & { status: string }> {
  const prisma = await db();
  const count = await prisma.$executeRaw(requeueDeadLetterPlan(orgId, id, clock.now()));
  if (count === 0) {
    const exists = await prisma.delivery.findFirst({ where: { orgId, id }, select: { status: true } });
    if (!exists) throw new AppError("NOT_FOUND", "dead letter not found");
    throw new AppError("CONFLICT", `delivery is ${exists.status}, not a dead letter`);
  }
  await processOutbox({ ids: [id], maxBatches: 1 });
  const after = await prisma.delivery.findFirstOrThrow({ where: { orgId, id } });
  return { ...toDeadLetterView(after), status: after.status };
}

export interface RedriveRun {
  requeued: number;
  outbox: OutboxRun;
}

/** The scheduled job: requeue dead letters a retry can fix, then deliver everything due. */
export async function redriveDeadLetters(): Promise<RedriveRun> {
  const prisma = await db();
  const candidates = await prisma.delivery.findMany({
    where: { status: "DEAD", OR: [{ lastStatus: null }, { lastStatus: 429 }, { lastStatus: { gte: 500 } }] },
    orderBy: { updatedAt: "asc" },
    take: 500,
  });
  let requeued = 0;
  for (const delivery of candidates) {
    const count = redrives(delivery);
    // A refusal that no retry can fix (no handler, missing configuration) is not worth another round.
    if (count >= maxAutomaticRedrives || /not configured|no handler|no longer exists/.test(delivery.lastError ?? "")) continue;
    requeued += await prisma.$executeRaw(requeueDeadLetterPlan(null, delivery.id, clock.now(), { countAutomaticRedrive: true }));
  }
  return { requeued, outbox: await processOutbox() };
}
