// The callback queue by name (issue 14, part 5): the settings keep the name
// of the queue the admin picked beside its id, the callback Longrun schedules
// records it, and the agent's panel says which queue will call the customer
// back — "the callback queue" when nobody knows its name, and never the name
// of another queue.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as ended } from "@/app/api/v1/conversations/[conversationId]/ended/route";
import { GET as getSettings, PUT as putSettings } from "@/app/api/admin/settings/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { speechFor, translator } from "@/lib/i18n/messages";
import { clockTime } from "@/lib/i18n/format";
import { configureOrg } from "@/lib/orgs/org-configuration";
import { readOrgSettings, settingsForTaskType, type OrgSettings } from "@/lib/orgs/org-settings";
import { processOutbox } from "@/lib/outbox/process-outbox";
import "@/lib/outbox/handlers";
import { loadConversationSnapshot } from "@/lib/panel/conversation-snapshot";
import { guidance } from "@/lib/panel/status-words";
import { stopWorkflowChanges } from "@/lib/realtime/workflow-changes";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { adminCookie } from "@/test/support/admin-session";
import { startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";
import { call, jsonOf, newOrg, workflowBody } from "@/test/support/api";

let genesys: GenesysFake;

beforeAll(() => {
  genesys = startGenesysFake();
});
afterAll(async () => {
  await stopWorkflowChanges();
  genesys.close();
});

const speech = speechFor(["en-US"], "UTC");
const t = translator(speech);
const time = (iso: string) => clockTime(iso, speech);

interface SettingsView {
  orchestratorUrl: string | null;
  settings: OrgSettings;
  sourceCidrs: string[];
}

describe("the callback queue's name in the settings API", () => {
  it("is saved beside the id (org-wide and per task type), read back, and refused without the id it names", async () => {
    const org = await newOrg();
    const cookie = await adminCookie(org.orgId);
    const put = (settings: unknown) => call(putSettings, "/api/admin/settings", { method: "PUT", body: { orchestratorUrl: null, sourceCidrs: [], settings }, headers: { cookie } });
    const queueId = randomUUID();
    const fraudQueueId = randomUUID();

    const saved = await put({ callbackQueueId: queueId, callbackQueueName: "Card Callbacks", taskTypes: { FRAUD_VERIFICATION: { callbackQueueId: fraudQueueId, callbackQueueName: "Fraud Callbacks" } } });
    expect(saved.status, await saved.clone().text()).toBe(200);
    const view = await jsonOf<SettingsView>(await call(getSettings, "/api/admin/settings", { headers: { cookie } }));
    expect(view.settings).toMatchObject({ callbackQueueId: queueId, callbackQueueName: "Card Callbacks", taskTypes: { FRAUD_VERIFICATION: { callbackQueueId: fraudQueueId, callbackQueueName: "Fraud Callbacks" } } });

    // Stored on the org row, and each task type gets the name of its own queue.
    const prisma = await db();
    const row = readOrgSettings((await prisma.org.findUniqueOrThrow({ where: { id: org.orgId } })).settings);
    expect(settingsForTaskType(row, "FRAUD_VERIFICATION")).toMatchObject({ callbackQueueId: fraudQueueId, callbackQueueName: "Fraud Callbacks" });
    expect(settingsForTaskType(row, "CREDIT_CHECK")).toMatchObject({ callbackQueueId: queueId, callbackQueueName: "Card Callbacks" });

    // A task type with its own queue but no name does not borrow the org's name (another queue).
    expect((await put({ callbackQueueId: queueId, callbackQueueName: "Card Callbacks", taskTypes: { FRAUD_VERIFICATION: { callbackQueueId: fraudQueueId } } })).status).toBe(200);
    const unnamed = readOrgSettings((await prisma.org.findUniqueOrThrow({ where: { id: org.orgId } })).settings);
    expect(settingsForTaskType(unnamed, "FRAUD_VERIFICATION")).toMatchObject({ callbackQueueId: fraudQueueId, callbackQueueName: null });

    // A name without the queue it names, or a name on two lines, is a 400 that changes nothing.
    for (const bad of [{ callbackQueueName: "Orphan Queue", taskTypes: {} }, { taskTypes: { KYC: { callbackQueueName: "Orphan" } } }, { callbackQueueId: queueId, callbackQueueName: "Two\nlines", taskTypes: {} }]) {
      const refused = await put(bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect((await jsonOf<{ error: { code: string } }>(refused)).error.code).toBeTruthy();
    }
    const after = readOrgSettings((await prisma.org.findUniqueOrThrow({ where: { id: org.orgId } })).settings);
    expect(after).toEqual(unnamed);
  });
});

async function orgWithQueue(settings: Partial<OrgSettings>) {
  const org = await newOrg();
  await configureOrg(org.orgId, { genesysClientId: `gc-${randomUUID().slice(0, 8)}`, genesysClientSecret: "s3cret", settings: { taskTimeoutSeconds: 300, taskTypes: {}, ...settings } as OrgSettings }, "test");
  return org;
}

/** A customer hangs up while the task runs; at the deadline Longrun schedules a Genesys callback. */
async function callbackScheduled(org: Awaited<ReturnType<typeof orgWithQueue>>) {
  let now = new Date("2026-11-27T12:00:00.000Z");
  const restore = clock.set(() => now);
  try {
    const body = workflowBody({ timestamp: now.toISOString() });
    expect((await call(initiate, "/x", { body, token: org.token })).status).toBe(201);
    expect((await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 60 }, token: org.token })).status).toBe(202);
    expect((await call(ended, "/x", { params: { conversationId: body.conversation_id }, token: org.token, body: { ani: "tel:+15557654321" } })).status).toBe(200);
    now = new Date(now.getTime() + 61_000);
    await sweepTimeouts();
    await processOutbox();
    return body;
  } finally {
    restore();
  }
}

describe("a callback Longrun scheduled", () => {
  it("records the queue's name, and the panel's guidance names it", async () => {
    const queueId = randomUUID();
    const org = await orgWithQueue({ callbackQueueId: queueId, callbackQueueName: "Card Callbacks" });
    const body = await callbackScheduled(org);
    const sent = genesys.requests.find((r) => r.path === "/api/v2/conversations/callbacks" && (r.body as { data?: { workflow_id?: string } }).data?.workflow_id === body.workflow_id);
    expect(sent?.body).toMatchObject({ queueId });

    const prisma = await db();
    const escalated = await prisma.event.findFirstOrThrow({ where: { orgId: org.orgId, workflowId: body.workflow_id, type: "ESCALATED" } });
    expect(escalated.data).toMatchObject({ path: "CALLBACK", queue_id: queueId, queue_name: "Card Callbacks" });

    const panel = (await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!;
    expect(panel).toMatchObject({ status: "CALLBACK_SCHEDULED", escalation: { path: "CALLBACK", callback_queue: "Card Callbacks" } });
    expect(guidance(panel, t, time)!.next).toMatch(/^Genesys calls the customer back on \S+ as soon as an agent of Card Callbacks is free \(requested at /);

    // Renamed in the settings later: the callback keeps the name it was scheduled with.
    await configureOrg(org.orgId, { settings: { taskTimeoutSeconds: 300, taskTypes: {}, callbackQueueId: randomUUID(), callbackQueueName: "Other Queue" } as OrgSettings }, "test");
    expect((await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!.escalation?.callback_queue).toBe("Card Callbacks");
  });

  it("falls back to 'the callback queue' when the settings have no name, and never names another queue", async () => {
    const queueId = randomUUID();
    const org = await orgWithQueue({ callbackQueueId: queueId });
    const body = await callbackScheduled(org);
    const panel = (await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!;
    expect(panel.escalation).toMatchObject({ path: "CALLBACK", callback_queue: null });
    expect(guidance(panel, t, time)!.next).toContain("as soon as an agent of the callback queue is free");

    // The admin names the same queue afterwards: the panel may use that name (same id)…
    await configureOrg(org.orgId, { settings: { taskTimeoutSeconds: 300, taskTypes: {}, callbackQueueId: queueId, callbackQueueName: "Card Callbacks" } as OrgSettings }, "test");
    expect((await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!.escalation?.callback_queue).toBe("Card Callbacks");
    // …but not the name of a queue the callback was not put in.
    await configureOrg(org.orgId, { settings: { taskTimeoutSeconds: 300, taskTypes: {}, callbackQueueId: randomUUID(), callbackQueueName: "Other Queue" } as OrgSettings }, "test");
    expect((await loadConversationSnapshot(org.orgId, body.conversation_id)).workflows[0]!.escalation?.callback_queue).toBeNull();
  });
});
