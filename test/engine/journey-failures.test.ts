// Failures shown as failures (issue 14, part 4): a dispatch the orchestrator
// refused and an escalation Genesys refused become dead letters that the
// panel's snapshot, the flat GET for Architect and the admin dashboard's
// search all report as what they are, with the error in words and the next
// step; the panel hears of it live, and a re-drive takes it back.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as ended } from "@/app/api/v1/conversations/[conversationId]/ended/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as callbackRoute } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { kindWords } from "@/lib/admin/admin-words";
import { workflowDetail } from "@/lib/admin/workflow-search";
import { speechFor, translator } from "@/lib/i18n/messages";
import { clockTime } from "@/lib/i18n/format";
import { listDeadLetters } from "@/lib/outbox/dead-letters";
import { deliveryFailureWords, guidance, headline, statusOf } from "@/lib/panel/status-words";
import { searchWorkflows, workflowSearchSchema } from "@/lib/admin/workflow-search";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { configureOrg } from "@/lib/orgs/org-configuration";
import type { OrgSettings } from "@/lib/orgs/org-settings";
import { retryDeadLetter } from "@/lib/outbox/dead-letters";
import { processOutbox } from "@/lib/outbox/process-outbox";
import "@/lib/outbox/handlers";
import { loadConversationSnapshot } from "@/lib/panel/conversation-snapshot";
import { stopWorkflowChanges, subscribeConversation } from "@/lib/realtime/workflow-changes";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { connectedConversation, startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";
import { call, jsonOf, newOrg, signed, workflowBody } from "@/test/support/api";

let genesys: GenesysFake;
let orchestrator: Orchestrator;

beforeAll(async () => {
  genesys = startGenesysFake();
  orchestrator = await startOrchestrator();
});
afterAll(async () => {
  await stopWorkflowChanges();
  genesys.close();
  await orchestrator.close();
});

async function orgWith(settings: Partial<OrgSettings>, genesysClient = true) {
  const org = await newOrg({ orchestratorUrl: orchestrator.url });
  await configureOrg(
    org.orgId,
    { ...(genesysClient ? { genesysClientId: `gc-${randomUUID().slice(0, 8)}`, genesysClientSecret: "s3cret" } : {}), settings: { taskTimeoutSeconds: 300, taskTypes: {}, ...settings } as OrgSettings },
    "test",
  );
  return org;
}

const dashboardRow = async (orgId: string, conversationId: string) => (await searchWorkflows(orgId, workflowSearchSchema.parse({ conversationId }))).workflows[0]!;

describe("a dispatch the orchestrator refused", () => {
  it("is a failure in the panel, the flat GET and the dashboard, heard live, and gone once re-driven", async () => {
    const org = await orgWith({ taskTypes: { FRAUD_VERIFICATION: { specialistQueueName: "Fraud Specialists" } } }, false);
    orchestrator.respondWith({ status: 422 });
    const body = workflowBody();
    expect((await call(initiate, "/x", { body, token: org.token })).status).toBe(201);
    expect((await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {} }, token: org.token })).status).toBe(202);
    expect((await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!.delivery_failure).toBeNull();

    // The panel's stream listens on the conversation: the dead letter wakes it like any committed change.
    const woken: string[] = [];
    const unsubscribe = await subscribeConversation(org.orgId, body.conversation_id, (reason) => woken.push(reason));
    try {
      expect(await processOutbox()).toMatchObject({ dead: 1 });
      await expect.poll(() => woken, { timeout: 20_000 }).toContain("change");
    } finally {
      unsubscribe();
    }

    const panel = (await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!;
    expect(panel).toMatchObject({ status: "PENDING", specialist_queue: "Fraud Specialists", delivery_failure: { kind: "DISPATCH_TASK", http_status: 422 } });
    expect(panel.task?.status).toBe("QUEUED");
    expect(panel.delivery_failure!.error).toContain("422");

    const view = await jsonOf<Record<string, unknown>>(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: org.token }));
    expect(view).toMatchObject({ status: "PENDING", delivery_state: "DEAD", delivery_kind: "DISPATCH_TASK" });
    expect(view.delivery_error).toMatch(/^the external system for Fraud verification refused the request: HTTP 422/);
    expect(view.delivery_next_step).toContain("transfer the customer to Fraud Specialists");

    const row = await dashboardRow(org.orgId, body.conversation_id);
    expect(row).toMatchObject({ id: body.workflow_id, status: "PENDING", deliveryFailure: { kind: "DISPATCH_TASK", http_status: 422 } });

    // An admin re-drives it and the orchestrator takes it this time: no failure anywhere any more.
    const prisma = await db();
    const dead = await prisma.delivery.findFirstOrThrow({ where: { orgId: org.orgId, workflowId: body.workflow_id, status: "DEAD" } });
    orchestrator.respondWith(202);
    await retryDeadLetter(org.orgId, dead.id);
    expect((await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!.delivery_failure).toBeNull();
    await processOutbox();
    const after = (await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!;
    expect(after.delivery_failure).toBeNull();
    expect(after.task?.status).toBe("ACCEPTED");
    expect((await dashboardRow(org.orgId, body.conversation_id)).deliveryFailure).toBeNull();
    expect(await jsonOf(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: org.token }))).toMatchObject({ delivery_state: "DELIVERED" });
  });

  it("never shows another org's dead letter", async () => {
    const org = await orgWith({}, false);
    orchestrator.respondWith({ status: 400 });
    const body = workflowBody();
    await call(initiate, "/x", { body, token: org.token });
    await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "CREDIT_CHECK", payload: {} }, token: org.token });
    await processOutbox();
    const other = await orgWith({}, false);
    expect((await loadConversationSnapshot(other.orgId, body.conversation_id)).workflows).toEqual([]);
    expect((await searchWorkflows(other.orgId, workflowSearchSchema.parse({ conversationId: body.conversation_id }))).workflows).toEqual([]);
    expect((await dashboardRow(org.orgId, body.conversation_id)).deliveryFailure).toMatchObject({ kind: "DISPATCH_TASK", http_status: 400 });
  });
});

describe("an escalation Genesys refused", () => {
  it("is shown as a refused escalation, not 'escalating' forever, with the queue to transfer to", async () => {
    const queueId = randomUUID();
    const org = await orgWith({ callbackQueueId: queueId, specialistQueueName: "Card Specialists" });
    let now = new Date("2026-11-27T12:00:00.000Z");
    const restore = clock.set(() => now);
    try {
      const body = workflowBody({ timestamp: now.toISOString() });
      await call(initiate, "/x", { body, token: org.token });
      await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 60 }, token: org.token });
      // The customer hung up (the ended data action), so the timeout schedules a callback, which Genesys refuses.
      expect((await call(ended, "/x", { params: { conversationId: body.conversation_id }, token: org.token, body: { ani: "tel:+15557654321" } })).status).toBe(200);
      genesys.script("POST /api/v2/conversations/callbacks", { status: 400, body: { status: 400, code: "bad.request", message: "queue is not configured for callbacks" } });
      now = new Date(now.getTime() + 61_000);
      await sweepTimeouts();
      await processOutbox();
      expect(genesys.requests.some((r) => r.path === "/api/v2/conversations/callbacks")).toBe(true);

      const panel = (await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!;
      expect(panel).toMatchObject({ status: "TIMED_OUT", escalation: null, specialist_queue: "Card Specialists", delivery_failure: { kind: "ESCALATE", http_status: 400 } });
      expect(panel.delivery_failure!.error).toContain("queue is not configured for callbacks");

      const view = await jsonOf<Record<string, string>>(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: org.token }));
      expect(view).toMatchObject({ status: "TIMED_OUT", delivery_state: "DEAD", delivery_kind: "ESCALATE" });
      expect(view.delivery_error).toContain("queue is not configured for callbacks");
      expect(view.delivery_next_step).toContain("transfer the call to Card Specialists yourself");

      expect(await dashboardRow(org.orgId, body.conversation_id)).toMatchObject({ status: "TIMED_OUT", deliveryFailure: { kind: "ESCALATE", http_status: 400 } });
    } finally {
      restore();
      genesys.reset();
    }
  });
});

describe("a follow-up Genesys refused", () => {
  const t = translator(speechFor(["en-US"], "UTC"));
  const time = (iso: string) => clockTime(iso, speechFor(["en-US"], "UTC"));

  async function postResult(org: Awaited<ReturnType<typeof orgWith>>, callbackUrl: string, body: unknown) {
    const url = new URL(callbackUrl);
    const raw = JSON.stringify(body);
    return call(callbackRoute, url.pathname + url.search, { params: { id: url.pathname.split("/").pop()! }, rawBody: raw, headers: signed(org.signingSecret, raw) });
  }

  it("a result for a customer who left, whose callback Genesys refused, is shown as not passed on — in the panel, the dashboard, the workflow page and the dead letters — until a re-drive passes it on", async () => {
    const org = await orgWith({ callbackQueueId: randomUUID(), callbackQueueName: "Card Callbacks" });
    const body = workflowBody();
    await call(initiate, "/x", { body, token: org.token });
    const accepted = await jsonOf<{ callback_url: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 600 }, token: org.token }));
    expect((await call(ended, "/x", { params: { conversationId: body.conversation_id }, token: org.token, body: { ani: "tel:+15557654321" } })).status).toBe(200);
    // The result comes in time, but the customer has gone: Longrun must call them back with it, and Genesys refuses.
    genesys.script("POST /api/v2/conversations/callbacks", { status: 400, body: { status: 400, code: "bad.request", message: "callback number is not valid" } });
    try {
      const done = await postResult(org, accepted.callback_url, { result: "SUCCESS" });
      expect(done.status, await done.clone().text()).toBe(200);
      await processOutbox();
      expect(genesys.requests.some((r) => r.path === "/api/v2/conversations/callbacks" && (r.body as { data?: { workflow_id?: string } }).data?.workflow_id === body.workflow_id)).toBe(true);

      const prisma = await db();
      const dead = await prisma.delivery.findFirstOrThrow({ where: { orgId: org.orgId, workflowId: body.workflow_id, kind: "RESULT_FOLLOW_UP" } });
      expect(dead.status).toBe("DEAD");

      // The panel: a failure, not "completed and followed up".
      const panel = (await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!;
      expect(panel).toMatchObject({ status: "COMPLETED", delivery_failure: { kind: "RESULT_FOLLOW_UP", http_status: 400 } });
      expect(panel.delivery_failure!.error).toContain("callback number is not valid");
      expect(panel.events.map((e) => e.type)).not.toContain("RESULT_FOLLOWED_UP");
      expect(statusOf(panel, t)).toEqual({ label: "Result not passed on", tone: "danger" });
      expect(headline(panel, t)).toBe("Fraud verification succeeded, but Longrun could not pass the result on to the customer — nobody has told them yet.");
      expect(guidance(panel, t, time)).toEqual({
        next: "Nothing more happens by itself: the result has not reached the customer, and no callback or message is on its way.",
        tell: "Call the customer back if you can: the check went through and the request can go ahead.",
      });
      expect(deliveryFailureWords(panel.delivery_failure!, t)).toContain("Genesys did not take Longrun's follow-up (HTTP 400)");

      // The admin console: the dashboard's row, the workflow page and the dead letters, in words.
      expect(await dashboardRow(org.orgId, body.conversation_id)).toMatchObject({ status: "COMPLETED", deliveryFailure: { kind: "RESULT_FOLLOW_UP", http_status: 400 } });
      expect((await workflowDetail(org.orgId, body.workflow_id)).deliveryFailure).toMatchObject({ kind: "RESULT_FOLLOW_UP", http_status: 400 });
      const letters = (await listDeadLetters(org.orgId, { limit: 50 })).dead_letters;
      expect(letters.find((d) => d.workflow_id === body.workflow_id)).toMatchObject({ kind: "RESULT_FOLLOW_UP", last_status: 400 });
      expect(kindWords("RESULT_FOLLOW_UP", t)).toBe("Pass the result on to the customer");
      expect(kindWords("LATE_RESULT", t)).toBe("Pass on a late result");

      // The flat GET for Architect: a failure of its own kind, with the error and the next step.
      const flat = await jsonOf<Record<string, unknown>>(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: org.token }));
      expect(flat).toMatchObject({ status: "COMPLETED", delivery_state: "FOLLOW_UP_DEAD", delivery_kind: "RESULT_FOLLOW_UP" });
      expect(flat.delivery_error).toMatch(/^Genesys refused the result's follow-up: /);
      expect(flat.delivery_error).toContain("callback number is not valid");
      expect(flat.delivery_next_step).toContain("call the customer back with it");

      // Re-driven once Genesys takes it: the callback goes out and the failure is gone everywhere.
      genesys.reset();
      await retryDeadLetter(org.orgId, dead.id);
      const after = (await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!;
      expect(after.delivery_failure).toBeNull();
      expect(after.events.map((e) => e.type)).toContain("RESULT_FOLLOWED_UP");
      expect((await dashboardRow(org.orgId, body.conversation_id)).deliveryFailure).toBeNull();
      expect((await workflowDetail(org.orgId, body.workflow_id)).deliveryFailure).toBeNull();
      const passedOn = await jsonOf<Record<string, unknown>>(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: org.token }));
      expect(passedOn.status).toBe("COMPLETED");
      expect(passedOn).not.toHaveProperty("delivery_state");
    } finally {
      genesys.reset();
    }
  });

  it("a late result whose follow-up Genesys refused is shown as not passed on, not as 'the specialist sees it'", async () => {
    const org = await orgWith({ timeoutHandlerFlowId: randomUUID(), specialistQueueName: "Card Specialists" });
    let now = new Date("2026-11-27T12:00:00.000Z");
    const restore = clock.set(() => now);
    try {
      const body = workflowBody({ timestamp: now.toISOString() });
      await call(initiate, "/x", { body, token: org.token });
      const accepted = await jsonOf<{ callback_url: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 60 }, token: org.token }));
      // The customer is on the line at the timeout: the timeout flow goes out.
      genesys.setConversation(body.conversation_id, connectedConversation(body.conversation_id));
      now = new Date(now.getTime() + 61_000);
      await sweepTimeouts();
      await processOutbox();
      expect((await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!.status).toBe("ESCALATED");

      // The result comes late (in the same clock millisecond as the escalation: the follow-up is still the newest delivery);
      // Genesys refuses the flow that was to carry it.
      genesys.script("POST /api/v2/flows/executions", { status: 403, body: { status: 403, code: "missing.permissions", message: "architect:flow:launch is required" } });
      const late = await postResult(org, accepted.callback_url, { result: "FAILED", reason: "card reported stolen" });
      expect(late.status, await late.clone().text()).toBe(200);
      await processOutbox();
      const prisma = await db();
      const dead = await prisma.delivery.findFirstOrThrow({ where: { orgId: org.orgId, workflowId: body.workflow_id, kind: "LATE_RESULT" } });
      expect(dead.status).toBe("DEAD");

      const panel = (await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!;
      expect(panel.delivery_failure).toMatchObject({ kind: "LATE_RESULT", http_status: 403 });
      expect(statusOf(panel, t).label).toBe("Late result not passed on");
      expect(headline(panel, t)).toBe("Fraud verification failed, but Longrun could not pass the result on to the customer — nobody has told them yet.");
      expect(guidance(panel, t, time)!.tell).toBe("Call the customer back if you can: the check did not go through; explain what they can do instead.");
      expect((await dashboardRow(org.orgId, body.conversation_id)).deliveryFailure).toMatchObject({ kind: "LATE_RESULT" });
      expect(guidance(panel, t, time)!.next).not.toContain("sees it");
      // The flat GET: the late result's follow-up, newer than the delivered escalation, is what it reports.
      const flat = await jsonOf<Record<string, unknown>>(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: org.token }));
      expect(flat).toMatchObject({ delivery_state: "FOLLOW_UP_DEAD", delivery_kind: "LATE_RESULT" });
      expect(flat.delivery_error).toMatch(/^Genesys refused the late result's follow-up/);
      expect(flat.delivery_error).toContain("architect:flow:launch is required");
    } finally {
      restore();
      genesys.reset();
    }
  });
});
