// The conversations that carry a workflow besides the one that started it:
// the callback Longrun created (issue 14, part 2). The agent who takes the
// callback sees the workflow in its panel, with where it came from.
import { db } from "@/lib/db/client";

export interface LinkedWorkflow {
  workflowId: string;
  kind: string;
  fromConversationId: string | null;
}

export async function linkCallbackConversation(orgId: string, workflowId: string, conversationId: string, fromConversationId: string | null): Promise<void> {
  const prisma = await db();
  // A retried escalation links the same callback once.
  await prisma.workflowConversation.createMany({ data: [{ orgId, workflowId, conversationId, kind: "callback", fromConversationId }], skipDuplicates: true });
}

export async function linkedWorkflows(orgId: string, conversationId: string): Promise<LinkedWorkflow[]> {
  const prisma = await db();
  const rows = await prisma.workflowConversation.findMany({ where: { orgId, conversationId }, orderBy: { createdAt: "desc" }, take: 20 });
  return rows.map((r) => ({ workflowId: r.workflowId, kind: r.kind, fromConversationId: r.fromConversationId }));
}
