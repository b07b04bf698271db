// The agent panel's live stream served by the custom server without Next's
// router (lib/http/direct-routes.ts), as `npm start` serves it once Next has
// loaded the route: real HTTP through createPeerServer, real PostgreSQL and
// its LISTEN/NOTIFY, Genesys as the msw fake. The stand-in for Next's handler
// answers 418, so a request that reached Next shows.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import "@/app/api/v1/conversations/[conversationId]/stream/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { clearAttributeCache } from "@/lib/conversations/conversation-attributes";
import { resetEnvCache } from "@/lib/env";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { stopWorkflowChanges } from "@/lib/realtime/workflow-changes";
import { connectedConversation, startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";
import { call, newOrg, workflowBody, type TestOrg } from "@/test/support/api";
import { startDirectServer, type DirectServer } from "@/test/support/direct-server";
import { snapshotReader } from "@/test/support/sse-snapshots";

const agentToken = "gc-user-token-direct";
let genesys: GenesysFake;
let org: TestOrg;
let direct: DirectServer;
let port: number;
const nextCalls = () => direct.nextCalls();

beforeAll(async () => {
  vi.stubEnv("LONGRUN_PEER_HEADER", "1");
  delete process.env.GENESYS_API_BASE_URL;
  // A short recheck makes the stream ask Genesys often while no attribute names a workflow: a stream still running shows in the fake's request log.
  process.env.PANEL_ATTRIBUTE_RECHECK_SECONDS = "0.1";
  resetEnvCache();
  genesys = startGenesysFake();
  org = await newOrg();
  genesys.addAgent(agentToken, { userId: randomUUID(), orgId: org.orgId, name: "Dana Agent" });
  direct = await startDirectServer();
  port = direct.port;
});
afterAll(async () => {
  await stopWorkflowChanges();
  genesys.close();
  delete process.env.PANEL_ATTRIBUTE_RECHECK_SECONDS;
  resetEnvCache();
  vi.unstubAllEnvs();
  await direct.close();
});

interface OpenStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  snapshots: PanelSnapshot[];
  text: () => string;
  ended: Promise<void>;
  close: () => void;
}

/** A GET over a socket of its own, read chunk by chunk as it arrives (as the panel's EventSource reads it). */
function openStream(path: string, token = agentToken): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" } }, (res) => {
      let all = "";
      const snapshots: PanelSnapshot[] = [];
      const read = snapshotReader();
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        all += chunk;
        snapshots.push(...read(chunk));
      });
      const ended = new Promise<void>((done) => res.once("close", () => done()));
      resolve({ status: res.statusCode ?? 0, headers: res.headers, snapshots, text: () => all, ended, close: () => req.destroy() });
    });
    req.on("error", (error) => {
      if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") reject(error);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the panel stream on the server's direct path", () => {
  it("streams the first snapshot and every later change on one connection, without Next", async () => {
    const before = nextCalls();
    const body = workflowBody({ conversation_id: randomUUID() });
    expect((await call(initiate, "/x", { body, token: org.token })).status).toBe(201);
    genesys.setConversation(body.conversation_id, connectedConversation(body.conversation_id));
    const stream = await openStream(`/api/v1/conversations/${body.conversation_id}/stream`);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers["content-type"]).toContain("text/event-stream");
      expect(stream.headers["content-length"]).toBeUndefined();
      await expect.poll(() => stream.snapshots.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
      expect(stream.snapshots[0]!.workflows.map((w) => [w.workflow_id, w.status])).toEqual([[body.workflow_id, "INITIATED"]]);
      // A change committed elsewhere reaches this open connection (NOTIFY → the stream's wake-up).
      const task = await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", dispatch: false }, token: org.token });
      expect(task.status).toBe(202);
      await expect.poll(() => stream.snapshots.at(-1)?.workflows[0]?.status, { timeout: 30_000 }).toBe("PENDING");
      expect(nextCalls()).toBe(before);
    } finally {
      stream.close();
    }
  });

  it("ends the stream's work when the agent's panel goes away (the request's signal)", async () => {
    clearAttributeCache();
    const conversationId = randomUUID();
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    const reads = () => genesys.requests.filter((r) => r.method === "GET" && r.path === `/api/v2/conversations/${conversationId}`).length;
    const stream = await openStream(`/api/v1/conversations/${conversationId}/stream`);
    expect(stream.status).toBe(200);
    // Nothing named: the open stream keeps asking Genesys.
    await expect.poll(reads, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    stream.close();
    await stream.ended;
    // Let a read already under way finish, then nothing more comes.
    await sleep(500);
    const after = reads();
    await sleep(1_000);
    expect(reads()).toBe(after);
  });

  it("answers an unknown agent with the API's JSON 401 on the direct path; an unusual id goes to Next", async () => {
    const before = nextCalls();
    const refused = await openStream(`/api/v1/conversations/${randomUUID()}/stream`, "not-a-genesys-token");
    await refused.ended;
    expect(refused.status).toBe(401);
    expect(refused.headers["content-type"]).toContain("application/json");
    expect((JSON.parse(refused.text()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    expect(nextCalls()).toBe(before);
    const odd = await openStream(`/api/v1/conversations/a%20b/stream`);
    await odd.ended;
    expect(odd.status).toBe(418);
    expect(nextCalls()).toBe(before + 1);
  });
});
