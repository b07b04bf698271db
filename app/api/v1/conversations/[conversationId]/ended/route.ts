// Called by the Architect workflow that Genesys's customer.end trigger starts
// (genesys/flows/longrun-customer-ended.yaml): the customer has left.
import { conversationEndedBodySchema, conversationEndedParamsSchema } from "@/lib/api/schemas";
import { recordConversationEnded } from "@/lib/conversations/conversation-ended";
import { clientRoute, json, routeMethods } from "@/lib/http/api-route";
import { parseJson, readBodyText, requireJsonContentType, validate } from "@/lib/http/read-body";
import { registerDirectRoute } from "@/lib/http/direct-routes";

export const dynamic = "force-dynamic";

const post = clientRoute<{ conversationId: string }>("conversationEnded", async ({ request, params, principal, requestId }) => {
  const { conversationId } = validate(conversationEndedParamsSchema, params, "path");
  const text = await readBodyText(request);
  let endedAt: Date | null = null;
  let ani: string | null = null;
  if (text.trim() !== "") {
    requireJsonContentType(request);
    const body = validate(conversationEndedBodySchema, parseJson(text));
    endedAt = body.ended_at ? new Date(body.ended_at) : null;
    ani = body.ani ? body.ani.replace(/^tel:/, "") : null;
  }
  return json(await recordConversationEnded(principal.orgId, conversationId, endedAt, ani, requestId));
});

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: post });
// Once per call, from the customer.end trigger's workflow: `npm start` serves it without Next's router once Next has loaded this module.
registerDirectRoute("POST", "/api/v1/conversations/[conversationId]/ended", POST);
