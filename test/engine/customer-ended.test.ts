// Customer-disconnect events (issue 14, part 1): the wizard's trigger step
// against the stand-in (which refuses malformed triggers), the ended data
// action, and escalations that use the recorded end instead of reading the
// conversation from Genesys.
import { randomUUID } from "node:crypto";
import { http, HttpResponse, passthrough } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as ended } from "@/app/api/v1/conversations/[conversationId]/ended/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { GET as events } from "@/app/api/v1/workflows/[id]/events/route";
import { dataActionFile, dataActions } from "@/lib/api/data-action-contracts";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { customerEndedTopic } from "@/lib/genesys/install-customer-ended-trigger";
import { installPlatform } from "@/lib/genesys/install-platform";
import { runInstallStep, uninstall, type InstallContext } from "@/lib/genesys/install-steps";
import { configureOrg } from "@/lib/orgs/org-configuration";
import type { OrgSettings } from "@/lib/orgs/org-settings";
import { processOutbox } from "@/lib/outbox/process-outbox";
import "@/lib/outbox/handlers";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { loadConversationSnapshot } from "@/lib/panel/conversation-snapshot";
import { call, jsonOf, newOrg, workflowBody, type TestOrg } from "@/test/support/api";
import { createPlatformFake, type PlatformFake } from "@/test/support/genesys-stand-in";
import { renderVelocity } from "@/test/support/velocity";

const adminToken = "admin-user-token";
const seen: Array<{ method: string; path: string; body: unknown }> = [];
let fake: PlatformFake;
const conversations = new Map<string, Record<string, unknown>>();

// One msw server: the install platform fake on /api/v2, plus the escalation calls (login, conversations, callbacks).
const server = setupServer(
  // The orchestrator stand-in is a real loopback server.
  http.all(/^http:\/\/127\.0\.0\.1[:/]/, () => passthrough()),
  http.post("https://login.mypurecloud.com/oauth/token", () => HttpResponse.json({ access_token: "org-token", token_type: "bearer", expires_in: 86400 })),
  http.all(/^https:\/\/api\.mypurecloud\.com\/api\/v2\/.*/, async ({ request }) => {
    const url = new URL(request.url);
    const text = await request.text();
    seen.push({ method: request.method, path: url.pathname, body: text ? (JSON.parse(text) as unknown) : null });
    if (request.method === "GET" && url.pathname.startsWith("/api/v2/conversations/")) {
      const conversation = conversations.get(url.pathname.split("/").pop()!);
      return conversation ? HttpResponse.json(conversation) : HttpResponse.json({ message: "not found" }, { status: 404 });
    }
    if (request.method === "POST" && url.pathname === "/api/v2/conversations/callbacks") {
      return HttpResponse.json({ conversation: { id: randomUUID() }, callbackIdentifiers: [] });
    }
    const reply = fake.handle(request.method, url.pathname, url.searchParams, text);
    return reply.status === 204 ? new HttpResponse(null, { status: 204 }) : HttpResponse.json(reply.body as Record<string, unknown>, { status: reply.status });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  seen.length = 0;
});
afterAll(() => server.close());

function context(orgId: string): InstallContext {
  return {
    orgId,
    orgName: "Acme",
    region: "mypurecloud.com",
    userId: randomUUID(),
    actor: "admin:Ada Admin (u-1)",
    publicBaseUrl: "https://longrun.example.test",
    platform: installPlatform("mypurecloud.com", adminToken),
    accessToken: adminToken,
  };
}

describe("the install wizard's customer-ended step", () => {
  it("creates the trigger on customer.end targeting the published workflow (TopLevelPrimitives), finds it on a re-run and repairs a disabled one", async () => {
    fake = createPlatformFake();
    const org = await newOrg();
    const ctx = context(org.orgId);
    const workflow = fake.processAutomation.records.flows[0]!;

    const first = await runInstallStep("customer-ended", ctx);
    expect(first).toMatchObject({ status: "created", details: { workflowId: workflow.id, topic: customerEndedTopic } });
    const create = seen.find((r) => r.method === "POST" && r.path === "/api/v2/processautomation/triggers")!;
    expect(create.body).toEqual({
      name: "Longrun Customer Ended",
      topicName: "v2.detail.events.conversation.{id}.customer.end",
      enabled: true,
      target: { type: "Workflow", id: workflow.id, workflowTargetSettings: { dataFormat: "TopLevelPrimitives" } },
      description: expect.stringContaining("Longrun"),
    });
    expect(seen.find((r) => r.path === "/api/v2/flows")).toBeDefined();

    expect((await runInstallStep("customer-ended", ctx)).status).toBe("found");
    expect(fake.processAutomation.records.triggers).toHaveLength(1);

    fake.processAutomation.records.triggers[0]!.enabled = false;
    expect((await runInstallStep("customer-ended", ctx)).status).toBe("updated");
    expect(fake.processAutomation.records.triggers[0]).toMatchObject({ enabled: true, version: 2 });

    const removed = await uninstall(ctx);
    expect(removed.removed).toContain('trigger "Longrun Customer Ended"');
    expect(fake.processAutomation.records.triggers).toHaveLength(0);
  });

  it("fails with what to do when the workflow is not published, and succeeds on retry once it is", async () => {
    fake = createPlatformFake();
    const org = await newOrg();
    const published = fake.processAutomation.records.flows[0]!;
    fake.processAutomation.records.flows[0] = { ...published, publishedVersion: null };
    const failed = await runInstallStep("customer-ended", context(org.orgId));
    expect(failed.status).toBe("failed");
    expect(failed.summary).toContain("genesys/flows/longrun-customer-ended.yaml");
    expect(seen.some((r) => r.method === "POST" && r.path.includes("triggers"))).toBe(false);
    fake.processAutomation.records.flows[0] = published;
    expect((await runInstallStep("customer-ended", context(org.orgId))).status).toBe("created");
  });

  it("the stand-in refuses malformed triggers as Genesys does", () => {
    fake = createPlatformFake();
    const workflowId = fake.processAutomation.records.flows[0]!.id;
    const good = { name: "t", topicName: customerEndedTopic, enabled: true, target: { type: "Workflow", id: workflowId, workflowTargetSettings: { dataFormat: "TopLevelPrimitives" } } };
    const post = (body: unknown) => fake.handle("POST", "/api/v2/processautomation/triggers", new URLSearchParams(), JSON.stringify(body));
    const bad: Array<[string, unknown]> = [
      ["no name", { ...good, name: "" }],
      ["unknown topic", { ...good, topicName: "v2.conversations.{id}.ended" }],
      ["no enabled", { ...good, enabled: undefined }],
      ["a queue as target", { ...good, target: { type: "Queue", id: workflowId } }],
      ["an unknown workflow", { ...good, target: { ...good.target, id: randomUUID() } }],
      ["a bad data format", { ...good, target: { ...good.target, workflowTargetSettings: { dataFormat: "Xml" } } }],
      ["a TTL under 10 s", { ...good, eventTTLSeconds: 5 }],
      ["TTL and delay together", { ...good, eventTTLSeconds: 60, delayBySeconds: 60 }],
    ];
    for (const [why, body] of bad) expect(post(body).status, why).toBe(400);
    expect(post(good).status).toBe(200);
    const id = fake.processAutomation.records.triggers[0]!.id;
    const put = (body: unknown) => fake.handle("PUT", `/api/v2/processautomation/triggers/${id}`, new URLSearchParams(), JSON.stringify(body));
    expect(put({ ...good, version: 7 }).status).toBe(409);
    expect(put({ ...good, topicName: "v2.detail.events.conversation.{id}.agent.end", version: 1 }).status).toBe(400);
  });
});

describe("POST /api/v1/conversations/{conversationId}/ended", () => {
  let org: TestOrg;
  let restore: () => void = () => undefined;
  beforeEach(() => restore());

  async function orgWithGenesys(settings: Partial<OrgSettings>) {
    const created = await newOrg({ orchestratorUrl: "http://127.0.0.1:9/unused" });
    await configureOrg(created.orgId, { genesysClientId: `gc-${randomUUID().slice(0, 8)}`, genesysClientSecret: "s3cret", settings: { taskTimeoutSeconds: 300, taskTypes: {}, ...settings } as OrgSettings }, "test");
    return created;
  }

  it("is what the data action sends: records the end once, answers flat fields, and a redelivery changes nothing", async () => {
    org = await newOrg();
    const conversationId = randomUUID();
    const action = dataActions.find((a) => a.operationId === "conversationEnded")!;
    const file = dataActionFile(action) as { config: { request: { requestTemplate: string; requestUrlTemplate: string } } };
    const bodyText = renderVelocity(file.config.request.requestTemplate, { input: { conversation_id: conversationId, ani: "tel:+15557654321" } });
    const path = file.config.request.requestUrlTemplate.replace("https://longrun.example.com", "").replace("${input.conversation_id}", conversationId);
    const send = () => call(ended, path, { params: { conversationId }, rawBody: bodyText, headers: { "content-type": "application/json" }, token: org.token });

    const first = await send();
    expect(first.status, await first.clone().text()).toBe(200);
    const answer = await jsonOf<Record<string, unknown>>(first);
    expect(answer).toMatchObject({ conversation_id: conversationId, session_state: "ENDED", already_known: false, open_workflows: 0 });
    for (const value of Object.values(answer)) expect(["string", "number", "boolean"]).toContain(typeof value);
    const again = await jsonOf(await send());
    expect(again).toMatchObject({ already_known: true, ended_at: answer.ended_at });
    const prisma = await db();
    expect(await prisma.conversationEnd.findUniqueOrThrow({ where: { orgId_conversationId: { orgId: org.orgId, conversationId } } })).toMatchObject({ customerAddress: "+15557654321" });

    expect((await call(ended, "/x", { params: { conversationId: "not-a-uuid" }, token: org.token, rawBody: "" })).status).toBe(400);
    expect((await call(ended, "/x", { params: { conversationId }, token: org.token, body: { ended_at: "yesterday" } })).status).toBe(400);
    expect((await call(ended, "/x", { params: { conversationId }, rawBody: "" })).status).toBe(401);
    const reader = await newOrg({ scope: "workflows:read" });
    expect((await call(ended, "/x", { params: { conversationId }, token: reader.token, rawBody: "" })).status).toBe(403);
  });

  it("lets a timeout take the session-ended path without reading the conversation: callback to the number the event carried", async () => {
    const queueId = randomUUID();
    org = await orgWithGenesys({ callbackQueueId: queueId, timeoutHandlerFlowId: randomUUID() });
    let now = new Date("2026-11-27T12:00:00.000Z");
    restore = clock.set(() => now);
    const body = workflowBody({ timestamp: now.toISOString(), context: {} });
    await call(initiate, "/x", { body, token: org.token });
    await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 60 }, token: org.token });
    // Genesys would say "connected" if asked: the event is what counts.
    conversations.set(body.conversation_id, { id: body.conversation_id, participants: [{ purpose: "customer", ani: "tel:+15550000000", calls: [{ state: "connected" }] }] });
    const before = await jsonOf<{ session_state: string; version: number }>(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: org.token }));
    expect(before.session_state).toBe("ACTIVE");
    const res = await call(ended, "/x", { params: { conversationId: body.conversation_id }, token: org.token, body: { ani: "tel:+15557654321" } });
    expect(await jsonOf(res)).toMatchObject({ open_workflows: 1 });
    // Marked ENDED with an event; the version in the task's callback URL stays valid.
    const after = await jsonOf<{ session_state: string; version: number; status: string }>(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: org.token }));
    expect(after).toMatchObject({ session_state: "ENDED", status: "PENDING", version: before.version });
    await call(ended, "/x", { params: { conversationId: body.conversation_id }, token: org.token, rawBody: "" });
    const log = async () => (await jsonOf<{ events: Array<{ type: string; actor: string; data: Record<string, string> | null }> }>(await call(events, "/x", { params: { id: body.workflow_id }, token: org.token }))).events;
    expect((await log()).filter((e) => e.type === "CUSTOMER_ENDED")).toEqual([expect.objectContaining({ actor: "data-action" })]);

    now = new Date(now.getTime() + 61_000);
    await sweepTimeouts();
    await processOutbox();
    expect(seen.some((r) => r.method === "GET" && r.path.startsWith("/api/v2/conversations/"))).toBe(false);
    expect(seen.some((r) => r.path === "/api/v2/flows/executions")).toBe(false);
    const callback = seen.find((r) => r.path === "/api/v2/conversations/callbacks")!;
    expect(callback.body).toMatchObject({ queueId, callbackNumbers: ["+15557654321"] });
    expect((await log()).find((e) => e.type === "TASK_TIMED_OUT")?.data).toMatchObject({ path: "CALLBACK" });

    // The callback is a new conversation: its panel shows the workflow, and where it came from.
    const callbackConversationId = (await log()).find((e) => e.type === "ESCALATED")!.data!.callback_conversation_id!;
    expect(callbackConversationId).toMatch(/^[0-9a-f-]{36}$/);
    const panel = await loadConversationSnapshot(org.orgId, callbackConversationId);
    expect(panel.workflows.map((w) => [w.workflow_id, w.status, w.session_state])).toEqual([[body.workflow_id, "CALLBACK_SCHEDULED", "ENDED"]]);
    expect(panel.workflows[0]!.came_from).toEqual({ kind: "callback", conversation_id: body.conversation_id });
    // The original conversation's panel shows it too, without the line.
    expect((await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!.came_from).toBeNull();
    // A retried escalation does not link it twice.
    const prisma = await db();
    expect(await prisma.workflowConversation.count({ where: { orgId: org.orgId, workflowId: body.workflow_id } })).toBe(1);
  });
});

describe("delivery_state in GET /api/v1/workflows/{id}", () => {
  it("shows a dead-lettered dispatch and escalation as failures, with the error in words and the next step", async () => {
    const { startOrchestrator } = await import("@/test/support/orchestrator");
    const orchestrator = await startOrchestrator();
    try {
      orchestrator.respondWith(400);
      const org = await newOrg({ orchestratorUrl: orchestrator.url });
      const body = workflowBody();
      await call(initiate, "/x", { body, token: org.token });
      await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {} }, token: org.token });
      const view = async () => jsonOf<Record<string, unknown>>(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: org.token }));
      expect(await view()).toMatchObject({ delivery_state: "PENDING", delivery_kind: "DISPATCH_TASK" });
      expect((await view()).delivery_error).toBeUndefined();
      await processOutbox();
      const dead = await view();
      expect(dead).toMatchObject({ status: "PENDING", delivery_state: "DEAD", delivery_kind: "DISPATCH_TASK" });
      expect(dead.delivery_error).toMatch(/^the external system for Fraud verification refused the request: HTTP 400/);
      expect(dead.delivery_next_step).toContain("the task never started");
    } finally {
      await orchestrator.close();
    }
  });

  it("says so when Genesys refused the escalation", async () => {
    const created = await newOrg({ orchestratorUrl: "http://127.0.0.1:9/unused" });
    await configureOrg(created.orgId, { genesysClientId: `gc-${randomUUID().slice(0, 8)}`, genesysClientSecret: "s3cret", settings: { taskTimeoutSeconds: 300, taskTypes: {}, timeoutHandlerFlowId: randomUUID() } as OrgSettings }, "test");
    let now = new Date("2026-11-27T12:00:00.000Z");
    const restore = clock.set(() => now);
    try {
      const body = workflowBody({ timestamp: now.toISOString() });
      await call(initiate, "/x", { body, token: created.token });
      await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 60 }, token: created.token });
      conversations.set(body.conversation_id, { id: body.conversation_id, participants: [{ purpose: "customer", ani: "tel:+15550000000", calls: [{ state: "connected" }] }] });
      // The flow launch is refused (400): no retry can fix it.
      server.use(http.post("https://api.mypurecloud.com/api/v2/flows/executions", () => HttpResponse.json({ message: "flow is not published" }, { status: 400 })));
      now = new Date(now.getTime() + 61_000);
      await sweepTimeouts();
      await processOutbox();
      const view = await jsonOf<Record<string, string>>(await call(getWorkflow, "/x", { params: { id: body.workflow_id }, token: created.token }));
      expect(view).toMatchObject({ status: "TIMED_OUT", delivery_state: "DEAD", delivery_kind: "ESCALATE" });
      expect(view.delivery_error).toContain("Genesys refused the escalation");
      expect(view.delivery_error).toContain("flow is not published");
      expect(view.delivery_next_step).toContain("transfer the call to the specialists yourself");
    } finally {
      restore();
      server.resetHandlers();
    }
  });
});
