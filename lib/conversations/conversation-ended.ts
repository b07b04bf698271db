// The customer left a conversation (Genesys's customer.end event through the
// Process Automation trigger). Recorded once per conversation: a redelivered
// event changes nothing, and an end that arrives before its workflow does is
// kept, so the session-ended path never waits for a Platform API read.
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { applyCommand } from "@/lib/workflows/workflow-store";

export interface ConversationEnded {
  conversation_id: string;
  session_state: "ENDED";
  ended_at: string;
  already_known: boolean;
  open_workflows: number;
}

export async function recordConversationEnded(orgId: string, conversationId: string, endedAt: Date | null, customerAddress: string | null = null, requestId: string | null = null): Promise<ConversationEnded> {
  const prisma = await db();
  const at = endedAt ?? clock.now();
  // One statement: insert if new, else read what was stored first.
  const [row] = await prisma.$queryRaw<Array<{ endedAt: Date; inserted: boolean }>>`
    WITH ins AS (
      INSERT INTO "ConversationEnd" ("orgId", "conversationId", "endedAt", "customerAddress", "createdAt")
      VALUES (${orgId}::uuid, ${conversationId}, ${at}, ${customerAddress}, ${clock.now()})
      ON CONFLICT ("orgId", "conversationId") DO NOTHING
      RETURNING "endedAt")
    SELECT "endedAt", true AS "inserted" FROM ins
    UNION ALL
    SELECT "endedAt", false FROM "ConversationEnd" WHERE "orgId" = ${orgId}::uuid AND "conversationId" = ${conversationId} AND NOT EXISTS (SELECT 1 FROM ins)`;
  // Every workflow of the conversation learns it (CUSTOMER_ENDED, an event each); a cancelled one takes no more changes.
  const workflows = await prisma.workflow.findMany({ where: { orgId, conversationId, status: { not: "CANCELLED" } }, select: { id: true, status: true } });
  for (const workflow of workflows) {
    await applyCommand(orgId, workflow.id, { type: "CUSTOMER_ENDED", endedAt: row!.endedAt }, { actor: "data-action", requestId });
  }
  // Still waiting on something: the customer will have to hear of it some other way.
  const open = workflows.filter((w) => ["INITIATED", "PENDING", "TIMED_OUT"].includes(w.status)).length;
  return { conversation_id: conversationId, session_state: "ENDED", ended_at: row!.endedAt.toISOString(), already_known: !row!.inserted, open_workflows: open };
}

/** The customer's end as Genesys reported it; null when Longrun has not heard of one (no trigger, or not yet). */
export async function knownConversationEnd(orgId: string, conversationId: string): Promise<{ endedAt: Date; customerAddress: string | null } | null> {
  const prisma = await db();
  return prisma.conversationEnd.findUnique({ where: { orgId_conversationId: { orgId, conversationId } }, select: { endedAt: true, customerAddress: true } });
}
