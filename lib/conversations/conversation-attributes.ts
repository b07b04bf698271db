// The workflows a conversation names in its participant attributes (issue 14,
// part 2): a callback or a conversation created outside Longrun (another
// flow, an agent's transfer, a callback scheduled by hand) carries
// `workflow_id` as participant data — Longrun's own callbacks set it through
// CreateCallbackCommand.data, and the example inbound flow through Set
// Participant Data. The panel reads it with the agent's own token, so only
// what the agent may see in Genesys is read; the snapshot then keeps only
// workflows of the agent's org.
//
// Genesys: GET /api/v2/conversations/{conversationId} (ConversationsApi.getConversation,
// permission conversation:communication:view, OAuth scope conversations:readonly) answers a
// Conversation whose participants[] each have `attributes?: { [key: string]: string }`
// (purecloud-platform-client-v2 262, index.d.ts `interface Participant`; src/…/api/ConversationsApi.js
// getConversation). CreateCallbackCommand.data "appear as participant attributes" (same index.d.ts).
//
// Named mid-call: a flow's Set Participant Data or another app's
// PATCH /api/v2/conversations/{conversationId}/participants/{participantId}/attributes
// (ConversationsApi.patchConversationParticipantAttributes, body ParticipantAttributes, same SDK
// src/purecloud-platform-client-v2/api/ConversationsApi.js) can add `workflow_id` after the panel
// opened. Genesys has no event for it the panel could hear without a notification channel, so
// "none named" is cached only PANEL_ATTRIBUTE_RECHECK_SECONDS (default 10) and a live stream asks
// again that often (lib/realtime/conversation-stream.ts); a found id keeps the longer cache. Every
// read goes through this one cache (and one in-flight read per key), so all streams and polls of an
// agent's conversation in this process cost Genesys one read per interval, whatever their number —
// user tokens are limited per user per OAuth client (../shared/GENESYS.md §9, HTTP 429).
import { createHash } from "node:crypto";
import { clock } from "@/lib/clock";
import { agentRegionHeader, genesysApiBase } from "@/lib/auth/agent-token";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

/** The participant attribute that names a Longrun workflow. */
export const workflowAttribute = "workflow_id";

/** A polling panel asks every few seconds and a stream reconnects every minute: once a workflow is named, one read per agent and conversation per half minute. */
export const attributeCacheSeconds = 30;

/** How long "no workflow named" is trusted, and how often a live stream asks again while it shows none (PANEL_ATTRIBUTE_RECHECK_SECONDS). */
export function attributeRecheckMs(): number {
  return env().PANEL_ATTRIBUTE_RECHECK_SECONDS * 1000;
}
const maxCached = 5_000;
const genesysTimeoutMs = 5_000;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const cache = new Map<string, { ids: string[]; expiresAt: number }>();
/** A read under way: streams of one conversation that ask at once share it rather than each asking Genesys. */
const inflight = new Map<string, Promise<string[]>>();

interface ConversationBody {
  participants?: Array<{ attributes?: Record<string, unknown> | null }>;
}

/** Every workflow id the participants' `workflow_id` attributes name (a value may list several, comma- or space-separated). */
export function workflowIdsIn(body: unknown): string[] {
  const participants = (body as ConversationBody | null)?.participants;
  if (!Array.isArray(participants)) return [];
  const ids = new Set<string>();
  for (const participant of participants) {
    const value = participant?.attributes?.[workflowAttribute];
    if (typeof value !== "string") continue;
    for (const part of value.split(/[\s,;]+/)) if (uuidPattern.test(part)) ids.add(part.toLowerCase());
  }
  return [...ids];
}

function bearerOf(request: Request): string | null {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? null;
}

/**
 * The workflow ids the conversation's participant attributes name, read with
 * the caller's Genesys token. Never fails the panel: a conversation Genesys
 * does not show this agent (403, 404), an expired token or an unreachable
 * Genesys mean "none found this time", logged.
 */
export async function attributeWorkflowIds(request: Request, conversationId: string): Promise<string[]> {
  const token = bearerOf(request);
  if (!token) return [];
  const key = `${createHash("sha256").update(token).digest("hex")}:${conversationId}`;
  const now = clock.now().getTime();
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.ids;
  const pending = inflight.get(key);
  if (pending) return pending;
  const reading = (async () => {
    const read = await readAttributes(token, request.headers.get(agentRegionHeader), conversationId);
    // Could not tell (unreachable, 429, 5xx): the last answer stands until the next recheck, so streams do not hammer a Genesys that is struggling.
    const ids = read ?? hit?.ids ?? [];
    cache.delete(key);
    if (cache.size >= maxCached) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    // "None named" may change mid-call: trusted only until the next recheck.
    const ttlMs = read !== null && ids.length > 0 ? attributeCacheSeconds * 1000 : attributeRecheckMs();
    cache.set(key, { ids, expiresAt: clock.now().getTime() + ttlMs });
    return ids;
  })();
  inflight.set(key, reading);
  try {
    return await reading;
  } finally {
    inflight.delete(key);
  }
}

/** null: could not tell (the next recheck tries again). */
async function readAttributes(token: string, region: string | null, conversationId: string): Promise<string[] | null> {
  const url = `${genesysApiBase(region)}/api/v2/conversations/${encodeURIComponent(conversationId)}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" }, signal: AbortSignal.timeout(genesysTimeoutMs) });
  } catch (error) {
    log.warn("panel.attributes.unreachable", { message: error instanceof Error ? error.message : String(error) });
    return null;
  }
  // Not this agent's to see, or not a conversation Genesys knows: nothing is named.
  if (response.status === 403 || response.status === 404) return [];
  if (!response.ok) {
    log.warn("panel.attributes.failed", { status: response.status });
    return null;
  }
  return workflowIdsIn(await response.json().catch(() => null));
}

/** Forgets every cached read (tests that change a conversation's attributes at the stand-in). */
export function clearAttributeCache(): void {
  cache.clear();
  inflight.clear();
}
