import { agentRoute } from "@/lib/auth/agent-route";
import { attributeRecheckMs, attributeWorkflowIds } from "@/lib/conversations/conversation-attributes";
import { conversationParamsSchema, parseOrThrow, streamQuerySchema } from "@/lib/panel/panel-schemas";
import { conversationStream } from "@/lib/realtime/conversation-stream";
import { routeMethods } from "@/lib/http/api-route";
import { registerDirectRoute } from "@/lib/http/direct-routes";

export const dynamic = "force-dynamic";
// Streams end on their own before this (lib/realtime/conversation-stream.ts).
export const maxDuration = 60;

/** Server-sent events: a snapshot now and after every change of the conversation's workflows. */
const get = agentRoute<{ conversationId: string }>(async ({ params, agent, request, url }) => {
  const { conversationId } = parseOrThrow(conversationParamsSchema, params);
  const { lifetime } = parseOrThrow(streamQuerySchema, Object.fromEntries(url.searchParams));
  const named = await attributeWorkflowIds(request, conversationId);
  return conversationStream({
    orgId: agent.orgId,
    conversationId,
    signal: request.signal,
    attributeWorkflowIds: named,
    // A workflow_id set mid-call: asked again through the shared cache while none shows.
    rereadAttributes: () => attributeWorkflowIds(request, conversationId),
    attributeRecheckMs: attributeRecheckMs(),
    lifetimeMs: lifetime ? lifetime * 1000 : undefined,
  });
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
// Many stay open at once (one per agent with the panel): `npm start` serves them without Next's router once Next has loaded this module.
registerDirectRoute("GET", "/api/v1/conversations/[conversationId]/stream", GET);
