import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { GET as events } from "@/app/api/v1/workflows/[id]/events/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { POST as heartbeat } from "@/app/api/v1/workflows/[id]/tasks/[taskId]/heartbeat/route";
import { GET as cronTimeouts } from "@/app/api/cron/timeouts/route";
import { GET as cronDeadLetters } from "@/app/api/cron/dead-letters/route";
import { GET as listDeadLettersRoute } from "@/app/api/v1/dead-letters/route";
import { POST as retryDeadLetterRoute } from "@/app/api/v1/dead-letters/[id]/retry/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { configureOrg } from "@/lib/orgs/org-configuration";
import { forgetGenesysClient } from "@/lib/genesys/genesys-client";
import type { OrgSettings } from "@/lib/orgs/org-settings";
import { claimDeliveries, processOutbox } from "@/lib/outbox/process-outbox";
import { receiptRetentionMs } from "@/lib/security/webhook-receipts";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { connectedConversation, endedConversation, startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";

const flowId = "6f1a0c1e-7a43-4f53-9d1c-2a0b8e1f0c11";
const queueId = "b0e5a7c2-3d4e-4f5a-8b9c-0d1e2f3a4b5c";
const settings: Partial<OrgSettings> = { taskTimeoutSeconds: 300, flowSessionLimitSeconds: 1200, timeoutHandlerFlowId: flowId, callbackQueueId: queueId, specialistQueueName: "Fraud Specialists", taskTypes: {} };

let genesys: GenesysFake;
let org: TestOrg & { genesysClientId: string };
let now: Date;
let restore: () => void;

async function configuredOrg(overrides: Partial<OrgSettings> = {}, clientId = `gc-client-${randomUUID().slice(0, 8)}`): Promise<TestOrg & { genesysClientId: string }> {
  const created = await newOrg({ orchestratorUrl: "http://127.0.0.1:9/unused" });
  await configureOrg(created.orgId, { genesysClientId: clientId, genesysClientSecret: `secret-of-${clientId}`, settings: { ...settings, ...overrides } as OrgSettings }, "test");
  return { ...created, genesysClientId: clientId };
}

beforeAll(async () => {
  genesys = startGenesysFake();
  org = await configuredOrg();
});
afterAll(() => genesys.close());
beforeEach(() => {
  genesys.reset();
  now = new Date("2026-11-27T12:00:00.000Z");
  restore?.();
  restore = clock.set(() => now);
});

function advance(seconds: number) {
  now = new Date(now.getTime() + seconds * 1000);
}

async function startWorkflowWithTask(owner: TestOrg, task: Record<string, unknown> = {}, body = workflowBody({ timestamp: now.toISOString() })) {
  expect((await call(initiate, "/api/v1/workflows", { body, token: owner.token })).status).toBe(201);
  const res = await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 60, ...task }, token: owner.token });
  expect(res.status).toBe(202);
  const accepted = await jsonOf<{ task_id: string; callback_url: string; warnings: string[] }>(res);
  return { workflowId: body.workflow_id, conversationId: body.conversation_id, ...accepted };
}

async function view(owner: TestOrg, id: string) {
  return jsonOf(await call(getWorkflow, "/x", { params: { id }, token: owner.token }));
}

async function eventsOf(owner: TestOrg, id: string) {
  return (await jsonOf<{ events: Array<{ type: string; actor: string; data: Record<string, string> | null }> }>(await call(events, "/x", { params: { id }, token: owner.token }))).events;
}

const cronAuth = { authorization: "Bearer test-cron-secret-0123456789" };

describe("timeout sweep", () => {
  it("leaves tasks alone before their deadline and times them out after it", async () => {
    const { workflowId, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    advance(59);
    expect((await sweepTimeouts()).timedOut).toBe(0);
    expect((await view(org, workflowId)).status).toBe("PENDING");
    advance(2);
    expect((await sweepTimeouts()).timedOut).toBe(1);
    expect((await view(org, workflowId)).status).toBe("ESCALATED");
  });

  it("does not time out a task whose heartbeats keep arriving, and does once they stop", async () => {
    const { workflowId, task_id, conversationId } = await startWorkflowWithTask(org, { heartbeat_timeout: 30 });
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    const beat = () => call(heartbeat, "/x", { params: { id: workflowId, taskId: task_id }, rawBody: "", headers: signed(org.signingSecret, "") });
    for (let i = 0; i < 6; i++) {
      advance(25);
      expect((await beat()).status).toBe(200);
      await sweepTimeouts();
    }
    expect((await view(org, workflowId)).status).toBe("PENDING"); // 150 s > the 60 s timeout, still alive
    advance(31);
    expect((await sweepTimeouts()).timedOut).toBe(1);
    expect((await view(org, workflowId)).status).toBe("ESCALATED");
  });

  it("launches the timeout-handler flow while the customer is connected: exact SDK request, the org's own token", async () => {
    forgetGenesysClient(org.orgId); // so that this test sees the login too
    const { workflowId, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    advance(61);
    await sweepTimeouts();
    const launch = genesys.requests.find((r) => r.path === "/api/v2/flows/executions")!;
    expect(launch.authorization).toBe(`Bearer ${genesys.tokenFor(org.genesysClientId)}`);
    expect(launch.body).toEqual({
      flowId,
      name: `Longrun FRAUD_VERIFICATION ${workflowId}`,
      inputData: { "Flow.workflow_id": workflowId, "Flow.timeout_status": "TIMED_OUT", "Flow.conversation_id": conversationId, "Flow.task_type": "FRAUD_VERIFICATION", "Flow.specialist_queue": "Fraud Specialists" },
    });
    const login = genesys.requests.find((r) => r.path === "/oauth/token")!;
    expect(login.authorization).toBe(`Basic ${Buffer.from(`${org.genesysClientId}:secret-of-${org.genesysClientId}`).toString("base64")}`);
    expect(await view(org, workflowId)).toMatchObject({ status: "ESCALATED", task_status: "TIMED_OUT" });
    const escalated = (await eventsOf(org, workflowId)).find((e) => e.type === "ESCALATED")!;
    expect(escalated).toMatchObject({ actor: "cron", data: { path: "FLOW", flow_id: flowId } });
  });

  it("creates a callback once the conversation has ended: queue, number, name and the workflow id in its data", async () => {
    const { workflowId, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, endedConversation(conversationId, "tel:+15550001111"));
    advance(61);
    await sweepTimeouts();
    expect(genesys.requests.some((r) => r.path === "/api/v2/flows/executions")).toBe(false);
    const created = genesys.requests.find((r) => r.path === "/api/v2/conversations/callbacks")!;
    expect(created.body).toEqual({
      queueId,
      callbackNumbers: ["+15550001111"],
      callbackUserName: "Pat Customer",
      data: { workflow_id: workflowId, customer_id: "CUST-1001", task_type: "FRAUD_VERIFICATION", timeout_status: "TIMED_OUT", original_conversation_id: conversationId },
    });
    expect((await view(org, workflowId)).status).toBe("CALLBACK_SCHEDULED");
  });

  it("goes down the session-ended path when the timeout outlives the flow session, and warns at dispatch", async () => {
    const { workflowId, conversationId, warnings } = await startWorkflowWithTask(org, { timeout: 1500 });
    expect(warnings[0]).toMatch(/exceeds the flow session limit/);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    advance(1501);
    await sweepTimeouts();
    expect(genesys.requests.some((r) => r.path === "/api/v2/flows/executions")).toBe(false);
    expect(genesys.requests.some((r) => r.path === "/api/v2/conversations/callbacks")).toBe(true);
    expect((await view(org, workflowId)).status).toBe("CALLBACK_SCHEDULED");
  });

  it("leaves a notice admins see when the org set no callback queue", async () => {
    const noQueue = await configuredOrg({ callbackQueueId: undefined });
    const { workflowId, conversationId } = await startWorkflowWithTask(noQueue);
    genesys.setConversation(conversationId, endedConversation(conversationId));
    advance(61);
    await sweepTimeouts();
    expect(await view(noQueue, workflowId)).toMatchObject({ status: "NOTIFIED" });
    expect((await eventsOf(noQueue, workflowId)).find((e) => e.type === "ESCALATED")?.data).toMatchObject({ path: "NOTICE", notice: "open", reason: expect.stringContaining("no callback queue configured") });
  });

  it("uses each org's own credentials", async () => {
    const second = await configuredOrg({}, "gc-client-second");
    const a = await startWorkflowWithTask(org);
    const b = await startWorkflowWithTask(second);
    genesys.setConversation(a.conversationId, connectedConversation(a.conversationId));
    genesys.setConversation(b.conversationId, connectedConversation(b.conversationId));
    advance(61);
    await sweepTimeouts();
    const launches = genesys.requests.filter((r) => r.path === "/api/v2/flows/executions");
    const byWorkflow = new Map(launches.map((r) => [(r.body as { inputData: Record<string, string> }).inputData["Flow.workflow_id"], r.authorization]));
    expect(byWorkflow.get(a.workflowId)).toBe(`Bearer ${genesys.tokenFor(org.genesysClientId)}`);
    expect(byWorkflow.get(b.workflowId)).toBe("Bearer token-for-gc-client-second");
  });

  it("retries Genesys 429 (honouring Retry-After) and 503, and launches exactly once on the 201", async () => {
    const { workflowId, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    genesys.script("POST /api/v2/flows/executions", { status: 429, body: { message: "rate limited" }, headers: { "retry-after": "30" } }, { status: 503, body: { message: "unavailable" } }, { status: 201, body: { id: "exec-final" } });
    advance(61);
    await sweepTimeouts();
    const prisma = await db();
    let escalation = await prisma.delivery.findFirstOrThrow({ where: { workflowId, kind: "ESCALATE" } });
    expect(escalation).toMatchObject({ status: "PENDING", lastStatus: 429 });
    expect(escalation.nextAttemptAt.getTime() - now.getTime()).toBe(30_000);
    advance(29);
    await processOutbox();
    expect(genesys.requests.filter((r) => r.path === "/api/v2/flows/executions")).toHaveLength(1); // not before Retry-After
    advance(2);
    await processOutbox();
    escalation = await prisma.delivery.findFirstOrThrow({ where: { workflowId, kind: "ESCALATE" } });
    expect(escalation).toMatchObject({ status: "PENDING", lastStatus: 503 });
    now = new Date(escalation.nextAttemptAt.getTime() + 1000);
    await processOutbox();
    await processOutbox();
    expect(genesys.requests.filter((r) => r.path === "/api/v2/flows/executions")).toHaveLength(3);
    escalation = await prisma.delivery.findFirstOrThrow({ where: { workflowId, kind: "ESCALATE" } });
    expect(escalation.status).toBe("DELIVERED");
    expect((await eventsOf(org, workflowId)).filter((e) => e.type === "ESCALATED")).toHaveLength(1);
    expect((await eventsOf(org, workflowId)).find((e) => e.type === "ESCALATED")?.data).toMatchObject({ flow_execution_id: "exec-final" });
  });

  it("dead-letters a Genesys 400 at once, with Genesys' message, and re-drives it by hand", async () => {
    const { workflowId, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    genesys.script("POST /api/v2/flows/executions", { status: 400, body: { code: "flow.not.published", message: "The flow is not published" } });
    advance(61);
    await sweepTimeouts();
    const list = await jsonOf<{ dead_letters: Array<{ id: string; kind: string; last_status: number; last_error: string; workflow_id: string }> }>(await call(listDeadLettersRoute, "/api/v1/dead-letters", { token: org.token }));
    const dead = list.dead_letters.find((d) => d.workflow_id === workflowId)!;
    expect(dead).toMatchObject({ kind: "ESCALATE", last_status: 400 });
    expect(dead.last_error).toContain("flow.not.published: The flow is not published");
    expect((await view(org, workflowId)).status).toBe("TIMED_OUT");
    // Another org cannot see or retry it.
    const other = await newOrg();
    expect((await jsonOf<{ dead_letters: unknown[] }>(await call(listDeadLettersRoute, "/api/v1/dead-letters", { token: other.token }))).dead_letters).toEqual([]);
    expect((await call(retryDeadLetterRoute, "/x", { params: { id: dead.id }, method: "POST", token: other.token })).status).toBe(404);

    genesys.script("POST /api/v2/flows/executions", { status: 200, body: { id: "exec-after-fix" } });
    const retried = await call(retryDeadLetterRoute, "/x", { params: { id: dead.id }, method: "POST", token: org.token });
    expect(retried.status).toBe(200);
    expect(await jsonOf(retried)).toMatchObject({ id: dead.id, status: "DELIVERED" });
    expect((await view(org, workflowId)).status).toBe("ESCALATED");
    expect((await call(retryDeadLetterRoute, "/x", { params: { id: dead.id }, method: "POST", token: org.token })).status).toBe(409);
  });

  it("re-drives dead letters that a retry can fix on the dead-letter schedule", async () => {
    const { workflowId, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    genesys.script("POST /api/v2/flows/executions", { status: 503, body: { message: "down" } });
    advance(61);
    await sweepTimeouts();
    const prisma = await db();
    for (let i = 0; i < 12; i++) {
      const row = await prisma.delivery.findFirstOrThrow({ where: { workflowId, kind: "ESCALATE" } });
      if (row.status === "DEAD") break;
      now = new Date(row.nextAttemptAt.getTime() + 1000);
      await processOutbox();
    }
    expect((await prisma.delivery.findFirstOrThrow({ where: { workflowId, kind: "ESCALATE" } })).status).toBe("DEAD");
    genesys.script("POST /api/v2/flows/executions", { status: 200, body: { id: "exec-redriven" } });
    expect((await call(cronDeadLetters, "/api/cron/dead-letters")).status).toBe(401);
    const res = await call(cronDeadLetters, "/api/cron/dead-letters", { headers: cronAuth });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ requeued: 1 });
    expect((await view(org, workflowId)).status).toBe("ESCALATED");
  });

  it("the cron route refuses a wrong secret and reports counts", async () => {
    const { conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    advance(61);
    expect((await call(cronTimeouts, "/api/cron/timeouts", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const res = await call(cronTimeouts, "/api/cron/timeouts", { headers: cronAuth });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ timed_out: 1, escalations: { delivered: 1 } });
  });

  it("prunes webhook receipts past their retention and rate-limit windows nobody reads, and keeps the rest", async () => {
    const prisma = await db();
    const now = clock.now();
    const old = new Date(now.getTime() - receiptRetentionMs() - 60_000);
    const [stale, fresh] = [`stale-${randomUUID()}`, `fresh-${randomUUID()}`];
    await prisma.webhookReceipt.createMany({
      data: [
        { orgId: org.orgId, webhookId: stale, statusCode: 200, responseBody: {}, createdAt: old },
        { orgId: org.orgId, webhookId: fresh, statusCode: 200, responseBody: {}, createdAt: now },
      ],
    });
    await prisma.rateLimitBucket.createMany({
      data: [
        { key: stale, windowStart: new Date(now.getTime() - 2 * 3600_000), count: 3 },
        { key: fresh, windowStart: new Date(now.getTime() - 60_000), count: 3 },
      ],
    });
    const res = await call(cronTimeouts, "/api/cron/timeouts", { headers: cronAuth });
    expect(res.status).toBe(200);
    const pruned = (await jsonOf<{ pruned: { webhook_receipts: number; rate_limit_windows: number } }>(res)).pruned;
    expect(pruned.webhook_receipts).toBeGreaterThanOrEqual(1);
    expect(pruned.rate_limit_windows).toBeGreaterThanOrEqual(1);
    expect((await prisma.webhookReceipt.findMany({ where: { webhookId: { in: [stale, fresh] } } })).map((r) => r.webhookId)).toEqual([fresh]);
    expect((await prisma.rateLimitBucket.findMany({ where: { key: { in: [stale, fresh] } } })).map((b) => b.key)).toEqual([fresh]);
  });
});

describe("crashes and concurrency", () => {
  async function seedOverdue(count: number) {
    const prisma = await db();
    const workflows = Array.from({ length: count }, () => ({ id: randomUUID(), taskId: randomUUID() }));
    const deadline = new Date(now.getTime() - 1000);
    await prisma.workflow.createMany({
      data: workflows.map((w) => ({ orgId: org.orgId, id: w.id, customerId: "C", status: "PENDING", version: 2, requestHash: "seed", initiatedAt: now, currentTaskId: w.taskId, deadlineAt: deadline, sessionState: "NONE" })),
    });
    await prisma.task.createMany({
      data: workflows.map((w) => ({ id: w.taskId, orgId: org.orgId, workflowId: w.id, type: "BULK", payload: {}, status: "ACCEPTED", timeoutSeconds: 60, deadlineAt: deadline, callbackVersion: 2 })),
    });
    return workflows;
  }

  it("two sweeps in parallel over 1,000 overdue tasks escalate each exactly once", async () => {
    const seeded = await seedOverdue(1000);
    const [a, b] = await Promise.all([sweepTimeouts({ batchSize: 100, deliver: false }), sweepTimeouts({ batchSize: 100, deliver: false })]);
    expect(a.timedOut + b.timedOut).toBe(1000);
    const prisma = await db();
    const ids = seeded.map((w) => w.id);
    expect(await prisma.event.count({ where: { workflowId: { in: ids }, type: "TASK_TIMED_OUT" } })).toBe(1000);
    const escalations = await prisma.delivery.groupBy({ by: ["taskId"], where: { workflowId: { in: ids }, kind: "ESCALATE" }, _count: true });
    expect(escalations).toHaveLength(1000);
    expect(escalations.every((g) => g._count === 1)).toBe(true);
    // Two outbox runs racing over the same escalations deliver each once (a sample keeps the test short).
    const sample = (await prisma.delivery.findMany({ where: { workflowId: { in: ids }, kind: "ESCALATE" }, select: { id: true }, take: 150 })).map((d) => d.id);
    const [d1, d2] = await Promise.all([processOutbox({ ids: sample, batchSize: 25, maxBatches: 10 }), processOutbox({ ids: sample, batchSize: 25, maxBatches: 10 })]);
    expect(d1.claimed + d2.claimed).toBe(150);
    expect(await prisma.event.count({ where: { workflowId: { in: ids }, type: "ESCALATED" } })).toBe(150);
    // Leave no pending escalations behind for the next tests' sweeps to deliver.
    await prisma.delivery.deleteMany({ where: { workflowId: { in: ids } } });
    await prisma.workflow.deleteMany({ where: { orgId: org.orgId, id: { in: ids } } });
  }, 180_000);

  /**
   * Holds a row lock from another connection (as a sweep or a callback
   * elsewhere would) while `work` runs; the lock is let go once `work` is done,
   * or after a minute at the latest so that a blocked run cannot hang the suite.
   * Returns whether `work` finished while the lock was still held.
   */
  async function whileRowLocked(lockSql: string, params: unknown[], work: () => Promise<unknown>): Promise<boolean> {
    const { Client } = await import("pg");
    const holder = new Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(lockSql, params);
    let released = false;
    const safety = setTimeout(() => {
      released = true;
      void holder.query("ROLLBACK");
    }, 60_000);
    try {
      await work();
      return !released;
    } finally {
      clearTimeout(safety);
      if (!released) await holder.query("ROLLBACK");
      await holder.end();
    }
  }

  it("a sweep skips a workflow another transaction holds (SKIP LOCKED) and times out the rest without waiting", async () => {
    const seeded = await seedOverdue(20);
    const locked = seeded[0]!;
    let result: Awaited<ReturnType<typeof sweepTimeouts>> | undefined;
    const finishedWhileLocked = await whileRowLocked(`SELECT 1 FROM "Workflow" WHERE "id" = $1 FOR UPDATE`, [locked.id], async () => {
      result = await sweepTimeouts({ batchSize: 5, deliver: false });
    });
    expect(finishedWhileLocked).toBe(true);
    expect(result!.timedOut).toBe(19);
    const prisma = await db();
    expect((await prisma.workflow.findFirstOrThrow({ where: { orgId: org.orgId, id: locked.id } })).status).toBe("PENDING");
    expect((await sweepTimeouts({ deliver: false })).timedOut).toBe(1);
    await prisma.delivery.deleteMany({ where: { workflowId: { in: seeded.map((w) => w.id) } } });
  });

  it("an outbox run skips a delivery another run holds (SKIP LOCKED) and delivers the rest without waiting", async () => {
    const seeded = await seedOverdue(6);
    await sweepTimeouts({ deliver: false });
    const prisma = await db();
    const ids = (await prisma.delivery.findMany({ where: { workflowId: { in: seeded.map((w) => w.id) }, kind: "ESCALATE" }, select: { id: true } })).map((d) => d.id);
    expect(ids).toHaveLength(6);
    let run: Awaited<ReturnType<typeof processOutbox>> | undefined;
    const finishedWhileLocked = await whileRowLocked(`SELECT 1 FROM "Delivery" WHERE "id" = $1 FOR UPDATE`, [ids[0]], async () => {
      run = await processOutbox({ ids, batchSize: 10 });
    });
    expect(finishedWhileLocked).toBe(true);
    expect(run!.claimed).toBe(5);
    expect((await prisma.delivery.findUniqueOrThrow({ where: { id: ids[0] } })).status).toBe("PENDING");
    await prisma.delivery.deleteMany({ where: { id: { in: ids } } });
  });

  it("a sweep killed between claim and delivery is finished by the next sweep", async () => {
    const { workflowId, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    advance(61);
    // First run: timed out and escalation recorded, then the process "dies" before delivering.
    expect((await sweepTimeouts({ deliver: false })).timedOut).toBe(1);
    expect((await view(org, workflowId)).status).toBe("TIMED_OUT");
    // A second run dies mid-delivery: it claimed the row (lease taken) and never settled it.
    const prisma = await db();
    const escalation = await prisma.delivery.findFirstOrThrow({ where: { workflowId, kind: "ESCALATE" } });
    expect((await claimDeliveries(10, now, { ids: [escalation.id] })).map((d) => d.id)).toEqual([escalation.id]);
    await sweepTimeouts();
    expect((await view(org, workflowId)).status).toBe("TIMED_OUT"); // the lease still holds
    advance(121);
    await sweepTimeouts();
    expect((await view(org, workflowId)).status).toBe("ESCALATED");
    expect(genesys.requests.filter((r) => r.path === "/api/v2/flows/executions")).toHaveLength(1);
  });
});

describe("late results", () => {
  function postResult(callbackUrl: string, owner: TestOrg, body: unknown) {
    const url = new URL(callbackUrl);
    const raw = JSON.stringify(body);
    return call(callback, url.pathname + url.search, { params: { id: url.pathname.split("/").pop()! }, rawBody: raw, headers: signed(owner.signingSecret, raw) });
  }

  it("supersedes an escalation that has not gone out yet", async () => {
    const { workflowId, callback_url, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    advance(61);
    await sweepTimeouts({ deliver: false });
    expect((await postResult(callback_url, org, { result: "SUCCESS", result_data: { score: 1 } })).status).toBe(200);
    await sweepTimeouts();
    await processOutbox();
    expect(genesys.requests.some((r) => r.path === "/api/v2/flows/executions" && (r.body as { inputData: Record<string, string> }).inputData["Flow.timeout_status"] === "TIMED_OUT")).toBe(false);
    expect(await view(org, workflowId)).toMatchObject({ status: "COMPLETED", task_late_result: true });
  });

  it("after the flow was launched, brings the late result to the timeout-handler flow", async () => {
    const { workflowId, callback_url, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    advance(61);
    await sweepTimeouts();
    expect((await view(org, workflowId)).status).toBe("ESCALATED");
    advance(30);
    const res = await postResult(callback_url, org, { result: "FAILURE", reason: "card blocked" });
    expect(await jsonOf(res)).toMatchObject({ late_result: true, status: "FAILED" });
    await processOutbox();
    const launches = genesys.requests.filter((r) => r.path === "/api/v2/flows/executions").map((r) => (r.body as { inputData: Record<string, string> }).inputData["Flow.timeout_status"]);
    expect(launches).toEqual(["TIMED_OUT", "LATE_RESULT_FAILURE"]);
    expect((await eventsOf(org, workflowId)).map((e) => e.type)).toEqual(["WORKFLOW_INITIATED", "TASK_DISPATCHED", "TASK_TIMED_OUT", "ESCALATED", "LATE_RESULT", "RESULT_FOLLOWED_UP"]);
  });

  it("a result for a conversation that has ended reaches the customer through a callback (rule 5)", async () => {
    const { workflowId, callback_url, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, endedConversation(conversationId));
    advance(30);
    expect((await postResult(callback_url, org, { result: "SUCCESS" })).status).toBe(200);
    await processOutbox();
    const created = genesys.requests.find((r) => r.path === "/api/v2/conversations/callbacks")!;
    expect((created.body as { data: Record<string, string> }).data).toMatchObject({ workflow_id: workflowId, timeout_status: "RESULT_SUCCESS" });
    expect((await eventsOf(org, workflowId)).at(-1)).toMatchObject({ type: "RESULT_FOLLOWED_UP", data: { path: "CALLBACK" } });
  });

  // One success rule (issue: a {"status_code": 200} body showed as succeeded in the API but reached Genesys as RESULT_FAILURE).
  it("a status_code-only success is a success everywhere: the API, the follow-up callback's data and the late-result flow launch", async () => {
    const ended = await startWorkflowWithTask(org);
    genesys.setConversation(ended.conversationId, endedConversation(ended.conversationId));
    expect((await postResult(ended.callback_url, org, { status_code: 200 })).status).toBe(200);
    expect(await view(org, ended.workflowId)).toMatchObject({ status: "COMPLETED", task_status: "SUCCEEDED", task_result_success: true });
    await processOutbox();
    const created = genesys.requests.find((r) => r.path === "/api/v2/conversations/callbacks")!;
    expect((created.body as { data: Record<string, string> }).data).toMatchObject({ workflow_id: ended.workflowId, timeout_status: "RESULT_SUCCESS" });

    genesys.reset();
    const late = await startWorkflowWithTask(org);
    genesys.setConversation(late.conversationId, connectedConversation(late.conversationId));
    advance(61);
    await sweepTimeouts();
    expect((await view(org, late.workflowId)).status).toBe("ESCALATED");
    expect((await postResult(late.callback_url, org, { status_code: 204, result_data: { score: 3 } })).status).toBe(200);
    expect(await view(org, late.workflowId)).toMatchObject({ status: "COMPLETED", task_late_result: true, task_result_success: true });
    await processOutbox();
    const launches = genesys.requests.filter((r) => r.path === "/api/v2/flows/executions").map((r) => (r.body as { inputData: Record<string, string> }).inputData["Flow.timeout_status"]);
    expect(launches).toEqual(["TIMED_OUT", "LATE_RESULT_SUCCESS"]);
  });

  it("a status_code outside 2xx is a failure everywhere", async () => {
    const { workflowId, callback_url, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, endedConversation(conversationId));
    expect((await postResult(callback_url, org, { status_code: 502 })).status).toBe(200);
    expect(await view(org, workflowId)).toMatchObject({ status: "FAILED", task_result_success: false, task_failure_reason: "status_code 502" });
    await processOutbox();
    const created = genesys.requests.find((r) => r.path === "/api/v2/conversations/callbacks")!;
    expect((created.body as { data: Record<string, string> }).data).toMatchObject({ timeout_status: "RESULT_FAILURE" });
  });

  it("a result while the customer is still connected needs no Genesys action: the flow reads it", async () => {
    const { workflowId, callback_url, conversationId } = await startWorkflowWithTask(org);
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    expect((await postResult(callback_url, org, { result: "SUCCESS" })).status).toBe(200);
    await processOutbox();
    expect(genesys.requests.filter((r) => r.path !== "/oauth/token").map((r) => r.path)).toEqual([`/api/v2/conversations/${conversationId}`]);
    expect((await eventsOf(org, workflowId)).at(-1)?.type).toBe("TASK_SUCCEEDED");
  });
});
