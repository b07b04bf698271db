import { json, routeMethods } from "@/lib/http/api-route";
import { agentRoute } from "@/lib/auth/agent-route";
import { attributeWorkflowIds } from "@/lib/conversations/conversation-attributes";
import { loadConversationSnapshot } from "@/lib/panel/conversation-snapshot";
import { conversationParamsSchema, parseOrThrow } from "@/lib/panel/panel-schemas";
import { registerDirectRoute } from "@/lib/http/direct-routes";

export const dynamic = "force-dynamic";

/**
 * The agent panel's snapshot (and its polling fallback): every workflow of the
 * conversation, those it carries (a callback Longrun created, a participant
 * attribute `workflow_id` read with the agent's token), in the agent's org only.
 */
const get = agentRoute<{ conversationId: string }>(async ({ params, agent, request }) => {
  const { conversationId } = parseOrThrow(conversationParamsSchema, params);
  return json(await loadConversationSnapshot(agent.orgId, conversationId, { attributeWorkflowIds: await attributeWorkflowIds(request, conversationId) }));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
// Every open panel asks it (first paint, and its polling fallback): `npm start` serves it without Next's router once Next has loaded this module.
registerDirectRoute("GET", "/api/v1/conversations/[conversationId]/workflows", GET);
