// The callback carries the process (issue 14, parts 2 and 3): the panel of a
// conversation created elsewhere finds workflows through its participant
// attribute `workflow_id`, read from Genesys (the stand-in) with the agent's
// token — only the agent's own org's workflows —, and the panel of a callback
// or an attribute-linked conversation gets live updates like the original's.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listConversation } from "@/app/api/v1/conversations/[conversationId]/workflows/route";
import { GET as streamConversation } from "@/app/api/v1/conversations/[conversationId]/stream/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { clearAttributeCache, workflowIdsIn } from "@/lib/conversations/conversation-attributes";
import { linkCallbackConversation } from "@/lib/conversations/workflow-conversations";
import { resetEnvCache } from "@/lib/env";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { isListening, stopWorkflowChanges } from "@/lib/realtime/workflow-changes";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { snapshotReader } from "@/test/support/sse-snapshots";
import { startGenesysStandIn, type GenesysStandIn } from "@/test/support/genesys-stand-in";

let genesys: GenesysStandIn;
let org: TestOrg;
let other: TestOrg;
let agentToken: string;

beforeAll(async () => {
  genesys = await startGenesysStandIn();
  process.env.GENESYS_API_BASE_URL = genesys.url;
  resetEnvCache();
  org = await newOrg();
  other = await newOrg();
  agentToken = genesys.issueToken(genesys.addUser({ orgId: org.orgId, name: "Dana Agent" }).id);
});
afterAll(async () => {
  await stopWorkflowChanges();
  await genesys.close();
  delete process.env.GENESYS_API_BASE_URL;
  resetEnvCache();
});

async function startWorkflow(owner: TestOrg, conversationId = randomUUID()) {
  const body = workflowBody({ conversation_id: conversationId });
  expect((await call(initiate, "/x", { body, token: owner.token })).status).toBe(201);
  const task = await jsonOf<{ callback_url: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false }, token: owner.token }));
  return { workflowId: body.workflow_id, conversationId, callbackUrl: task.callback_url };
}

async function postResult(owner: TestOrg, callbackUrl: string, body: unknown) {
  const url = new URL(callbackUrl);
  const raw = JSON.stringify(body);
  return call(callback, url.pathname + url.search, { params: { id: url.pathname.split("/").pop()! }, rawBody: raw, headers: signed(owner.signingSecret, raw) });
}

async function panelOf(conversationId: string): Promise<PanelSnapshot> {
  const res = await call(listConversation, `/api/v1/conversations/${conversationId}/workflows`, { params: { conversationId }, token: agentToken });
  expect(res.status, await res.clone().text()).toBe(200);
  return jsonOf<PanelSnapshot>(res);
}

async function readSnapshots(response: Response, until: (snapshots: PanelSnapshot[]) => boolean, timeoutMs = 20_000): Promise<PanelSnapshot[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const seen: PanelSnapshot[] = [];
  const read = snapshotReader();
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(seen)) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(seen)}`);
      const { done, value } = await reader.read();
      if (done) break;
      seen.push(...read(decoder.decode(value, { stream: true })));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return seen;
}

function openStream(conversationId: string, abort: AbortController) {
  const request = new Request(`http://longrun.test/api/v1/conversations/${conversationId}/stream`, { headers: { authorization: `Bearer ${agentToken}` }, signal: abort.signal });
  return streamConversation(request, { params: Promise.resolve({ conversationId }) });
}

describe("the participant attribute workflow_id", () => {
  it("is read from every participant, as one id or a list, ignoring what is not a workflow id", () => {
    const a = randomUUID();
    const b = randomUUID();
    expect(workflowIdsIn({ participants: [{ attributes: { workflow_id: a } }, { attributes: { workflow_id: `${b}, not-an-id` } }, { attributes: null }, {}] })).toEqual([a, b]);
    expect(workflowIdsIn({ participants: [{ attributes: { workflow_id: "DROP TABLE" } }] })).toEqual([]);
    expect(workflowIdsIn(null)).toEqual([]);
  });

  it("finds the workflow of an earlier conversation, with where it came from, read with the agent's token", async () => {
    const started = await startWorkflow(org);
    // A transfer or a callback made outside Longrun: a new conversation whose participant data names the workflow.
    const elsewhere = genesys.conversations.addCall(org.orgId, { attributes: { workflow_id: started.workflowId, other: "x" } });
    const before = genesys.count(`/api/v2/conversations/${elsewhere.id}`);
    const panel = await panelOf(elsewhere.id);
    expect(panel.workflows.map((w) => [w.workflow_id, w.status])).toEqual([[started.workflowId, "PENDING"]]);
    expect(panel.workflows[0]!.came_from).toEqual({ kind: "attribute", conversation_id: started.conversationId });
    const read = genesys.requests.filter((r) => r.path === `/api/v2/conversations/${elsewhere.id}`);
    expect(read.length - before).toBe(1);
    expect(read.at(-1)!.headers.authorization).toBe(`Bearer ${agentToken}`);
    // Polling panels do not ask Genesys every time.
    await panelOf(elsewhere.id);
    expect(genesys.count(`/api/v2/conversations/${elsewhere.id}`) - before).toBe(1);
    // The original conversation shows it as its own, without the line.
    expect((await panelOf(started.conversationId)).workflows[0]!.came_from).toBeNull();
  });

  it("shows nothing for an attribute naming another org's workflow", async () => {
    const theirs = await startWorkflow(other);
    const ours = genesys.conversations.addCall(org.orgId, { attributes: { workflow_id: theirs.workflowId } });
    expect((await panelOf(ours.id)).workflows).toEqual([]);
  });

  it("shows the conversation's own workflows when Genesys does not know the conversation or refuses the read", async () => {
    const own = await startWorkflow(org);
    // Not a conversation of the stand-in: Genesys answers 404.
    expect((await panelOf(own.conversationId)).workflows.map((w) => w.workflow_id)).toEqual([own.workflowId]);
    clearAttributeCache();
    genesys.route("GET", `/api/v2/conversations/${own.conversationId}`, () => ({ status: 503, body: { message: "try later" } }));
    try {
      expect((await panelOf(own.conversationId)).workflows.map((w) => w.workflow_id)).toEqual([own.workflowId]);
    } finally {
      genesys.unroute("GET", `/api/v2/conversations/${own.conversationId}`);
    }
  });

  it("is read only by an agent of the conversation's org: the stand-in refuses as Genesys does", async () => {
    const conversation = genesys.conversations.addCall(org.orgId, { attributes: { workflow_id: randomUUID() } });
    const read = (headers: Record<string, string>) => fetch(`${genesys.url}/api/v2/conversations/${conversation.id}`, { headers });
    expect((await read({})).status).toBe(401);
    expect((await read({ authorization: "Bearer gc_unknown" })).status).toBe(401);
    const stranger = genesys.issueToken(genesys.addUser({ orgId: other.orgId }).id);
    expect((await read({ authorization: `Bearer ${stranger}` })).status).toBe(404);
    expect((await fetch(`${genesys.url}/api/v2/conversations/${randomUUID()}`, { headers: { authorization: `Bearer ${agentToken}` } })).status).toBe(404);
    const mine = await read({ authorization: `Bearer ${agentToken}` });
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { participants: Array<{ attributes: Record<string, string> }> }).participants[0]!.attributes).toHaveProperty("workflow_id");
  });
});

describe("live updates for a conversation that carries a workflow of another", () => {
  it("the callback conversation's panel hears the workflow's changes", async () => {
    const started = await startWorkflow(org);
    const callbackConversation = randomUUID();
    await linkCallbackConversation(org.orgId, started.workflowId, callbackConversation, started.conversationId);
    const abort = new AbortController();
    const res = await openStream(callbackConversation, abort);
    expect(res.status).toBe(200);
    const reading = readSnapshots(res, (seen) => seen.some((s) => s.workflows[0]?.status === "COMPLETED"));
    await expect.poll(() => isListening()).toBe(true);
    expect((await postResult(org, started.callbackUrl, { status: "COMPLETED", result: "SUCCESS", result_data: { score: 712 } })).status).toBe(200);
    const seen = await reading;
    abort.abort();
    expect(seen[0]!.workflows.map((w) => [w.workflow_id, w.status])).toEqual([[started.workflowId, "PENDING"]]);
    expect(seen.at(-1)!.workflows[0]).toMatchObject({ workflow_id: started.workflowId, status: "COMPLETED", came_from: { kind: "callback", conversation_id: started.conversationId }, task: { result_data: { score: 712 } } });
  });

  it("an attribute-linked conversation's panel does too", async () => {
    const started = await startWorkflow(org);
    const elsewhere = genesys.conversations.addCall(org.orgId, { attributes: { workflow_id: started.workflowId } });
    const abort = new AbortController();
    const reading = readSnapshots(await openStream(elsewhere.id, abort), (seen) => seen.some((s) => s.workflows[0]?.status === "FAILED"));
    await expect.poll(() => isListening()).toBe(true);
    expect((await postResult(org, started.callbackUrl, { status: "FAILED", reason: "card reported stolen" })).status).toBe(200);
    const seen = await reading;
    abort.abort();
    expect(seen.at(-1)!.workflows[0]).toMatchObject({ workflow_id: started.workflowId, status: "FAILED", came_from: { kind: "attribute" } });
  });
});
