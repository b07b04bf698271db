// Processes run by Longrun itself, end to end on PostgreSQL through the route
// handlers: the orchestrator stand-in (a real HTTP server) receives each step
// and results come back as signed callbacks; retries and waits are swept like
// deadlines; Genesys (msw) hears only about the final outcome, and only when
// the customer has gone.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { GET as events } from "@/app/api/v1/workflows/[id]/events/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { PUT as putProcess } from "@/app/api/v1/processes/[name]/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { holdAfterResponse } from "@/lib/http/direct-routes";
import { configureOrg } from "@/lib/orgs/org-configuration";
import type { OrgSettings } from "@/lib/orgs/org-settings";
import { processOutbox } from "@/lib/outbox/process-outbox";
import "@/lib/outbox/handlers";
import { sweepProcessWakes } from "@/lib/processes/process-sweep";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { connectedConversation, endedConversation, startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";

const cardFraud = JSON.parse(readFileSync("genesys/processes/card-fraud.json", "utf8")) as { steps: Array<Record<string, unknown>> };
const flowId = "6f1a0c1e-7a43-4f53-9d1c-2a0b8e1f0c11";
const queueId = "b0e5a7c2-3d4e-4f5a-8b9c-0d1e2f3a4b5c";
const settings: Partial<OrgSettings> = { taskTimeoutSeconds: 300, flowSessionLimitSeconds: 1200, timeoutHandlerFlowId: flowId, callbackQueueId: queueId, taskTypes: {} };

let orchestrator: Orchestrator;
let genesys: GenesysFake;
let org: TestOrg;
let now: Date;
let restore: () => void = () => undefined;

beforeAll(async () => {
  orchestrator = await startOrchestrator();
  genesys = startGenesysFake();
  org = await newOrg({ orchestratorUrl: orchestrator.url });
  await configureOrg(org.orgId, { genesysClientId: "gc-process-client", genesysClientSecret: "gc-process-secret", settings: settings as OrgSettings }, "test");
  expect((await putDefinition("card-fraud", cardFraud)).status).toBe(201);
});
afterAll(async () => {
  restore();
  genesys.close();
  await orchestrator.close();
});
beforeEach(() => {
  genesys.reset();
  orchestrator.respondWith(202);
  // Before the tokens were issued (real time), so that a day of waiting does not expire them.
  now = new Date("2026-11-27T09:00:00.000Z");
  restore();
  restore = clock.set(() => now);
});

const advance = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));

function putDefinition(name: string, definition: unknown) {
  return call<{ name: string }>(putProcess, `/api/v1/processes/${name}`, { method: "PUT", params: { name }, body: definition, token: org.token });
}

interface Dispatched {
  task_id: string;
  task_type: string;
  payload: Record<string, unknown>;
  callback_url: string;
}

/** Delivers what the outbox has due and returns the tasks the orchestrator received meanwhile. */
async function deliver(): Promise<Dispatched[]> {
  const before = orchestrator.received.length;
  await processOutbox();
  return orchestrator.received.slice(before).map((r) => JSON.parse(r.body) as Dispatched);
}

async function start(overrides: Record<string, unknown> = {}) {
  const body = workflowBody({ timestamp: now.toISOString(), context: { amount: 1200, card_last4: "4242", customer_ref: "C-77" }, process: { name: "card-fraud", version: 1 }, ...overrides });
  const res = await call(initiate, "/api/v1/workflows", { body, token: org.token });
  expect(res.status, await res.clone().text()).toBe(201);
  return { workflowId: body.workflow_id, conversationId: body.conversation_id, created: await jsonOf(res) };
}

async function report(task: Dispatched, body: Record<string, unknown>) {
  const url = new URL(task.callback_url);
  const raw = JSON.stringify(body);
  return call(callback, url.pathname + url.search, { params: { id: url.pathname.split("/").pop()! }, rawBody: raw, headers: signed(org.signingSecret, raw) });
}

/** The callback as the server's direct path serves it, returning the work it left for after its response (the outbox kick). */
async function reportHeld(task: Dispatched, body: Record<string, unknown>) {
  const url = new URL(task.callback_url);
  const raw = JSON.stringify(body);
  const request = new Request(new URL(url.pathname + url.search, "http://longrun.test"), { method: "POST", headers: signed(org.signingSecret, raw), body: raw });
  const held = holdAfterResponse(request);
  const res = await callback(request, { params: Promise.resolve({ id: url.pathname.split("/").pop()! }) });
  return { status: res.status, held };
}

async function view(id: string) {
  return jsonOf(await call(getWorkflow, "/x", { params: { id }, token: org.token }));
}

async function eventsOf(id: string) {
  return (await jsonOf<{ events: Array<{ type: string; data: Record<string, unknown> | null }> }>(await call(events, "/x", { params: { id }, token: org.token }))).events;
}

describe("a process run by Longrun", () => {
  it("runs the three task steps of card fraud to the end with no flow involved: each result dispatches the next step with its input", async () => {
    const { workflowId, created } = await start({ conversation_id: undefined });
    expect(created).toMatchObject({ status: "PENDING", version: 2 });
    expect(await view(workflowId)).toMatchObject({
      status: "PENDING", process: "card-fraud", process_version: 1, current_step: "fraud", step_title: "Fraud check", step_index: 1, step_count: 4, attempt: 1,
      task_type: "FRAUD_VERIFICATION", task_status: "QUEUED",
    });

    const [fraud] = await deliver();
    expect(fraud).toMatchObject({ task_type: "FRAUD_VERIFICATION", payload: { amount: 1200, card_last4: "4242" } });
    expect((await report(fraud!, { status: "COMPLETED", result_data: { risk: "LOW", score: 12 } })).status).toBe(200);
    expect(await view(workflowId)).toMatchObject({ status: "PENDING", current_step: "credit", step_index: 2, attempt: 1, task_type: "CREDIT_CHECK" });

    const [credit] = await deliver();
    expect(credit).toMatchObject({ task_type: "CREDIT_CHECK", payload: { customer: "C-77", amount: 1200, fraud_score: 12 } });
    expect((await report(credit!, { status: "COMPLETED", result_data: { limit: 5000 } })).status).toBe(200);

    const [approval] = await deliver();
    expect(approval).toMatchObject({ task_type: "ERP_APPROVAL", payload: { amount: 1200, credit_limit: 5000 } });
    expect((await report(approval!, { result: "APPROVED", result_data: { order: "PO-9" } })).status).toBe(200);

    expect(await view(workflowId)).toMatchObject({ status: "COMPLETED", current_step: "approval", step_index: 3, task_result_success: true, task_result_data: { order: "PO-9" } });
    expect(await deliver()).toEqual([]);
    expect(genesys.requests).toEqual([]);
    const types = (await eventsOf(workflowId)).map((e) => e.type);
    expect(types.filter((t) => t === "TASK_DISPATCHED")).toHaveLength(3);
    expect(types.at(-1)).toBe("PROCESS_ENDED");
  });

  it("kicks the outbox after a result only when the change dispatched the next step, not for a retry's backoff", async () => {
    const { workflowId } = await start({ conversation_id: undefined });
    const [fraud] = await deliver();
    const failed = await reportHeld(fraud!, { status: "FAILED", reason: "VENDOR_DOWN" });
    expect(failed.status).toBe(200);
    expect(failed.held).toHaveLength(0);
    advance(10);
    expect((await sweepProcessWakes({ deliver: false })).woken).toBe(1);
    const [retry] = await deliver();

    const next = await reportHeld(retry!, { status: "COMPLETED", result_data: { risk: "LOW", score: 12 } });
    expect(next.status).toBe(200);
    expect(next.held).toHaveLength(1);
    const before = orchestrator.received.length;
    await next.held[0]!();
    // The kick itself delivered the next step: no outbox run in between.
    expect(orchestrator.received.slice(before).map((r) => (JSON.parse(r.body) as Dispatched).task_type)).toEqual(["CREDIT_CHECK"]);
    expect((await view(workflowId)).current_step).toBe("credit");
  });

  it("retries a failed step after its backoff, durably: the sweep dispatches attempt 2 when it is due, a result for the old attempt is a 409", async () => {
    const { workflowId } = await start({ conversation_id: undefined });
    const [first] = await deliver();
    expect((await report(first!, { status: "FAILED", reason: "VENDOR_DOWN" })).status).toBe(200);
    const waiting = await view(workflowId);
    expect(waiting).toMatchObject({ status: "PENDING", current_step: "fraud", attempt: 1, wake_at: new Date(now.getTime() + 10_000).toISOString(), task_status: "FAILED", task_failure_reason: "VENDOR_DOWN" });
    expect((await eventsOf(workflowId)).at(-1)).toMatchObject({ type: "STEP_RETRY_SCHEDULED", data: { step: "fraud", attempt: 2, reason: "VENDOR_DOWN", delay_seconds: 10 } });

    advance(9);
    expect((await sweepProcessWakes({ deliver: false })).woken).toBe(0);
    advance(1);
    expect((await sweepProcessWakes({ deliver: false })).woken).toBe(1);
    const retrying = await view(workflowId);
    expect(retrying).toMatchObject({ current_step: "fraud", attempt: 2, process_phase: "RUNNING", task_status: "QUEUED" });
    expect(retrying.wake_at).toBeUndefined();
    const [second] = await deliver();
    expect(second!.task_id).not.toBe(first!.task_id);

    const stale = await report(first!, { status: "COMPLETED", result_data: { risk: "LOW" } });
    expect(stale.status).toBe(409);
    // A second failure waits initial × coefficient = 20 s.
    expect((await report(second!, { status: "FAILED", reason: "VENDOR_DOWN" })).status).toBe(200);
    expect(await view(workflowId)).toMatchObject({ attempt: 2, wake_at: new Date(now.getTime() + 20_000).toISOString() });
  });

  it("does not retry a non-retryable reason: the step's on_failure (escalate) goes out at once", async () => {
    const { workflowId, conversationId } = await start();
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    const [fraud] = await deliver();
    expect((await report(fraud!, { status: "FAILED", reason: "CARD_BLOCKED" })).status).toBe(200);
    const escalating = await view(workflowId);
    expect(escalating).toMatchObject({ status: "FAILED", current_step: "fraud", attempt: 1, process_phase: "ESCALATING" });
    expect(escalating.wake_at).toBeUndefined();
    expect((await eventsOf(workflowId)).map((e) => e.type)).toContain("STEP_ESCALATED");
    await processOutbox();
    const launch = genesys.requests.find((r) => r.method === "POST" && r.path === "/api/v2/flows/executions");
    expect(launch, JSON.stringify(genesys.requests.map((r) => r.path))).toBeDefined();
    expect((await view(workflowId)).status).toBe("ESCALATED");
  });

  it("sleeps through a wait step durably and ends when it wakes", async () => {
    const { workflowId } = await start({ conversation_id: undefined });
    const [fraud] = await deliver();
    expect((await report(fraud!, { status: "COMPLETED", result_data: { risk: "HIGH" } })).status).toBe(200);
    expect(await view(workflowId)).toMatchObject({ status: "PENDING", current_step: "review", step_index: 4, wake_at: new Date(now.getTime() + 86_400_000).toISOString() });
    expect(await deliver()).toEqual([]);
    // Other tests' workflows share the database: this one's own state says what the sweeps did to it.
    advance(86_399);
    await sweepProcessWakes();
    expect(await view(workflowId)).toMatchObject({ status: "PENDING", process_phase: "WAIT" });
    advance(1);
    expect((await sweepProcessWakes()).woken).toBeGreaterThanOrEqual(1);
    const woken = await view(workflowId);
    expect(woken).toMatchObject({ status: "COMPLETED", process_phase: "ENDED" });
    expect(woken.wake_at).toBeUndefined();
  });

  it("follows the customer who hung up after step 1: the final result arrives as a Genesys callback", async () => {
    const { workflowId, conversationId } = await start();
    genesys.setConversation(conversationId, connectedConversation(conversationId));
    const [fraud] = await deliver();
    expect((await report(fraud!, { status: "COMPLETED", result_data: { risk: "LOW", score: 3 } })).status).toBe(200);
    // The customer hangs up while the credit check runs.
    genesys.setConversation(conversationId, endedConversation(conversationId));
    const [credit] = await deliver();
    expect(genesys.requests.filter((r) => r.path === "/api/v2/conversations/callbacks")).toEqual([]);
    expect((await report(credit!, { status: "COMPLETED", result_data: { limit: 900 } })).status).toBe(200);
    const [approval] = await deliver();
    expect(genesys.requests.filter((r) => r.path === "/api/v2/conversations/callbacks")).toEqual([]);
    expect((await report(approval!, { status: "COMPLETED", result_data: { order: "PO-1" } })).status).toBe(200);
    await processOutbox();
    const callbacks = genesys.requests.filter((r) => r.method === "POST" && r.path === "/api/v2/conversations/callbacks");
    expect(callbacks).toHaveLength(1);
    expect(JSON.stringify(callbacks[0]!.body)).toContain("RESULT_SUCCESS");
    expect((await eventsOf(workflowId)).map((e) => e.type)).toContain("RESULT_FOLLOWED_UP");
  });

  it("keeps the version a workflow started with when a new one is stored", async () => {
    const pinned = await start({ conversation_id: undefined });
    const changed = structuredClone(cardFraud);
    changed.steps[1]!.task_type = "CREDIT_BUREAU_V2";
    expect((await putDefinition("card-fraud", changed)).status).toBe(201);
    const [fraud] = (await deliver());
    await report(fraud!, { status: "COMPLETED", result_data: { risk: "LOW", score: 1 } });
    const [credit] = await deliver();
    expect(credit!.task_type).toBe("CREDIT_CHECK");
    expect(await view(pinned.workflowId)).toMatchObject({ process_version: 1 });
    const fresh = await start({ conversation_id: undefined, process: { name: "card-fraud" } });
    expect(await view(fresh.workflowId)).toMatchObject({ process_version: 2 });
    const older = await start({ conversation_id: undefined, process: { name: "card-fraud", version: 1 } });
    expect(await view(older.workflowId)).toMatchObject({ process_version: 1 });
    await deliver();
  });

  it("starts from the initiate data action's flat inputs: process_name and context_json; empty strings run none", async () => {
    const flat = workflowBody({ timestamp: now.toISOString(), context: undefined, process_name: "card-fraud", context_json: JSON.stringify({ amount: 75, card_last4: "1111", customer_ref: "C-9" }) });
    const res = await call(initiate, "/api/v1/workflows", { body: flat, token: org.token });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await view(flat.workflow_id)).toMatchObject({ process: "card-fraud", current_step: "fraud", step_index: 1 });
    const dispatched = (await deliver()) as Array<Dispatched & { workflow_id: string }>;
    expect(dispatched.find((d) => d.workflow_id === flat.workflow_id)?.payload).toEqual({ amount: 75, card_last4: "1111" });
    const none = workflowBody({ process_name: "", context_json: "" });
    expect((await call(initiate, "/api/v1/workflows", { body: none, token: org.token })).status).toBe(201);
    const plain = await view(none.workflow_id);
    expect(plain.status).toBe("INITIATED");
    expect(plain.process).toBeUndefined();
    const both = await call(initiate, "/api/v1/workflows", { body: workflowBody({ process: { name: "card-fraud" }, process_name: "card-fraud" }), token: org.token });
    expect(both.status).toBe(400);
    const badJson = await call(initiate, "/api/v1/workflows", { body: workflowBody({ context: undefined, context_json: "[1]" }), token: org.token });
    expect(await jsonOf(badJson)).toMatchObject({ error: { code: "VALIDATION_FAILED", details: [{ path: "context_json" }] } });
  });

  it("refuses to start an unknown process or version, writing nothing", async () => {
    const prisma = await db();
    const before = await prisma.workflow.count({ where: { orgId: org.orgId } });
    const unknown = await call(initiate, "/api/v1/workflows", { body: workflowBody({ process: { name: "nope" } }), token: org.token });
    expect(unknown.status).toBe(404);
    const noVersion = await call(initiate, "/api/v1/workflows", { body: workflowBody({ process: { name: "card-fraud", version: 99 } }), token: org.token });
    expect(noVersion.status).toBe(404);
    const missingInput = await call(initiate, "/api/v1/workflows", { body: workflowBody({ context: {}, process: { name: "card-fraud" } }), token: org.token });
    expect(missingInput.status).toBe(422);
    expect(await jsonOf(missingInput)).toMatchObject({ error: { code: "UNPROCESSABLE", message: expect.stringContaining("$.context.amount") } });
    expect(await prisma.workflow.count({ where: { orgId: org.orgId } })).toBe(before);
  });

  it("times out a step by its own timeout and retries it like a failure", async () => {
    const { workflowId } = await start({ conversation_id: undefined });
    await deliver();
    advance(600);
    expect((await sweepTimeouts({ deliver: false })).timedOut).toBeGreaterThanOrEqual(1);
    expect(await view(workflowId)).toMatchObject({ status: "PENDING", attempt: 1, wake_at: new Date(now.getTime() + 10_000).toISOString() });
    expect((await eventsOf(workflowId)).at(-1)).toMatchObject({ type: "STEP_RETRY_SCHEDULED", data: { reason: "TIMEOUT" } });
  });
});

describe("exactly once", () => {
  it("dispatches the next step once when the process stops between the result and the delivery, and two outbox runs race afterwards", async () => {
    const { workflowId } = await start({ conversation_id: undefined });
    const [fraud] = await deliver();
    expect((await report(fraud!, { status: "COMPLETED", result_data: { risk: "LOW", score: 5 } })).status).toBe(200);
    // Nothing delivered the credit check yet (as if the server died after the commit): it is a pending outbox row.
    const prisma = await db();
    const pending = await prisma.delivery.findMany({ where: { workflowId, kind: "DISPATCH_TASK", status: "PENDING" } });
    expect(pending).toHaveLength(1);
    const before = orchestrator.received.length;
    await Promise.all([processOutbox(), processOutbox()]);
    const sent = orchestrator.received.slice(before).map((r) => JSON.parse(r.body) as Dispatched);
    expect(sent.map((d) => d.task_type)).toEqual(["CREDIT_CHECK"]);
    // The same callback again (a redelivery) is answered from the receipt and dispatches nothing new.
    expect(await prisma.task.count({ where: { workflowId } })).toBe(2);
  });

  it("two parallel sweeps over due retries and waits wake each workflow exactly once", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { workflowId } = await start({ conversation_id: undefined });
      ids.push(workflowId);
    }
    const dispatched = await deliver();
    expect(dispatched).toHaveLength(6);
    // Half fail (a retry in 10 s), half go to the review wait (a day).
    for (const task of dispatched as Array<Dispatched & { workflow_id: string }>) {
      const i = ids.indexOf(task.workflow_id);
      expect((await report(task, i % 2 === 0 ? { status: "FAILED", reason: "VENDOR_DOWN" } : { status: "COMPLETED", result_data: { risk: "HIGH" } })).status).toBe(200);
    }
    advance(86_400);
    const before = orchestrator.received.length;
    // Each sweep delivers what it woke; both race over the same six due rows.
    const [a, b] = await Promise.all([sweepProcessWakes({ batchSize: 2 }), sweepProcessWakes({ batchSize: 2 })]);
    expect(a.woken).toBeGreaterThan(0);
    expect(b.woken).toBeGreaterThan(0);
    await processOutbox();
    // Each of the three retried workflows got exactly one new attempt, whoever woke it.
    const retried = orchestrator.received.slice(before).map((r) => JSON.parse(r.body) as Dispatched & { workflow_id: string }).filter((d) => ids.includes(d.workflow_id));
    expect(retried.map((d) => d.workflow_id).sort()).toEqual([ids[0], ids[2], ids[4]].sort());
    const prisma = await db();
    for (const [i, id] of ids.entries()) {
      const woke = (await eventsOf(id)).filter((e) => (i % 2 === 0 ? e.type === "TASK_DISPATCHED" : e.type === "PROCESS_ENDED"));
      expect(woke, id).toHaveLength(i % 2 === 0 ? 2 : 1);
      expect(await prisma.task.count({ where: { workflowId: id } })).toBe(i % 2 === 0 ? 2 : 1);
    }
    const views = await Promise.all(ids.map((id) => view(id)));
    expect(views.map((v) => v.status)).toEqual(["PENDING", "COMPLETED", "PENDING", "COMPLETED", "PENDING", "COMPLETED"]);
    expect(views.filter((v) => v.attempt === 2)).toHaveLength(3);
    await sweepProcessWakes();
    expect(await prisma.task.count({ where: { workflowId: { in: ids } } })).toBe(9);
  });
});
