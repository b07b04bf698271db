// The routes an Architect flow, an external system and the agent's panel call
// during a conversation, served by the custom server without Next's router
// (lib/http/direct-routes.ts) as `npm start` serves them once Next has loaded
// their modules: real HTTP through createPeerServer, real PostgreSQL, Genesys
// as the msw fake. The stand-in for Next's handler answers 418, so a request
// that reached Next shows.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import "@/app/api/v1/conversations/[conversationId]/ended/route";
import "@/app/api/v1/conversations/[conversationId]/workflows/route";
import "@/app/api/v1/workflows/[id]/route";
import "@/app/api/v1/workflows/[id]/tasks/[taskId]/heartbeat/route";
import "@/app/api/v1/workflows/[id]/tasks/route";
import "@/app/api/v1/workflows/initiate/route";
import "@/app/api/v1/workflows/route";
import { db } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { connectedConversation, startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";
import { newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { startDirectServer, type DirectServer } from "@/test/support/direct-server";

const agentToken = "gc-user-token-call-path";
let genesys: GenesysFake;
let org: TestOrg;
let direct: DirectServer;

beforeAll(async () => {
  vi.stubEnv("LONGRUN_PEER_HEADER", "1");
  delete process.env.GENESYS_API_BASE_URL;
  resetEnvCache();
  genesys = startGenesysFake();
  org = await newOrg();
  genesys.addAgent(agentToken, { userId: randomUUID(), orgId: org.orgId, name: "Dana Agent" });
  direct = await startDirectServer();
});
afterAll(async () => {
  genesys.close();
  resetEnvCache();
  vi.unstubAllEnvs();
  await direct.close();
});

async function send(method: string, path: string, options: { json?: unknown; raw?: string; headers?: Record<string, string>; token?: string } = {}) {
  const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  const res = await fetch(direct.base + path, {
    method,
    body,
    headers: {
      ...(options.json !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe("the call path on the server's direct path", () => {
  it("initiates, reads, dispatches, takes a heartbeat, shows the panel and records the hang-up without Next", async () => {
    const before = direct.nextCalls();
    const conversationId = randomUUID();
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    const body = workflowBody({ conversation_id: conversationId });

    const created = await send("POST", "/api/v1/workflows", { json: body, token: org.token });
    expect(created.status, created.text).toBe(201);
    expect(created.json()).toMatchObject({ workflow_id: body.workflow_id, status: "INITIATED" });
    // The alias answers the same workflow (idempotent on its id).
    const again = await send("POST", "/api/v1/workflows/initiate", { json: body, token: org.token });
    expect(again.status, again.text).toBe(200);

    const task = await send("POST", `/api/v1/workflows/${body.workflow_id}/tasks`, { json: { task_type: "FRAUD_VERIFICATION", dispatch: false }, token: org.token });
    expect(task.status, task.text).toBe(202);
    const taskId = task.json().task_id as string;

    const beat = await send("POST", `/api/v1/workflows/${body.workflow_id}/tasks/${taskId}/heartbeat`, { raw: "", headers: signed(org.signingSecret, "") });
    expect(beat.status, beat.text).toBe(200);

    const status = await send("GET", `/api/v1/workflows/${body.workflow_id}`, { token: org.token });
    expect(status.status, status.text).toBe(200);
    expect(status.json()).toMatchObject({ workflow_id: body.workflow_id, status: "PENDING" });

    const panel = await send("GET", `/api/v1/conversations/${conversationId}/workflows`, { token: agentToken });
    expect(panel.status, panel.text).toBe(200);
    expect(JSON.stringify(panel.json())).toContain(body.workflow_id);

    const ended = await send("POST", `/api/v1/conversations/${conversationId}/ended`, { raw: "", token: org.token });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.json()).toMatchObject({ session_state: "ENDED", already_known: false });
    const prisma = await db();
    expect(await prisma.event.count({ where: { orgId: org.orgId, workflowId: body.workflow_id, type: "CUSTOMER_ENDED" } })).toBe(1);

    expect(direct.nextCalls()).toBe(before);
  });

  it("answers refusals with the API's JSON errors on the direct path, and leaves the static route beside a parameter to Next", async () => {
    const before = direct.nextCalls();
    const anonymous = await send("POST", "/api/v1/workflows", { json: workflowBody() });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    const broken = await send("POST", "/api/v1/workflows", { raw: "{bad", headers: { "content-type": "application/json" }, token: org.token });
    expect(broken.status).toBe(400);
    expect(broken.json()).toMatchObject({ error: { code: "INVALID_JSON" } });
    const unknown = await send("GET", `/api/v1/workflows/${randomUUID()}`, { token: org.token });
    expect(unknown.status).toBe(404);
    expect(direct.nextCalls()).toBe(before);

    // Next routes GET /api/v1/workflows/initiate to the static route (POST only), not to /api/v1/workflows/[id].
    expect((await send("GET", "/api/v1/workflows/initiate", { token: org.token })).status).toBe(418);
    // A method the direct path does not serve goes to Next too.
    expect((await send("PUT", `/api/v1/workflows/${randomUUID()}`, { json: {}, token: org.token })).status).toBe(418);
    expect(direct.nextCalls()).toBe(before + 2);
  });
});
