// A `workflow_id` participant attribute set after the panel opened (a flow's
// Set Participant Data, another app's PATCH .../participants/{id}/attributes):
// the open stream asks Genesys again while it shows no workflow named, so the
// workflow appears without a reconnect; every stream of the agent's
// conversation shares one read per interval (the cache), and once the workflow
// shows the stream stops asking. Genesys is the msw fake; PostgreSQL is real.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as streamConversation } from "@/app/api/v1/conversations/[conversationId]/stream/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { clock } from "@/lib/clock";
import { attributeRecheckMs, clearAttributeCache } from "@/lib/conversations/conversation-attributes";
import { resetEnvCache } from "@/lib/env";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { stopWorkflowChanges } from "@/lib/realtime/workflow-changes";
import { connectedConversation, startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";
import { call, newOrg, workflowBody, type TestOrg } from "@/test/support/api";
import { snapshotReader } from "@/test/support/sse-snapshots";

const agentToken = "gc-user-token-dana";
let genesys: GenesysFake;
let org: TestOrg;

beforeAll(async () => {
  delete process.env.GENESYS_API_BASE_URL;
  process.env.PANEL_ATTRIBUTE_RECHECK_SECONDS = "0.1";
  resetEnvCache();
  genesys = startGenesysFake();
  org = await newOrg();
  genesys.addAgent(agentToken, { userId: randomUUID(), orgId: org.orgId, name: "Dana Agent" });
});
afterAll(async () => {
  await stopWorkflowChanges();
  genesys.close();
  delete process.env.PANEL_ATTRIBUTE_RECHECK_SECONDS;
  resetEnvCache();
});

/** Reads snapshot events into `seen` until `until` holds or the stream ends; `keepOpen` leaves the stream running. */
async function readSnapshots(response: Response, seen: PanelSnapshot[], until: (snapshots: PanelSnapshot[]) => boolean, keepOpen = false): Promise<void> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const read = snapshotReader();
  try {
    while (!until(seen)) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended (a reconnect would be needed); got ${JSON.stringify(seen)}`);
      seen.push(...read(decoder.decode(value, { stream: true })));
    }
  } finally {
    if (keepOpen) reader.releaseLock();
    else await reader.cancel().catch(() => undefined);
  }
}

function openStream(conversationId: string, abort: AbortController) {
  const request = new Request(`http://longrun.test/api/v1/conversations/${conversationId}/stream`, { headers: { authorization: `Bearer ${agentToken}` }, signal: abort.signal });
  return streamConversation(request, { params: Promise.resolve({ conversationId }) });
}

/** The conversation once the customer's participant carries `workflow_id` (Participant.attributes). */
function naming(conversationId: string, workflowId: string): Record<string, unknown> {
  const conversation = connectedConversation(conversationId);
  return { ...conversation, participants: conversation.participants.map((p, i) => (i === 0 ? { ...p, attributes: { workflow_id: workflowId } } : p)) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a workflow_id set after the panel's stream opened", () => {
  it("reaches the open streams without a reconnect, one Genesys read per interval for all of them, and no more reads once found", async () => {
    expect(attributeRecheckMs()).toBe(100);
    clearAttributeCache();
    const body = workflowBody({ conversation_id: randomUUID() });
    expect((await call(initiate, "/x", { body, token: org.token })).status).toBe(201);
    // The transferred-to conversation: at first nobody has named a workflow on it.
    const conversationId = randomUUID();
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    const reads = () => genesys.requests.filter((r) => r.method === "GET" && r.path === `/api/v2/conversations/${conversationId}`);

    // The cache's time stands still, so rechecks while it holds cost Genesys nothing.
    const start = Date.now();
    const restore = clock.set(() => new Date(start));
    const aborts = [new AbortController(), new AbortController()];
    try {
      const streams = await Promise.all(aborts.map((abort) => openStream(conversationId, abort)));
      for (const stream of streams) expect(stream.status).toBe(200);
      const seen: PanelSnapshot[][] = [[], []];
      const found = (snapshots: PanelSnapshot[]) => snapshots.some((s) => s.workflows.some((w) => w.workflow_id === body.workflow_id));
      const reading = streams.map((stream, i) => readSnapshots(stream, seen[i]!, found));
      await expect.poll(() => seen.every((s) => s.length >= 1), { timeout: 20_000 }).toBe(true);
      for (const s of seen) expect(s[0]!.workflows).toEqual([]);
      // Two streams opened, one read: the second found the first's answer in the cache.
      expect(reads()).toHaveLength(1);
      expect(reads()[0]!.authorization).toBe(`Bearer ${agentToken}`);
      await sleep(500);
      expect(reads()).toHaveLength(1);

      // Mid-call, a flow sets the participant attribute; the cached "none named" runs out.
      genesys.setConversation(conversationId, naming(conversationId, body.workflow_id));
      clock.set(() => new Date(start + attributeRecheckMs() + 1));
      await Promise.all(reading);

      for (const s of seen) {
        expect(s.at(-1)!.workflows.map((w) => [w.workflow_id, w.came_from?.kind])).toEqual([[body.workflow_id, "attribute"]]);
      }
      // Both streams learnt it from one read (the shared cache and in-flight read), not one each.
      expect(reads()).toHaveLength(2);
    } finally {
      for (const abort of aborts) abort.abort();
      restore();
    }
  });

  it("a stream that shows the attribute's workflow stops asking Genesys", async () => {
    clearAttributeCache();
    const body = workflowBody({ conversation_id: randomUUID() });
    expect((await call(initiate, "/x", { body, token: org.token })).status).toBe(201);
    const conversationId = randomUUID();
    genesys.setConversation(conversationId, naming(conversationId, body.workflow_id));
    const reads = () => genesys.requests.filter((r) => r.method === "GET" && r.path === `/api/v2/conversations/${conversationId}`).length;
    const abort = new AbortController();
    try {
      const seen: PanelSnapshot[] = [];
      await readSnapshots(await openStream(conversationId, abort), seen, (s) => s.length >= 1, true);
      expect(seen[0]!.workflows.map((w) => w.workflow_id)).toEqual([body.workflow_id]);
      expect(reads()).toBe(1);
      // Many recheck intervals, and even with the cache forgotten: the stream no longer asks.
      clearAttributeCache();
      await sleep(600);
      expect(reads()).toBe(1);
    } finally {
      abort.abort();
    }
  });
});
