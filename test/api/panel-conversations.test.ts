import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listConversation } from "@/app/api/v1/conversations/[conversationId]/workflows/route";
import { GET as streamConversation } from "@/app/api/v1/conversations/[conversationId]/stream/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { POST as cancel } from "@/app/api/v1/workflows/[id]/cancel/route";
import { clearAgentIdentityCache } from "@/lib/auth/agent-token";
import { db } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { conversationStream } from "@/lib/realtime/conversation-stream";
import { isListening, stopWorkflowChanges } from "@/lib/realtime/workflow-changes";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { panelSnapshotSchema } from "@/lib/panel/panel-snapshot-schema";
import { startGenesysStandIn, type GenesysStandIn, type StandInUser } from "@/test/support/genesys-stand-in";

let genesys: GenesysStandIn;
let org: TestOrg;
let other: TestOrg;
let agent: StandInUser;
let otherAgent: StandInUser;
let agentToken: string;

beforeAll(async () => {
  genesys = await startGenesysStandIn();
  process.env.GENESYS_API_BASE_URL = genesys.url;
  resetEnvCache();
  org = await newOrg();
  other = await newOrg();
  agent = genesys.addUser({ orgId: org.orgId, name: "Dana Agent" });
  otherAgent = genesys.addUser({ orgId: other.orgId, name: "Oli Other" });
  agentToken = genesys.issueToken(agent.id);
});
afterAll(async () => {
  await stopWorkflowChanges();
  await genesys.close();
  delete process.env.GENESYS_API_BASE_URL;
  resetEnvCache();
});

async function startWorkflow(owner: TestOrg, conversationId: string): Promise<string> {
  const body = workflowBody({ conversation_id: conversationId });
  const res = await call(initiate, "/api/v1/workflows", { body, token: owner.token });
  expect(res.status).toBe(201);
  return body.workflow_id;
}

async function startTask(owner: TestOrg, workflowId: string, body: Record<string, unknown> = { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false }) {
  const res = await call(dispatch, `/api/v1/workflows/${workflowId}/tasks`, { params: { id: workflowId }, body, token: owner.token });
  expect(res.status, await res.clone().text()).toBe(202);
  return jsonOf<{ task_id: string; callback_url: string }>(res);
}

async function postCallback(owner: TestOrg, callbackUrl: string, body: unknown) {
  const url = new URL(callbackUrl);
  const id = url.pathname.split("/").pop()!;
  const raw = JSON.stringify(body);
  return call(callback, url.pathname + url.search, { params: { id }, rawBody: raw, headers: signed(owner.signingSecret, raw) });
}

function list(conversationId: string, token?: string, headers: Record<string, string> = {}) {
  return call(listConversation, `/api/v1/conversations/${conversationId}/workflows`, { params: { conversationId }, token, headers });
}

describe("GET /api/v1/conversations/{conversationId}/workflows", () => {
  it("asks for a Genesys token", async () => {
    const res = await list(randomUUID());
    expect(res.status).toBe(401);
    expect((await jsonOf<{ error: { code: string } }>(res)).error.code).toBe("UNAUTHORIZED");
  });

  it("refuses a token Genesys does not know, and says to sign in again", async () => {
    const res = await list(randomUUID(), "gc_not-a-real-token");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("invalid_token");
    expect((await jsonOf<{ error: { message: string } }>(res)).error.message).toMatch(/sign in again/);
  });

  it("answers 403 with a clear message to an agent whose org has not installed Longrun", async () => {
    const stranger = genesys.addUser({ orgId: randomUUID() });
    const res = await list(randomUUID(), genesys.issueToken(stranger.id));
    expect(res.status).toBe(403);
    const body = await jsonOf<{ error: { code: string; message: string } }>(res);
    expect(body.error.code).toBe("FORBIDDEN");
    expect(body.error.message).toContain(stranger.orgId);
    expect(body.error.message).toMatch(/has not installed Longrun/);
  });

  it("rejects a conversation id that is not a UUID", async () => {
    const res = await list("not-a-conversation", agentToken);
    expect(res.status).toBe(400);
    expect((await jsonOf<{ error: { code: string } }>(res)).error.code).toBe("VALIDATION_FAILED");
  });

  it("returns an empty list when the conversation has no workflow yet", async () => {
    const conversationId = randomUUID();
    const res = await list(conversationId, agentToken);
    expect(res.status).toBe(200);
    const body = await jsonOf<PanelSnapshot>(res);
    expect(body).toMatchObject({ conversation_id: conversationId, workflows: [] });
  });

  it("shows only the agent's own org's workflows of that conversation, with task, result and timeline", async () => {
    const conversationId = randomUUID();
    const mine = await startWorkflow(org, conversationId);
    await startWorkflow(org, randomUUID());
    const theirs = await startWorkflow(other, conversationId);
    const task = await startTask(org, mine);
    expect((await postCallback(org, task.callback_url, { status: "FAILED", reason: "card reported stolen" })).status).toBe(200);

    const res = await list(conversationId, agentToken);
    expect(res.status).toBe(200);
    const body = await jsonOf<PanelSnapshot>(res);
    // The document's schema for this route (GET /api/openapi.json) accepts the real answer.
    expect(panelSnapshotSchema.safeParse(body).error).toBeUndefined();
    expect(body.workflows.map((w) => w.workflow_id)).toEqual([mine]);
    const [workflow] = body.workflows;
    expect(workflow).toMatchObject({
      status: "FAILED",
      task: { id: task.task_id, type: "FRAUD_VERIFICATION", status: "FAILED", success: false, failure_reason: "card reported stolen", late_result: false },
    });
    expect(workflow!.events.map((e) => e.type)).toEqual(["WORKFLOW_INITIATED", "TASK_DISPATCHED", "TASK_FAILED"]);
    // No capability leaks to the browser: the callback URL is for the external system only.
    expect(JSON.stringify(body)).not.toContain("/webhooks/");

    const theirView = await jsonOf<PanelSnapshot>(await list(conversationId, genesys.issueToken(otherAgent.id)));
    expect(theirView.workflows.map((w) => w.workflow_id)).toEqual([theirs]);
  });

  it("carries the names the org gave its task types, for the panel to pick the agent's language", async () => {
    const conversationId = randomUUID();
    const workflowId = await startWorkflow(org, conversationId);
    await startTask(org, workflowId);
    const prisma = await db();
    await prisma.org.update({ where: { id: org.orgId }, data: { settings: { taskTypes: { FRAUD_VERIFICATION: { displayName: "Fraud check", displayNames: { de: "Betrugsprüfung" } } } } } });
    const body = await jsonOf<PanelSnapshot>(await list(conversationId, agentToken));
    expect(panelSnapshotSchema.safeParse(body).error).toBeUndefined();
    expect(body.task_type_names).toEqual({ FRAUD_VERIFICATION: { all: "Fraud check", languages: { de: "Betrugsprüfung" } } });
    await prisma.org.update({ where: { id: org.orgId }, data: { settings: {} } });
    expect((await jsonOf<PanelSnapshot>(await list(conversationId, agentToken))).task_type_names).toEqual({});
  });

  it("checks a token with Genesys once and then trusts the cached answer", async () => {
    clearAgentIdentityCache();
    const token = genesys.issueToken(agent.id);
    const before = genesys.count("/api/v2/users/me");
    for (let i = 0; i < 3; i++) expect((await list(randomUUID(), token)).status).toBe(200);
    expect(genesys.count("/api/v2/users/me") - before).toBe(1);
    const asked = genesys.requests.filter((r) => r.path === "/api/v2/users/me").at(-1)!;
    expect(asked.query.get("expand")).toBe("organization");
    expect(asked.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("answers 503, not 500, when Genesys cannot be reached", async () => {
    clearAgentIdentityCache();
    genesys.route("GET", "/api/v2/users/me", () => ({ status: 502, body: "bad gateway" }));
    try {
      const res = await list(randomUUID(), genesys.issueToken(agent.id));
      expect(res.status).toBe(503);
      expect((await jsonOf<{ error: { code: string } }>(res)).error.code).toBe("UNAVAILABLE");
    } finally {
      genesys.unroute("GET", "/api/v2/users/me");
    }
  });
});

/** Reads server-sent events off a Response until `until` says stop. */
async function readEvents(response: Response, until: (events: { event: string; data: string }[]) => boolean, timeoutMs = 10_000) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let buffer = "";
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(events)) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(events)}`);
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const lines = block.split("\n");
        const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? (lines.every((l) => l.startsWith(":")) ? "comment" : "message");
        const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
        events.push({ event, data });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

const snapshots = (events: { event: string; data: string }[]) => events.filter((e) => e.event === "snapshot").map((e) => JSON.parse(e.data) as PanelSnapshot);

describe("GET /api/v1/conversations/{conversationId}/stream", () => {
  it("needs the same sign-in as the list", async () => {
    const conversationId = randomUUID();
    const res = await call(streamConversation, `/api/v1/conversations/${conversationId}/stream`, { params: { conversationId } });
    expect(res.status).toBe(401);
  });

  it("sends a snapshot at once and a fresh one after each change, never another org's", async () => {
    const conversationId = randomUUID();
    const workflowId = await startWorkflow(org, conversationId);
    const abort = new AbortController();
    const request = new Request(`http://longrun.test/api/v1/conversations/${conversationId}/stream`, { headers: { authorization: `Bearer ${agentToken}` }, signal: abort.signal });
    const res = await streamConversation(request, { params: Promise.resolve({ conversationId }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");

    const reading = readEvents(res, (events) => snapshots(events).some((s) => s.workflows[0]?.status === "COMPLETED"));
    await expect.poll(() => isListening()).toBe(true);
    // Another org's workflow on the same conversation id must not reach this stream.
    await startWorkflow(other, conversationId);
    const task = await startTask(org, workflowId);
    expect((await postCallback(org, task.callback_url, { status: "COMPLETED", result: "SUCCESS", result_data: { score: 712 } })).status).toBe(200);
    const events = await reading;
    abort.abort();

    const seen = snapshots(events);
    expect(seen[0]!.workflows.map((w) => w.status)).toEqual(["INITIATED"]);
    expect(seen.at(-1)!.workflows).toHaveLength(1);
    expect(seen.at(-1)!.workflows[0]).toMatchObject({ workflow_id: workflowId, status: "COMPLETED", task: { success: true, result_data: { score: 712 } } });
    for (const s of seen) expect(s.workflows.every((w) => w.workflow_id === workflowId)).toBe(true);
  });

  it("shows a workflow created after the panel opened, and a cancel", async () => {
    const conversationId = randomUUID();
    const res = conversationStream({ orgId: org.orgId, conversationId, signal: new AbortController().signal });
    const reading = readEvents(res, (events) => snapshots(events).some((s) => s.workflows[0]?.status === "CANCELLED"));
    await expect.poll(() => isListening()).toBe(true);
    const workflowId = await startWorkflow(org, conversationId);
    const cancelled = await call(cancel, `/api/v1/workflows/${workflowId}/cancel`, { params: { id: workflowId }, body: { reason: "customer hung up" }, token: org.token });
    expect(cancelled.status).toBe(200);
    const seen = snapshots(await reading);
    expect(seen[0]!.workflows).toEqual([]);
    expect(seen.at(-1)!.workflows[0]).toMatchObject({ workflow_id: workflowId, status: "CANCELLED" });
  });

  it("ends by itself after its lifetime with a bye event, keeping the line alive with comments until then", async () => {
    const conversationId = randomUUID();
    const res = conversationStream({ orgId: org.orgId, conversationId, signal: new AbortController().signal, lifetimeMs: 700, heartbeatMs: 200 });
    const events = await readEvents(res, (e) => e.some((x) => x.event === "bye"));
    expect(events.filter((e) => e.event === "comment").length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)!.event).toBe("bye");
  });

  it("refuses a lifetime outside 5..270 seconds", async () => {
    const conversationId = randomUUID();
    const res = await call(streamConversation, `/api/v1/conversations/${conversationId}/stream?lifetime=9999`, { params: { conversationId }, token: agentToken });
    expect(res.status).toBe(400);
  });
});

{
  describe("PostgreSQL listener", () => {
    it("reconnects after losing its connection and re-reads what changed in between", async () => {
      const conversationId = randomUUID();
      const res = conversationStream({ orgId: org.orgId, conversationId, signal: new AbortController().signal });
      let changedWhileDown = "";
      const reading = readEvents(res, (events) => snapshots(events).some((s) => s.workflows.some((w) => w.workflow_id === changedWhileDown)), 20_000);
      await expect.poll(() => isListening()).toBe(true);

      const { Client } = await import("pg");
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'longrun-panel-listener' AND datname = current_database()");
      await admin.end();
      expect(rowCount).toBe(1);
      await expect.poll(() => isListening()).toBe(false);
      // Committed while nobody listens: only the re-read after reconnecting can show it.
      changedWhileDown = await startWorkflow(org, conversationId);

      const seen = snapshots(await reading);
      expect(seen[0]!.workflows).toEqual([]);
      expect(seen.at(-1)!.workflows.map((w) => w.workflow_id)).toEqual([changedWhileDown]);
      expect(isListening()).toBe(true);
    });
  });
}
