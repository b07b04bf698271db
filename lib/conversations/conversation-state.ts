// Is the customer still there? Genesys's customer.end event (recorded by the
// ended data action) answers without a Platform API call; the conversation
// read stays as the fallback for orgs without the trigger, and for the number
// to call back when the event did not carry one.
import type { Org, Workflow } from "@/lib/generated/prisma/client";
import { knownConversationEnd } from "@/lib/conversations/conversation-ended";
import { getConversationState, type ConversationState } from "@/lib/genesys/genesys-client";

export async function conversationStateFor(org: Org, workflow: Workflow): Promise<ConversationState | null> {
  if (!workflow.conversationId) return null;
  const end = await knownConversationEnd(org.id, workflow.conversationId);
  if (end && (end.customerAddress || !org.genesysClientId)) {
    return { customerConnected: false, ended: true, customerAddress: end.customerAddress, customerName: null };
  }
  if (!org.genesysClientId) return null;
  const read = await getConversationState(org, workflow.conversationId);
  // The event is the authority on the end; the read still supplies the number and name.
  return end ? { ...read, customerConnected: false, ended: true } : read;
}
