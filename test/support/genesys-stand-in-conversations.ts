// Conversations and callbacks for the Genesys stand-in (browser tests): the
// callback Longrun creates becomes a conversation of the org whose
// participant attributes are the callback's `data`, and the panel reads a
// conversation's attributes with the agent's token. Refuses what Genesys
// refuses: no token (401, by the stand-in), another org's or an unknown
// conversation (404), a callback without numbers or queue, or with data
// that is not a string map (400).
//
// Shapes from purecloud-platform-client-v2 262 (index.d.ts): CreateCallbackCommand
// {callbackNumbers (required), queueId | routingData.queueId, callbackUserName?, callbackScheduledTime?,
// data?: {[k]: string}}, CreateCallbackResponse {conversation: {id, selfUri}, callbackIdentifiers},
// Conversation {id, startTime, endTime?, participants[]}, Participant {purpose, ani?, name?,
// attributes?: {[k]: string}, calls[], callbacks[]}.
import { randomUUID } from "node:crypto";
import type { StandInReply } from "@/test/support/genesys-stand-in";

export interface StandInParticipant {
  id: string;
  purpose: string;
  ani?: string;
  name?: string;
  queueId?: string;
  endTime?: string;
  attributes: Record<string, string>;
  calls?: Array<{ state: string }>;
  callbacks?: Array<{ state: string; callbackNumbers?: string[]; scheduledTime?: string }>;
}

export interface StandInConversation {
  id: string;
  orgId: string;
  startTime: string;
  endTime?: string;
  participants: StandInParticipant[];
}

export interface ConversationsFake {
  /** Every conversation, by id, across orgs. */
  records: Map<string, StandInConversation>;
  /** Callbacks Genesys was asked to create (the bodies as sent), in order. */
  callbacks: Array<{ orgId: string; body: Record<string, unknown>; conversationId: string }>;
  /** A call of the org whose customer is connected (attributes as a flow's Set Participant Data would leave them). */
  addCall(orgId: string, options?: { id?: string; ani?: string; name?: string; attributes?: Record<string, string> }): StandInConversation;
  /** The customer hangs up: the conversation ends. */
  end(conversationId: string): void;
  handles(method: string, path: string): boolean;
  handle(method: string, path: string, body: string, caller: { orgId: string }): StandInReply;
}

function genesysError(status: number, code: string, message: string): StandInReply {
  return { status, body: { status, code, message, contextId: randomUUID(), details: [], errors: [] } };
}

const conversationPath = /^\/api\/v2\/conversations\/([^/]+)$/;

export function createConversationsFake(): ConversationsFake {
  const records = new Map<string, StandInConversation>();
  const callbacks: ConversationsFake["callbacks"] = [];
  const view = (c: StandInConversation) => ({ ...c, orgId: undefined, selfUri: `/api/v2/conversations/${c.id}` });

  const createCallback = (raw: string, orgId: string): StandInReply => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw || "{}") as Record<string, unknown>;
    } catch {
      return genesysError(400, "bad.request", "the request body is not JSON");
    }
    const numbers = body.callbackNumbers;
    if (!Array.isArray(numbers) || numbers.length === 0 || !numbers.every((n) => typeof n === "string" && n.trim() !== "")) return genesysError(400, "bad.request", "callbackNumbers is required");
    const queueId = typeof body.queueId === "string" ? body.queueId : typeof (body.routingData as { queueId?: unknown } | undefined)?.queueId === "string" ? (body.routingData as { queueId: string }).queueId : null;
    if (!queueId) return genesysError(400, "bad.request", "queueId or routingData.queueId is required");
    const data = body.data ?? {};
    if (typeof data !== "object" || data === null || Array.isArray(data) || !Object.values(data).every((v) => typeof v === "string")) return genesysError(400, "bad.request", "data must map strings to strings");
    if (body.callbackScheduledTime !== undefined && (typeof body.callbackScheduledTime !== "string" || Number.isNaN(Date.parse(body.callbackScheduledTime)))) {
      return genesysError(400, "bad.request", "callbackScheduledTime must be an ISO-8601 date");
    }
    const conversation: StandInConversation = {
      id: randomUUID(),
      orgId,
      startTime: new Date().toISOString(),
      participants: [
        {
          id: randomUUID(),
          purpose: "customer",
          ani: `tel:${numbers[0] as string}`,
          ...(typeof body.callbackUserName === "string" ? { name: body.callbackUserName } : {}),
          // Genesys: the callback's data "appear as participant attributes".
          attributes: data as Record<string, string>,
          callbacks: [{ state: "alerting", callbackNumbers: numbers as string[], ...(typeof body.callbackScheduledTime === "string" ? { scheduledTime: body.callbackScheduledTime } : {}) }],
        },
        { id: randomUUID(), purpose: "acd", queueId, attributes: {} },
      ],
    };
    records.set(conversation.id, conversation);
    callbacks.push({ orgId, body, conversationId: conversation.id });
    return { status: 200, body: { conversation: { id: conversation.id, selfUri: `/api/v2/conversations/${conversation.id}` }, callbackIdentifiers: [{ type: "EXTERNAL", id: randomUUID() }] } };
  };

  return {
    records,
    callbacks,
    addCall(orgId, options = {}) {
      const conversation: StandInConversation = {
        id: options.id ?? randomUUID(),
        orgId,
        startTime: new Date().toISOString(),
        participants: [
          { id: randomUUID(), purpose: "customer", ani: options.ani ?? "tel:+15551234567", name: options.name ?? "Pat Customer", attributes: options.attributes ?? {}, calls: [{ state: "connected" }] },
          { id: randomUUID(), purpose: "agent", attributes: {}, calls: [{ state: "connected" }] },
        ],
      };
      records.set(conversation.id, conversation);
      return conversation;
    },
    end(conversationId) {
      const conversation = records.get(conversationId);
      if (!conversation) throw new Error(`stand-in: unknown conversation ${conversationId}`);
      const at = new Date().toISOString();
      conversation.endTime = at;
      for (const p of conversation.participants) {
        p.endTime = at;
        for (const call of p.calls ?? []) call.state = "disconnected";
      }
    },
    handles(method, path) {
      return (method === "POST" && path === "/api/v2/conversations/callbacks") || (method === "GET" && conversationPath.test(path) && path !== "/api/v2/conversations/callbacks");
    },
    handle(method, path, body, caller) {
      if (method === "POST") return createCallback(body, caller.orgId);
      const id = decodeURIComponent(conversationPath.exec(path)?.[1] ?? "");
      const conversation = records.get(id);
      // Another org's conversation does not exist for this token, as in Genesys.
      if (!conversation || conversation.orgId !== caller.orgId) return genesysError(404, "not.found", `conversation ${id} not found`);
      return { status: 200, body: view(conversation) };
    },
  };
}
