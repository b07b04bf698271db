// Fan-out of committed workflow changes to the panels open on this instance.
// Every writer, on any instance, runs pg_notify in the transaction that writes
// the change, or right after its autocommit statement committed (coalesced,
// lib/db/workflow-writes.ts), so only committed changes are announced; each
// instance holds ONE listening connection (node-postgres LISTEN) while it has
// subscribers, maps the notified workflow to its conversation, and wakes the
// streams watching that org + conversation — and those watching the workflow
// itself: the panel of a callback, or of a conversation whose participant
// attribute names the workflow, shows a workflow of another conversation.
import { Client } from "pg";
import { conversationOfWorkflow } from "@/lib/panel/conversation-snapshot";
import { databaseUrl } from "@/lib/env";
import { log } from "@/lib/log";
import { workflowChangedChannel, workflowChangedListenerName } from "@/lib/workflows/workflow-store";

/** Called with "change" for a change of the watched conversation, "resync" when notifications may have been missed. */
export type ChangeListener = (reason: "change" | "resync") => void;

interface Source {
  close(): Promise<void>;
}

interface Hub {
  subscribers: Map<string, Set<ChangeListener>>;
  watchedOrgs: Map<string, number>;
  /** workflow → conversation; a workflow's conversation never changes, so entries never go stale. */
  conversations: Map<string, string | null>;
  source: Source | null;
  starting: Promise<void> | null;
  stopTimer: ReturnType<typeof setTimeout> | null;
  retryTimer: ReturnType<typeof setTimeout> | null;
  failures: number;
}

const maxCachedConversations = 20_000;
/** Keeps the connection for a while after the last panel left: serverless streams reconnect every few minutes. */
const lingerMs = 15_000;

const store = globalThis as unknown as { longrunChangeHub?: Hub };

function hub(): Hub {
  store.longrunChangeHub ??= {
    subscribers: new Map(),
    watchedOrgs: new Map(),
    conversations: new Map(),
    source: null,
    starting: null,
    stopTimer: null,
    retryTimer: null,
    failures: 0,
  };
  return store.longrunChangeHub;
}

function emit(key: string, reason: "change" | "resync"): void {
  for (const listener of hub().subscribers.get(key) ?? []) {
    try {
      listener(reason);
    } catch (error) {
      log.error("realtime.listener.failed", { message: error instanceof Error ? error.message : String(error) });
    }
  }
}

function resyncAll(): void {
  for (const key of hub().subscribers.keys()) emit(key, "resync");
}

async function conversationFor(orgId: string, workflowId: string): Promise<string | null> {
  const h = hub();
  const cacheKey = `${orgId}:${workflowId}`;
  if (h.conversations.has(cacheKey)) return h.conversations.get(cacheKey) ?? null;
  const conversationId = await conversationOfWorkflow(orgId, workflowId);
  if (h.conversations.size >= maxCachedConversations) {
    const oldest = h.conversations.keys().next().value;
    if (oldest !== undefined) h.conversations.delete(oldest);
  }
  h.conversations.set(cacheKey, conversationId);
  return conversationId;
}

/** Handles one NOTIFY payload: lines "<orgId>:<workflowId>" (the hot path coalesces several changes into one NOTIFY). */
export async function handleNotification(payload: string): Promise<void> {
  await Promise.all(payload.split("\n").map(handleChange));
}

async function handleChange(payload: string): Promise<void> {
  const colon = payload.indexOf(":");
  if (colon < 0) return;
  const orgId = payload.slice(0, colon);
  const workflowId = payload.slice(colon + 1);
  if (!hub().watchedOrgs.has(orgId)) return;
  try {
    emit(workflowKey(orgId, workflowId), "change");
    const conversationId = await conversationFor(orgId, workflowId);
    if (conversationId) emit(`${orgId}:${conversationId}`, "change");
  } catch (error) {
    log.warn("realtime.lookup.failed", { message: error instanceof Error ? error.message : String(error) });
  }
}

function onPayload(payload: string | undefined): void {
  if (payload) void handleNotification(payload);
}

async function openPostgres(url: string): Promise<Source> {
  // Writers look for this name before they announce (lib/db/workflow-writes.ts, announceCommitted).
  const client = new Client({ connectionString: url, application_name: workflowChangedListenerName });
  const source: Source = {
    close: async () => {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
    },
  };
  client.on("notification", (message) => {
    if (message.channel === workflowChangedChannel) onPayload(message.payload);
  });
  client.on("error", (error) => {
    log.warn("realtime.listener.error", { message: error.message });
    void sourceLost(source);
  });
  client.on("end", () => void sourceLost(source));
  await client.connect();
  await client.query(`LISTEN ${workflowChangedChannel}`);
  return source;
}

async function sourceLost(lost: Source): Promise<void> {
  const h = hub();
  // Only the live connection's loss matters; a closed or replaced one is history.
  if (h.source !== lost) return;
  h.source = null;
  await lost.close();
  scheduleRetry();
}

function scheduleRetry(): void {
  const h = hub();
  if (h.retryTimer || h.subscribers.size === 0) return;
  const delay = Math.min(30_000, 500 * 2 ** Math.min(h.failures, 6));
  h.failures += 1;
  h.retryTimer = setTimeout(() => {
    h.retryTimer = null;
    void start();
  }, delay);
  h.retryTimer.unref?.();
}

async function start(): Promise<void> {
  const h = hub();
  if (h.source || h.subscribers.size === 0) return;
  h.starting ??= (async () => {
    try {
      h.source = await openPostgres(databaseUrl());
      const recovered = h.failures > 0;
      h.failures = 0;
      // After a gap, panels re-read: a change may have committed while nobody listened.
      if (recovered) resyncAll();
    } catch (error) {
      log.warn("realtime.listen.failed", { message: error instanceof Error ? error.message : String(error) });
      scheduleRetry();
    } finally {
      h.starting = null;
    }
  })();
  await h.starting;
}

/** Conversation ids are validated (no colon); a workflow's key cannot collide with one. */
function workflowKey(orgId: string, workflowId: string): string {
  return `${orgId}:workflow:${workflowId}`;
}

/**
 * Watches one conversation of one org. Resolves once this instance is
 * listening, so a snapshot read afterwards misses no change.
 */
export async function subscribeConversation(orgId: string, conversationId: string, listener: ChangeListener): Promise<() => void> {
  return subscribe(orgId, `${orgId}:${conversationId}`, listener);
}

/** Watches one workflow of one org, whatever conversation it belongs to. */
export async function subscribeWorkflow(orgId: string, workflowId: string, listener: ChangeListener): Promise<() => void> {
  return subscribe(orgId, workflowKey(orgId, workflowId), listener);
}

async function subscribe(orgId: string, key: string, listener: ChangeListener): Promise<() => void> {
  const h = hub();
  if (h.stopTimer) {
    clearTimeout(h.stopTimer);
    h.stopTimer = null;
  }
  let set = h.subscribers.get(key);
  if (!set) h.subscribers.set(key, (set = new Set()));
  set.add(listener);
  h.watchedOrgs.set(orgId, (h.watchedOrgs.get(orgId) ?? 0) + 1);
  await start();

  let active = true;
  return () => {
    if (!active) return;
    active = false;
    set.delete(listener);
    if (set.size === 0) h.subscribers.delete(key);
    const left = (h.watchedOrgs.get(orgId) ?? 1) - 1;
    if (left <= 0) h.watchedOrgs.delete(orgId);
    else h.watchedOrgs.set(orgId, left);
    if (h.subscribers.size === 0 && !h.stopTimer) {
      h.stopTimer = setTimeout(() => {
        h.stopTimer = null;
        if (h.subscribers.size === 0) void stopWorkflowChanges();
      }, lingerMs);
      h.stopTimer.unref?.();
    }
  };
}

/** True while this instance holds its listening connection. */
export function isListening(): boolean {
  return hub().source !== null;
}

/** Closes the listening connection now (tests, shutdown). */
export async function stopWorkflowChanges(): Promise<void> {
  const h = hub();
  if (h.stopTimer) clearTimeout(h.stopTimer);
  if (h.retryTimer) clearTimeout(h.retryTimer);
  h.stopTimer = null;
  h.retryTimer = null;
  if (h.starting) await h.starting;
  const source = h.source;
  h.source = null;
  await source?.close();
}
