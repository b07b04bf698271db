// The callback served by the custom server without Next's router
// (lib/http/direct-routes.ts): over real HTTP through createPeerServer, as
// `npm start` serves it once Next has loaded the route, on PostgreSQL. The
// stand-in for Next's handler answers 418, so a request that reached Next shows.
import { randomUUID } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { db } from "@/lib/db/client";
import { setSourceCidrs } from "@/lib/security/source-allowlist";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { startDirectServer, type DirectServer } from "@/test/support/direct-server";

let direct: DirectServer;
let base: string;
let port: number;
let org: TestOrg;
const nextCalls = () => direct.nextCalls();

beforeAll(async () => {
  // What server.ts sets: the peer header is the server's own.
  vi.stubEnv("LONGRUN_PEER_HEADER", "1");
  direct = await startDirectServer();
  ({ base, port } = direct);
  org = await newOrg();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await direct.close();
});

async function startTask(owner: TestOrg = org): Promise<{ workflowId: string; path: string }> {
  const body = workflowBody();
  expect((await call(initiate, "/api/v1/workflows", { body, token: owner.token })).status).toBe(201);
  const res = await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", dispatch: false }, token: owner.token });
  const url = new URL((await jsonOf<{ callback_url: string }>(res)).callback_url);
  return { workflowId: body.workflow_id, path: url.pathname + url.search };
}

async function post(path: string, raw: string, headers: Record<string, string>, method = "POST") {
  const res = await fetch(base + path, { method, body: raw, headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe("the callback on the server's direct path", () => {
  it("applies a signed result without Next, with the API's headers, and answers a redelivery with the first answer", async () => {
    const before = nextCalls();
    const task = await startTask();
    const raw = JSON.stringify({ status: "COMPLETED", result: "SUCCESS", result_data: { score: 7 } });
    const headers = signed(org.signingSecret, raw);
    const first = await post(task.path, raw, headers);
    expect(first.status, first.text).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ workflow_id: task.workflowId, status: "COMPLETED", task_status: "SUCCEEDED" });
    expect(first.headers.get("x-request-id")).toBeTruthy();
    expect(first.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(first.headers.get("cache-control")).toBe("no-store");
    const again = await post(task.path, raw, headers);
    expect(again.status).toBe(200);
    expect(again.headers.get("webhook-replayed")).toBe("true");
    expect(JSON.parse(again.text)).toEqual(JSON.parse(first.text));
    expect(nextCalls()).toBe(before);
    const prisma = await db();
    expect(await prisma.event.count({ where: { orgId: org.orgId, workflowId: task.workflowId, type: "TASK_SUCCEEDED" } })).toBe(1);
  });

  it("refuses bad input as JSON 4xx: a bad signature, invalid JSON, a body over the limit (declared or streamed), a non-UUID id", async () => {
    const task = await startTask();
    const raw = JSON.stringify({ result: "SUCCESS" });
    const forged = await post(task.path, raw, signed("whsec_" + Buffer.from("not-the-secret-not-the-secret!!").toString("base64"), raw));
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.text)).toMatchObject({ error: { code: "INVALID_SIGNATURE" } });

    const broken = await post(task.path, "{bad", signed(org.signingSecret, "{bad"));
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text)).toMatchObject({ error: { code: "INVALID_JSON" } });

    const big = JSON.stringify({ result: "SUCCESS", message: "x".repeat(70 * 1024) });
    const declared = await post(task.path, big, signed(org.signingSecret, big));
    expect(declared.status).toBe(413);

    // No Content-Length: the limit is enforced while streaming, and the answer still arrives whole.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${base}${task.path}`, { method: "POST", headers: { ...signed(org.signingSecret, big), "transfer-encoding": "chunked" } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      for (let i = 0; i < big.length; i += 8192) req.write(big.slice(i, i + 8192));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });

    const notUuid = await post("/api/v1/webhooks/flow/callback/not-a-uuid", raw, signed(org.signingSecret, raw));
    expect(notUuid.status).toBe(400);
    const prisma = await db();
    expect(await prisma.task.findFirst({ where: { orgId: org.orgId, workflowId: task.workflowId } })).toMatchObject({ status: "ACCEPTED" });
  });

  it("keeps a keep-alive connection usable after a refusal that did not read the body", async () => {
    const task = await startTask();
    const raw = JSON.stringify({ result: "SUCCESS" });
    const signature = signed(org.signingSecret, raw);
    const request = (path: string, last: boolean) =>
      [
        `POST ${path} HTTP/1.1`,
        "Host: longrun.test",
        `content-length: ${Buffer.byteLength(raw)}`,
        ...Object.entries(signature).map(([k, v]) => `${k}: ${v}`),
        ...(last ? ["Connection: close"] : []),
        "",
        raw,
      ].join("\r\n");
    // Two requests on one socket: the first names no workflow (404 before its body is read), the second is answered.
    const replies = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => {
        socket.write(request(`/api/v1/webhooks/flow/callback/${randomUUID()}`, false) + request(task.path, true));
      });
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.on("error", reject);
      socket.on("end", () => resolve(text));
    });
    const statuses = [...replies.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses, replies).toEqual([404, 200]);
    expect(replies).toContain('"status":"COMPLETED"');
  });

  it("refuses a peer outside the org's allowlist by the socket address, whatever the client claims", async () => {
    const guarded = await newOrg();
    await setSourceCidrs(guarded.orgId, ["203.0.113.0/24"], "test");
    const task = await startTask(guarded);
    const raw = JSON.stringify({ result: "SUCCESS" });
    const res = await post(task.path, raw, { ...signed(guarded.signingSecret, raw), "x-longrun-peer": "203.0.113.5", "x-forwarded-for": "203.0.113.5" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: "SOURCE_NOT_ALLOWED" } });
  });

  it("leaves every other method and path to Next", async () => {
    const task = await startTask();
    const before = nextCalls();
    const raw = JSON.stringify({ result: "SUCCESS" });
    expect((await post(task.path, raw, signed(org.signingSecret, raw), "PUT")).status).toBe(418);
    expect((await post(`/api/v1/webhooks/flow/callback/${task.workflowId}/`, raw, signed(org.signingSecret, raw))).status).toBe(418);
    expect((await post(`/api/v1/webhooks/flow/callback/${task.workflowId}%2Fx`, raw, signed(org.signingSecret, raw))).status).toBe(418);
    expect((await post(`/api/v1/webhooks/flow/other/${task.workflowId}`, raw, signed(org.signingSecret, raw))).status).toBe(418);
    expect(nextCalls()).toBe(before + 4);
  });
});
