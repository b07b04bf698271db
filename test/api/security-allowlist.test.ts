// Source allowlists on the real peer: spoofed forwarding headers from an
// untrusted peer are refused, the same from a trusted proxy are believed.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as heartbeat } from "@/app/api/v1/workflows/[id]/tasks/[taskId]/heartbeat/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { db } from "@/lib/db/client";
import { peerHeader } from "@/lib/security/peer-header";
import { setSourceCidrs } from "@/lib/security/source-allowlist";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { refusalSideEffects, snapshot } from "@/test/support/security-db";

let org: TestOrg;
let open: TestOrg;

beforeAll(async () => {
  // What server.ts sets: the peer header is Longrun's own.
  vi.stubEnv("LONGRUN_PEER_HEADER", "1");
  org = await newOrg();
  open = await newOrg();
  await setSourceCidrs(org.orgId, ["203.0.113.0/24", "2001:db8::/32", "10.0.0.0/8"], "test");
});
afterAll(() => {
  vi.unstubAllEnvs();
});
beforeEach(() => {
  vi.stubEnv("TRUSTED_PROXY_CIDRS", "");
});

interface Task { workflowId: string; taskId: string; callbackUrl: string }

async function startTask(owner: TestOrg = org): Promise<Task> {
  const body = workflowBody();
  expect((await call(initiate, "/api/v1/workflows", { body, token: owner.token })).status).toBe(201);
  const res = await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", dispatch: false }, token: owner.token });
  const accepted = await jsonOf<{ task_id: string; callback_url: string }>(res);
  return { workflowId: body.workflow_id, taskId: accepted.task_id, callbackUrl: accepted.callback_url };
}

async function postCallback(task: Task, from: Record<string, string>, body: unknown = { result: "SUCCESS" }, secret = org.signingSecret) {
  const url = new URL(task.callbackUrl);
  const raw = JSON.stringify(body);
  return call(callback, url.pathname + url.search, { params: { id: task.workflowId }, rawBody: raw, headers: { ...signed(secret, raw), ...from } });
}

async function postHeartbeat(task: Task, from: Record<string, string>, secret = org.signingSecret) {
  return call(heartbeat, `/api/v1/workflows/${task.workflowId}/tasks/${task.taskId}/heartbeat`, {
    params: { id: task.workflowId, taskId: task.taskId },
    rawBody: "",
    headers: { ...signed(secret, ""), ...from },
  });
}

const socket = (address: string) => ({ [peerHeader]: address });

async function refusalAudits(peer: string | null) {
  const prisma = await db();
  const rows = await prisma.auditEntry.findMany({ where: { orgId: org.orgId, action: "webhook.source_refused" } });
  return rows.filter((r) => (r.data as { peer: string | null }).peer === peer);
}

describe("source allowlist", () => {
  it("accepts a signed callback from an allowed socket address", async () => {
    const task = await startTask();
    const res = await postCallback(task, socket("203.0.113.5"));
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ task_status: "SUCCEEDED" });
  });

  it("refuses 403 SOURCE_NOT_ALLOWED when an untrusted peer claims an allowed address in X-Forwarded-For / X-Source-IP / X-Real-IP; audited, logged, nothing changed", async () => {
    const task = await startTask();
    const before = await snapshot(refusalSideEffects);
    const spoofed = { ...socket("198.51.100.7"), "x-forwarded-for": "203.0.113.5", "x-source-ip": "203.0.113.5", "x-real-ip": "203.0.113.5", forwarded: "for=203.0.113.5" };
    const res = await postCallback(task, spoofed);
    expect(res.status).toBe(403);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ error: { code: "SOURCE_NOT_ALLOWED" } });
    expect(JSON.stringify(body)).not.toContain("203.0.113.0/24"); // the allowlist itself is not disclosed
    expect(await snapshot(refusalSideEffects)).toEqual(before);
    const audits = await refusalAudits("198.51.100.7");
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor: "webhook", orgId: org.orgId });
    expect(audits[0]!.data).toMatchObject({ workflowId: task.workflowId, via: "socket", reason: expect.stringContaining("198.51.100.7") as unknown });
    // Heartbeats are held to the same list.
    expect((await postHeartbeat(task, spoofed)).status).toBe(403);
  });

  it("believes the same X-Forwarded-For from a trusted proxy, but only the hop the proxy wrote", async () => {
    vi.stubEnv("TRUSTED_PROXY_CIDRS", "198.51.100.0/24");
    const task = await startTask();
    expect((await postHeartbeat(task, { ...socket("198.51.100.7"), "x-forwarded-for": "203.0.113.5" })).status).toBe(200);
    // The client prepended an allowed address; the proxy appended the real one.
    const smuggled = await postHeartbeat(task, { ...socket("198.51.100.7"), "x-forwarded-for": "203.0.113.5, 192.0.2.1" });
    expect(smuggled.status).toBe(403);
    // X-Source-IP is not a forwarding header anybody is trusted for.
    expect((await postHeartbeat(task, { ...socket("198.51.100.7"), "x-source-ip": "203.0.113.5" })).status).toBe(403);
    expect((await postCallback(task, { ...socket("198.51.100.8"), "x-forwarded-for": "198.51.100.9, 203.0.113.77" })).status).toBe(200);
  });

  it("matches IPv6 and IPv4-mapped IPv6 peers", async () => {
    const task = await startTask();
    expect((await postHeartbeat(task, socket("2001:db8:0:1::5"))).status).toBe(200);
    expect((await postHeartbeat(task, socket("::ffff:10.20.30.40"))).status).toBe(200);
    expect((await postHeartbeat(task, socket("[2001:db8::1]:50000"))).status).toBe(200);
    expect((await postHeartbeat(task, socket("2001:db9::1"))).status).toBe(403);
    expect((await postHeartbeat(task, socket("::ffff:11.0.0.1"))).status).toBe(403);
    vi.stubEnv("TRUSTED_PROXY_CIDRS", "fd00::/8");
    expect((await postHeartbeat(task, { ...socket("fd00::1"), "x-forwarded-for": "::ffff:203.0.113.9" })).status).toBe(200);
  });

  it("fails closed when the peer cannot be known: no stamp, or a stamp server.ts did not vouch for", async () => {
    const task = await startTask();
    expect((await postHeartbeat(task, {})).status).toBe(403);
    vi.stubEnv("LONGRUN_PEER_HEADER", "");
    try {
      expect((await postHeartbeat(task, socket("203.0.113.5"))).status).toBe(403);
    } finally {
      vi.stubEnv("LONGRUN_PEER_HEADER", "1");
    }
    expect((await refusalAudits(null)).length).toBeGreaterThanOrEqual(1);
  });

  it("is checked before the signature: a forged callback from outside gets 403, a forged one from inside 401", async () => {
    const task = await startTask();
    const other = await newOrg();
    expect((await postCallback(task, socket("192.0.2.50"), { result: "SUCCESS" }, other.signingSecret)).status).toBe(403);
    expect((await postCallback(task, socket("203.0.113.50"), { result: "SUCCESS" }, other.signingSecret)).status).toBe(401);
  });

  it("audits a flood from one address once a minute, logging every refusal", async () => {
    const task = await startTask();
    for (let i = 0; i < 5; i++) expect((await postHeartbeat(task, socket("192.0.2.99"))).status).toBe(403);
    expect(await refusalAudits("192.0.2.99")).toHaveLength(1);
  });

  it("leaves orgs without a list on signature only", async () => {
    const task = await startTask(open);
    expect((await postHeartbeat(task, socket("192.0.2.1"), open.signingSecret)).status).toBe(200);
    expect((await postHeartbeat(task, {}, open.signingSecret)).status).toBe(200);
  });

  it("validates, normalises and audits changes to the list", async () => {
    await expect(setSourceCidrs(org.orgId, ["10.0.0.0/8", "banana"], "test")).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(setSourceCidrs(org.orgId, ["300.0.0.0/8"], "test")).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    const saved = await setSourceCidrs(open.orgId, ["192.0.2.7/24", "192.0.2.0/24", "2001:DB8::1"], "cli:alice");
    expect(saved).toEqual(["192.0.2.0/24", "2001:db8::1/128"]);
    const prisma = await db();
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { orgId: open.orgId, action: "org.source_cidrs_changed" } });
    expect(audit).toMatchObject({ actor: "cli:alice", data: { before: [], after: saved } });
    await setSourceCidrs(open.orgId, [], "cli:alice");
    expect((await prisma.org.findUniqueOrThrow({ where: { id: open.orgId } })).sourceCidrs).toEqual([]);
  });
});
