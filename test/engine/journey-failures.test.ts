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
import { startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";
import { call, jsonOf, newOrg, workflowBody } from "@/test/support/api";

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
