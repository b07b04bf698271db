import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as heartbeat } from "@/app/api/v1/workflows/[id]/tasks/[taskId]/heartbeat/route";
import { GET as events } from "@/app/api/v1/workflows/[id]/events/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { processOutbox } from "@/lib/outbox/process-outbox";
import { interpretCallbackResult } from "@/lib/domain/callback-result";
import { applyCommand, loadWorkflow } from "@/lib/workflows/workflow-store";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";

let orchestrator: Orchestrator;
let org: TestOrg;
let other: TestOrg;
let restoreClock: () => void = () => undefined;

beforeAll(async () => {
  orchestrator = await startOrchestrator();
  org = await newOrg({ orchestratorUrl: orchestrator.url, settings: { taskTimeoutSeconds: 600, taskTypes: { CREDIT_CHECK: { timeoutSeconds: 120, heartbeatTimeoutSeconds: 60 } } } });
  other = await newOrg({ orchestratorUrl: orchestrator.url });
});
afterAll(async () => orchestrator.close());
beforeEach(() => {
  restoreClock();
  orchestrator.respondWith(202);
});

interface Accepted { task_id: string; status: string; task_status: string; version: number; callback_url: string; deadline_at: string }

async function startWorkflow(owner = org): Promise<string> {
  const body = workflowBody();
  const res = await call(initiate, "/api/v1/workflows", { body, token: owner.token });
  expect(res.status).toBe(201);
  return body.workflow_id;
}

async function startTask(workflowId: string, body: Record<string, unknown> = { task_type: "FRAUD_VERIFICATION", payload: { amount: 1200 } }, owner = org): Promise<Accepted> {
  const res = await call(dispatch, `/api/v1/workflows/${workflowId}/tasks`, { params: { id: workflowId }, body, token: owner.token });
  expect(res.status, await res.clone().text()).toBe(202);
  return jsonOf<Accepted>(res);
}

/** POSTs a signed callback to the URL Longrun handed out. */
async function postCallback(callbackUrl: string, body: unknown, options: { secret?: string; id?: string; at?: Date; headers?: Record<string, string> } = {}) {
  const url = new URL(callbackUrl);
  const id = url.pathname.split("/").pop()!;
  const raw = JSON.stringify(body);
  const headers = { ...signed(options.secret ?? org.signingSecret, raw, { id: options.id, at: options.at }), ...options.headers };
  return call(callback, url.pathname + url.search, { params: { id }, rawBody: raw, headers });
}

async function view(workflowId: string, owner = org) {
  return jsonOf(await call(getWorkflow, `/api/v1/workflows/${workflowId}`, { params: { id: workflowId }, token: owner.token }));
}

async function eventTypes(workflowId: string): Promise<string[]> {
  const log = await jsonOf<{ events: Array<{ type: string }> }>(await call(events, `/x`, { params: { id: workflowId }, token: org.token }));
  return log.events.map((e) => e.type);
}

describe("dispatching a task", () => {
  it("answers 202 ACCEPTED at once, then delivers to the orchestrator with X-Callback-URL; the 202 of the target means queued, not done", async () => {
    const workflowId = await startWorkflow();
    const accepted = await startTask(workflowId);
    expect(accepted).toMatchObject({ status: "ACCEPTED", task_status: "QUEUED", version: 2 });
    expect(accepted.callback_url).toContain(`/api/v1/webhooks/flow/callback/${workflowId}?task_id=${accepted.task_id}&version=2`);

    const sent = orchestrator.received.length;
    const run = await processOutbox();
    expect(run.delivered).toBeGreaterThanOrEqual(1);
    const delivered = orchestrator.received.slice(sent).find((r) => r.headers["x-task-id"] === accepted.task_id)!;
    expect(delivered.headers["x-callback-url"]).toBe(accepted.callback_url);
    expect(delivered.headers["x-workflow-version"]).toBe("2");
    expect(delivered.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(JSON.parse(delivered.body)).toMatchObject({ workflow_id: workflowId, task_id: accepted.task_id, task_type: "FRAUD_VERIFICATION", payload: { amount: 1200 } });

    const after = await view(workflowId);
    expect(after).toMatchObject({ status: "PENDING", task_status: "ACCEPTED", version: 2 });
  });

  it("takes the task type's timeout from the org settings", async () => {
    const now = new Date("2026-11-27T12:00:00.000Z");
    restoreClock = clock.set(() => now);
    const accepted = await startTask(await startWorkflow(), { task_type: "CREDIT_CHECK", payload: {}, dispatch: false });
    expect(accepted.deadline_at).toBe(new Date(now.getTime() + 120_000).toISOString());
  });

  it("with dispatch: false only registers the task and hands back the callback URL", async () => {
    const workflowId = await startWorkflow();
    const sent = orchestrator.received.length;
    const accepted = await startTask(workflowId, { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false });
    expect(accepted.task_status).toBe("ACCEPTED");
    await processOutbox();
    expect(orchestrator.received.slice(sent).some((r) => r.headers["x-task-id"] === accepted.task_id)).toBe(false);
  });

  it("retries 429 and 5xx with backoff, then ends as a dead letter after the last attempt", async () => {
    orchestrator.respondWith({ status: 429, headers: { "retry-after": "7" } }, 503);
    const workflowId = await startWorkflow();
    const accepted = await startTask(workflowId);
    const prisma = await db();
    const start = new Date("2026-11-27T12:00:00.000Z");
    let now = start;
    restoreClock = clock.set(() => now);
    await prisma.delivery.updateMany({ where: { taskId: accepted.task_id }, data: { nextAttemptAt: start } });

    await processOutbox({ ids: await deliveryIds(accepted.task_id) });
    let row = await prisma.delivery.findFirstOrThrow({ where: { taskId: accepted.task_id } });
    expect(row).toMatchObject({ status: "PENDING", attempts: 1, lastStatus: 429 });
    expect(row.nextAttemptAt.getTime() - start.getTime()).toBe(7000); // Retry-After wins

    for (let i = 0; i < 20 && row.status === "PENDING"; i++) {
      now = new Date(row.nextAttemptAt.getTime() + 1000);
      await processOutbox({ ids: [row.id] });
      row = await prisma.delivery.findFirstOrThrow({ where: { taskId: accepted.task_id } });
    }
    expect(row).toMatchObject({ status: "DEAD", attempts: row.maxAttempts, lastStatus: 503 });
    expect(row.lastError).toContain("HTTP 503");
    expect((await view(workflowId)).task_status).toBe("QUEUED"); // never marked done
  });

  it("dead-letters at once when the orchestrator refuses the request (4xx)", async () => {
    orchestrator.respondWith(400);
    const accepted = await startTask(await startWorkflow());
    await processOutbox({ ids: await deliveryIds(accepted.task_id) });
    const prisma = await db();
    expect(await prisma.delivery.findFirstOrThrow({ where: { taskId: accepted.task_id } })).toMatchObject({ status: "DEAD", attempts: 1, lastStatus: 400 });
  });

  it("refuses a second task while one is waiting (409), and a task on another org's workflow (404)", async () => {
    const workflowId = await startWorkflow();
    await startTask(workflowId);
    const again = await call(dispatch, `/x`, { params: { id: workflowId }, body: { task_type: "X" }, token: org.token });
    expect(again.status).toBe(409);
    const cross = await call(dispatch, `/x`, { params: { id: workflowId }, body: { task_type: "X" }, token: other.token });
    expect(cross.status).toBe(404);
  });

  it("validates the body: unknown fields, bad types, bad task types", async () => {
    const workflowId = await startWorkflow();
    for (const body of [{ task_type: "X", extra: 1 }, { task_type: 5 }, { task_type: "has spaces" }, { task_type: "X", timeout: -1 }, { payload: {} }]) {
      const res = await call(dispatch, `/x`, { params: { id: workflowId }, body, token: org.token });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await view(workflowId)).status).toBe("INITIATED");
  });
});

async function deliveryIds(taskId: string): Promise<string[]> {
  const prisma = await db();
  return (await prisma.delivery.findMany({ where: { taskId }, select: { id: true } })).map((d) => d.id);
}

describe("callbacks", () => {
  it("completes the task only on a body that says success, and maps status and result_data", async () => {
    const workflowId = await startWorkflow();
    const { callback_url, task_id } = await startTask(workflowId);
    const res = await postCallback(callback_url, { status: "COMPLETED", result: "SUCCESS", result_data: { score: 712, decision: "approve" } });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ workflow_id: workflowId, task_id, status: "COMPLETED", task_status: "SUCCEEDED", version: 3, late_result: false });
    expect(await view(workflowId)).toMatchObject({
      status: "COMPLETED", task_status: "SUCCEEDED", task_result_status: "COMPLETED", task_result_success: true,
      task_result_json: JSON.stringify({ score: 712, decision: "approve" }),
    });
    expect(await view(workflowId)).not.toHaveProperty("task_failure_reason");
    expect(await eventTypes(workflowId)).toEqual(["WORKFLOW_INITIATED", "TASK_DISPATCHED", "TASK_SUCCEEDED"]);
  });

  it("records any other result as a failure with its reason", async () => {
    const workflowId = await startWorkflow();
    const { callback_url } = await startTask(workflowId);
    const res = await postCallback(callback_url, { status: "PROCESSED", status_code: 502, reason: "bureau unavailable" });
    expect(res.status).toBe(200);
    expect(await view(workflowId)).toMatchObject({ status: "FAILED", task_status: "FAILED", task_result_success: false, task_failure_reason: "bureau unavailable" });
  });

  it("takes the version from the body when the URL has none; with neither it is a 422 and nothing changes", async () => {
    const workflowId = await startWorkflow();
    const { task_id } = await startTask(workflowId);
    const bare = `http://longrun.test/api/v1/webhooks/flow/callback/${workflowId}`;
    const none = await postCallback(bare, { result: "SUCCESS", task_id });
    expect(none.status).toBe(422);
    expect((await view(workflowId)).status).toBe("PENDING");
    const withVersion = await postCallback(bare, { result: "SUCCESS", version: 2 });
    expect(withVersion.status).toBe(200);
  });

  it("refuses a body with no result (422) and malformed JSON (400), changing nothing", async () => {
    const workflowId = await startWorkflow();
    const { callback_url } = await startTask(workflowId);
    expect((await postCallback(callback_url, { result_data: { a: 1 } })).status).toBe(422);
    const url = new URL(callback_url);
    const raw = "{not json";
    const bad = await call(callback, url.pathname + url.search, { params: { id: workflowId }, rawBody: raw, headers: signed(org.signingSecret, raw) });
    expect(bad.status).toBe(400);
    expect((await view(workflowId)).status).toBe("PENDING");
  });

  it("answers a stale version with 409 and changes nothing", async () => {
    const workflowId = await startWorkflow();
    const { callback_url } = await startTask(workflowId);
    const stale = callback_url.replace("version=2", "version=1");
    const res = await postCallback(stale, { result: "SUCCESS" });
    expect(res.status).toBe(409);
    expect(await jsonOf(res)).toMatchObject({ error: { code: "STALE_VERSION" } });
    expect(await view(workflowId)).toMatchObject({ status: "PENDING", version: 2 });
  });

  it("returns the first answer to a redelivered webhook-id and changes nothing", async () => {
    const workflowId = await startWorkflow();
    const { callback_url } = await startTask(workflowId);
    const first = await postCallback(callback_url, { result: "SUCCESS" }, { id: "msg_same" });
    const firstBody = await jsonOf(first);
    const eventsBefore = await eventTypes(workflowId);
    const second = await postCallback(callback_url, { result: "SUCCESS" }, { id: "msg_same" });
    expect(second.status).toBe(first.status);
    expect(await jsonOf(second)).toEqual(firstBody);
    expect(second.headers.get("webhook-replayed")).toBe("true");
    expect(await eventTypes(workflowId)).toEqual(eventsBefore);
  });

  it("refuses a bad signature, a signature by another org's secret and an expired timestamp (401), changing nothing", async () => {
    const workflowId = await startWorkflow();
    const { callback_url } = await startTask(workflowId);
    const tampered = await postCallback(callback_url, { result: "SUCCESS" }, { headers: { "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" } });
    expect(tampered.status).toBe(401);
    expect((await postCallback(callback_url, { result: "SUCCESS" }, { secret: other.signingSecret })).status).toBe(401);
    const expired = await postCallback(callback_url, { result: "SUCCESS" }, { at: new Date(clock.now().getTime() - 6 * 60_000) });
    expect(expired.status).toBe(401);
    expect(await jsonOf(expired)).toMatchObject({ error: { code: "INVALID_SIGNATURE" } });
    const unsigned = await call(callback, new URL(callback_url).pathname, { params: { id: workflowId }, body: { result: "SUCCESS" } });
    expect(unsigned.status).toBe(401);
    expect(await view(workflowId)).toMatchObject({ status: "PENDING", version: 2 });
  });

  it("applies exactly one of 50 concurrent callbacks with the same version; the rest are 409; one event", async () => {
    const workflowId = await startWorkflow();
    const { callback_url } = await startTask(workflowId);
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => postCallback(callback_url, { result: "SUCCESS", result_data: { n: i } })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect((await eventTypes(workflowId)).filter((t) => t === "TASK_SUCCEEDED")).toHaveLength(1);
    expect(await view(workflowId)).toMatchObject({ status: "COMPLETED", version: 3 });
  });

  it("keeps a result that arrives after the task timed out as a late result", async () => {
    const workflowId = await startWorkflow();
    const { callback_url, task_id } = await startTask(workflowId, { task_type: "FRAUD_VERIFICATION", payload: {}, timeout: 60 });
    const later = new Date(clock.now().getTime() + 120_000);
    restoreClock = clock.set(() => later);
    await applyCommand(org.orgId, workflowId, { type: "TIME_OUT", taskId: task_id, sessionLimitSeconds: 1200 }, { actor: "cron", requestId: null });
    const res = await postCallback(callback_url, { result: "SUCCESS", result_data: { score: 1 } });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ late_result: true, status: "COMPLETED", task_status: "TIMED_OUT" });
    expect(await view(workflowId)).toMatchObject({ status: "COMPLETED", task_late_result: true, task_result_success: true });
    expect(await eventTypes(workflowId)).toEqual(["WORKFLOW_INITIATED", "TASK_DISPATCHED", "TASK_TIMED_OUT", "LATE_RESULT"]);
    const prisma = await db();
    const escalations = await prisma.delivery.findMany({ where: { taskId: task_id, kind: "ESCALATE" } });
    expect(escalations.map((d) => d.status)).toEqual(["SUPERSEDED"]);
  });

  it("keeps a late result even when the escalation is recorded between its read and its write", async () => {
    const workflowId = await startWorkflow();
    const { task_id } = await startTask(workflowId, { task_type: "FRAUD_VERIFICATION", payload: {}, timeout: 60 });
    const later = new Date(clock.now().getTime() + 120_000);
    restoreClock = clock.set(() => later);
    await applyCommand(org.orgId, workflowId, { type: "TIME_OUT", taskId: task_id, sessionLimitSeconds: 1200 }, { actor: "cron", requestId: null });
    const prisma = await db();
    const readByCallback = await loadWorkflow(prisma, org.orgId, workflowId);
    await applyCommand(org.orgId, workflowId, { type: "ESCALATION_DELIVERED", taskId: task_id, path: "FLOW" }, { actor: "cron", requestId: null });
    const result = interpretCallbackResult({ result: "SUCCESS", result_data: { score: 1 } })!;
    const applied = await applyCommand(
      org.orgId,
      workflowId,
      { type: "RECORD_RESULT", taskId: task_id, expectedVersion: readByCallback.workflow.version, result },
      { actor: "callback", requestId: null },
      { loaded: readByCallback },
    );
    expect(applied.task).toMatchObject({ lateResult: true, resultData: { score: 1 } });
    expect((await eventTypes(workflowId)).slice(-2)).toEqual(["ESCALATED", "LATE_RESULT"]);
  });

  it("is a 404 for an unknown workflow", async () => {
    const unknown = randomUUID();
    const res = await postCallback(`http://longrun.test/api/v1/webhooks/flow/callback/${unknown}?version=1`, { result: "SUCCESS" });
    expect(res.status).toBe(404);
  });
});

describe("heartbeats", () => {
  it("extend the deadline by the heartbeat timeout, keep the callback's version valid, and are signed", async () => {
    const start = new Date("2026-11-27T12:00:00.000Z");
    let now = start;
    restoreClock = clock.set(() => now);
    const workflowId = await startWorkflow();
    const { task_id, callback_url } = await startTask(workflowId, { task_type: "CREDIT_CHECK", payload: {}, dispatch: false });
    now = new Date(start.getTime() + 100_000);
    const path = `/api/v1/workflows/${workflowId}/tasks/${task_id}/heartbeat`;
    const res = await call(heartbeat, path, { params: { id: workflowId, taskId: task_id }, rawBody: "", headers: signed(org.signingSecret, "") });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ deadline_at: new Date(now.getTime() + 60_000).toISOString() });
    expect((await view(workflowId)).deadline_at).toBe(new Date(now.getTime() + 60_000).toISOString());

    const unsigned = await call(heartbeat, path, { params: { id: workflowId, taskId: task_id }, rawBody: "" });
    expect(unsigned.status).toBe(401);
    expect((await postCallback(callback_url, { result: "SUCCESS" })).status).toBe(200);
  });

  it("and deliveries do not undo each other: a write that read an older row decides again on a fresh one", async () => {
    const start = new Date("2026-11-27T12:00:00.000Z");
    let now = start;
    restoreClock = clock.set(() => now);
    const prisma = await db();
    const asCallback = { actor: "callback" as const, requestId: null };
    const asOutbox = { actor: "outbox" as const, requestId: null };
    const taskOf = (id: string) => prisma.task.findUniqueOrThrow({ where: { id } });

    // The outbox reads, a heartbeat extends the deadline, then the outbox writes "delivered".
    const first = await startWorkflow();
    const { task_id: firstTask } = await startTask(first, { task_type: "CREDIT_CHECK", payload: {} });
    const readByOutbox = await loadWorkflow(prisma, org.orgId, first);
    expect(readByOutbox.task?.status).toBe("QUEUED");
    // Late enough that the heartbeat (60 s) reaches past the task's own deadline (120 s).
    now = new Date(start.getTime() + 100_000);
    await applyCommand(org.orgId, first, { type: "HEARTBEAT", taskId: firstTask }, asCallback);
    const extended = new Date(now.getTime() + 60_000);
    await applyCommand(org.orgId, first, { type: "TASK_DELIVERED", taskId: firstTask }, asOutbox, { loaded: readByOutbox });
    expect(await taskOf(firstTask)).toMatchObject({ status: "ACCEPTED", deadlineAt: extended });
    expect((await view(first)).deadline_at).toBe(extended.toISOString());

    // A heartbeat reads, the outbox writes "delivered", then the heartbeat writes.
    now = start;
    const second = await startWorkflow();
    const { task_id: secondTask } = await startTask(second, { task_type: "CREDIT_CHECK", payload: {} });
    const readByHeartbeat = await loadWorkflow(prisma, org.orgId, second);
    await applyCommand(org.orgId, second, { type: "TASK_DELIVERED", taskId: secondTask }, asOutbox);
    now = new Date(start.getTime() + 110_000);
    await applyCommand(org.orgId, second, { type: "HEARTBEAT", taskId: secondTask }, asCallback, { loaded: readByHeartbeat });
    expect(await taskOf(secondTask)).toMatchObject({ status: "ACCEPTED", deadlineAt: new Date(now.getTime() + 60_000) });
  });
});
