// Notices that are real (issue 14, part 3): with a sender configured Longrun
// messages the customer through Genesys agentless SMS or email (request bodies
// asserted against msw, which refuses what Genesys refuses); without one the
// notice is open, admins list and resolve it (audited), and the panel says
// that nobody has told the customer yet.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { GET as events } from "@/app/api/v1/workflows/[id]/events/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { GET as listNoticesRoute } from "@/app/api/admin/notices/route";
import { POST as resolveRoute } from "@/app/api/admin/notices/[id]/resolve/route";
import { PUT as putSettings } from "@/app/api/admin/settings/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { configureOrg } from "@/lib/orgs/org-configuration";
import type { OrgSettings } from "@/lib/orgs/org-settings";
import { processOutbox } from "@/lib/outbox/process-outbox";
import "@/lib/outbox/handlers";
import { loadConversationSnapshot } from "@/lib/panel/conversation-snapshot";
import { headline } from "@/lib/panel/status-words";
import { speechFor, translator } from "@/lib/i18n/messages";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { adminCookie } from "@/test/support/admin-session";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { endedConversation, startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";

/** The panel speaks the agent's language; these checks read it in English. */
const en = translator(speechFor(["en-US"]));

const smsFrom = "+13175550100";

let genesys: GenesysFake;
let now: Date;
let restore: () => void = () => undefined;

async function configuredOrg(settings: Partial<OrgSettings>): Promise<TestOrg> {
  const created = await newOrg({ orchestratorUrl: "http://127.0.0.1:9/unused" });
  const clientId = `gc-client-${randomUUID().slice(0, 8)}`;
  await configureOrg(created.orgId, { genesysClientId: clientId, genesysClientSecret: `secret-${clientId}`, settings: { taskTimeoutSeconds: 300, taskTypes: {}, ...settings } as OrgSettings }, "test");
  return created;
}

beforeAll(() => {
  genesys = startGenesysFake();
});
afterAll(() => genesys.close());
beforeEach(() => {
  genesys.reset();
  restore();
  now = new Date("2026-11-27T12:00:00.000Z");
  restore = clock.set(() => now);
});

async function timedOutWorkflow(org: TestOrg, context: Record<string, unknown>, ani: string | null = "tel:+15551234567") {
  const body = workflowBody({ timestamp: now.toISOString(), context });
  expect((await call(initiate, "/x", { body, token: org.token })).status).toBe(201);
  const res = await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 60 }, token: org.token });
  expect(res.status).toBe(202);
  const conversation = endedConversation(body.conversation_id, ani ?? "") as { participants: Array<Record<string, unknown>> };
  if (ani === null) delete conversation.participants[0]!.ani;
  genesys.setConversation(body.conversation_id, conversation);
  now = new Date(now.getTime() + 61_000);
  await sweepTimeouts();
  await processOutbox();
  return { workflowId: body.workflow_id, conversationId: body.conversation_id, accepted: await jsonOf<{ task_id: string; callback_url: string }>(res) };
}

async function escalatedData(org: TestOrg, workflowId: string) {
  const log = await jsonOf<{ events: Array<{ type: string; data: Record<string, string> | null }> }>(await call(events, "/x", { params: { id: workflowId }, token: org.token }));
  return log.events.find((e) => e.type === "ESCALATED")?.data ?? null;
}

describe("agentless SMS", () => {
  it("tells the customer in their language with the org's template: the exact request Genesys gets, once", async () => {
    const org = await configuredOrg({
      notices: {
        smsFromAddress: smsFrom,
        defaultLanguage: "en",
        templates: { de: { delayed: { text: "Hallo {{customer_name}}, Ihre Anfrage {{reference}} ({{task}}) dauert länger. Wir melden uns." } } },
      },
    });
    const { workflowId, conversationId } = await timedOutWorkflow(org, { language: "de-AT" });
    const sms = genesys.requests.filter((r) => r.path === "/api/v2/conversations/messages/agentless");
    expect(sms).toHaveLength(1);
    const reference = workflowId.slice(0, 8).toUpperCase();
    expect(sms[0]!.body).toEqual({
      fromAddress: smsFrom,
      toAddress: "+15551234567",
      toAddressMessengerType: "sms",
      textBody: `Hallo Pat Customer, Ihre Anfrage ${reference} (Fraud verification) dauert länger. Wir melden uns.`,
    });
    expect(sms[0]!.authorization).toMatch(/^Bearer token-for-gc-client-/);

    expect(await escalatedData(org, workflowId)).toMatchObject({ path: "NOTICE", notice: "sent", channel: "sms", recipient: "+15551234567", timeout_status: "TIMED_OUT" });
    const prisma = await db();
    const [notice] = await prisma.notice.findMany({ where: { orgId: org.orgId, workflowId } });
    expect(notice).toMatchObject({ status: "SENT", channel: "sms", language: "de", kind: "delayed", externalId: expect.stringMatching(/^msg-/) });

    const snapshot = await loadConversationSnapshot(org.orgId, conversationId);
    const panel = snapshot.workflows[0]!;
    expect(panel.notice).toMatchObject({ state: "sent", channel: "sms", recipient: "+15551234567" });
    expect(headline(panel, en)).toBe("Fraud verification did not answer in time. Longrun sent the customer an SMS (+15551234567).");

    // Running the outbox again sends nothing twice.
    await processOutbox();
    expect(genesys.requests.filter((r) => r.path === "/api/v2/conversations/messages/agentless")).toHaveLength(1);
  });

  it("sends the result once it arrives for a customer who has gone (built-in English words)", async () => {
    const org = await configuredOrg({ notices: { smsFromAddress: smsFrom, defaultLanguage: "en", templates: {} } });
    const body = workflowBody({ timestamp: now.toISOString() });
    await call(initiate, "/x", { body, token: org.token });
    const accepted = await jsonOf<{ callback_url: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "CARD_REPLACEMENT", payload: {}, dispatch: false, timeout: 600 }, token: org.token }));
    genesys.setConversation(body.conversation_id, endedConversation(body.conversation_id));
    const url = new URL(accepted.callback_url);
    const raw = JSON.stringify({ result: "SUCCESS" });
    expect((await call(callback, url.pathname + url.search, { params: { id: body.workflow_id }, rawBody: raw, headers: signed(org.signingSecret, raw) })).status).toBe(200);
    await processOutbox();
    const sms = genesys.requests.find((r) => r.path === "/api/v2/conversations/messages/agentless")!;
    expect((sms.body as { textBody: string }).textBody).toBe(`Hello Pat Customer, your request (Card replacement, reference ${body.workflow_id.slice(0, 8).toUpperCase()}) is complete. Call us back if you have any questions.`);
  });

  it("retries when Genesys is unavailable and opens the notice when it refuses the number", async () => {
    const org = await configuredOrg({ notices: { smsFromAddress: smsFrom, defaultLanguage: "en", templates: {} } });
    genesys.script("POST /api/v2/conversations/messages/agentless", { status: 503, body: { message: "try later" } });
    const first = await timedOutWorkflow(org, {});
    const prisma = await db();
    expect(await prisma.notice.count({ where: { orgId: org.orgId, workflowId: first.workflowId } })).toBe(0);
    const escalation = await prisma.delivery.findFirstOrThrow({ where: { orgId: org.orgId, workflowId: first.workflowId, kind: "ESCALATE" } });
    expect(escalation).toMatchObject({ status: "PENDING", lastStatus: 503 });

    genesys.script("POST /api/v2/conversations/messages/agentless", { status: 400, body: { code: "bad.request", message: "fromAddress is not a provisioned SMS number" } });
    now = new Date(escalation.nextAttemptAt.getTime() + 1000);
    await processOutbox();
    const notice = await prisma.notice.findFirstOrThrow({ where: { orgId: org.orgId, workflowId: first.workflowId } });
    expect(notice.status).toBe("OPEN");
    expect(notice.reason).toContain("SMS refused");
    expect(notice.reason).toContain("fromAddress is not a provisioned SMS number");
    expect(await escalatedData(org, first.workflowId)).toMatchObject({ path: "NOTICE", notice: "open" });
  });
});

describe("agentless email", () => {
  it("writes to the address in the workflow's context when no mobile number is known", async () => {
    const org = await configuredOrg({ notices: { smsFromAddress: smsFrom, emailFromAddress: "care@bank.example", emailFromName: "Bank Care", defaultLanguage: "en", templates: {} } });
    const { workflowId } = await timedOutWorkflow(org, { email: "pat@example.com" }, null);
    expect(genesys.requests.some((r) => r.path === "/api/v2/conversations/messages/agentless")).toBe(false);
    const email = genesys.requests.find((r) => r.path === "/api/v2/conversations/emails/agentless")!;
    const reference = workflowId.slice(0, 8).toUpperCase();
    expect(email.body).toEqual({
      senderType: "Outbound",
      fromAddress: { email: "care@bank.example", name: "Bank Care" },
      toAddresses: [{ email: "pat@example.com", name: "Pat Customer" }],
      subject: `Your request ${reference} is taking longer`,
      textBody: `Hello Pat Customer, your request (Fraud verification, reference ${reference}) is taking longer than we said. We have not forgotten it and will contact you as soon as we have the answer.`,
    });
    expect(await escalatedData(org, workflowId)).toMatchObject({ notice: "sent", channel: "email", recipient: "pat@example.com" });
  });
});

describe("open notices", () => {
  it("without a sender: open, listed with a count, resolved with a comment (audited), and the panel says nobody told the customer", async () => {
    const org = await configuredOrg({});
    const { workflowId, conversationId } = await timedOutWorkflow(org, {});
    expect(genesys.requests.some((r) => r.path.includes("agentless"))).toBe(false);

    const panel = (await loadConversationSnapshot(org.orgId, conversationId)).workflows[0]!;
    expect(panel.notice).toMatchObject({ state: "open" });
    expect(headline(panel, en)).toContain("Nobody has told the customer yet (no callback queue configured; no SMS number or email sender configured for notices).");
    expect(headline(panel, en)).toContain("call the customer back");

    const cookie = await adminCookie(org.orgId, { name: "Sam Supervisor" });
    const listed = await jsonOf<{ notices: Array<{ id: string; status: string; workflow_id: string; message: string; reason: string }>; open_count: number }>(
      await call(listNoticesRoute, "/api/admin/notices?status=OPEN", { headers: { cookie } }),
    );
    expect(listed.open_count).toBe(1);
    expect(listed.notices).toHaveLength(1);
    const notice = listed.notices[0]!;
    expect(notice).toMatchObject({ status: "OPEN", workflow_id: workflowId });
    expect(notice.message).toContain("is taking longer than we said");

    expect((await call(listNoticesRoute, "/api/admin/notices?status=LOST", { headers: { cookie } })).status).toBe(400);
    expect((await call(listNoticesRoute, "/api/admin/notices")).status).toBe(401);
    const resolveAt = `http://longrun.test/api/admin/notices/${notice.id}/resolve`;
    const tooShort = await call(resolveRoute, resolveAt, { params: { id: notice.id }, body: { comment: "ok" }, headers: { cookie, origin: "http://longrun.test" } });
    expect(tooShort.status).toBe(400);
    const other = await configuredOrg({});
    const foreign = await call(resolveRoute, resolveAt, { params: { id: notice.id }, body: { comment: "called her back" }, headers: { cookie: await adminCookie(other.orgId), origin: "http://longrun.test" } });
    expect(foreign.status).toBe(404);

    const resolved = await call(resolveRoute, resolveAt, { params: { id: notice.id }, body: { comment: "called her back, card is blocked" }, headers: { cookie, origin: "http://longrun.test" } });
    expect(resolved.status, await resolved.clone().text()).toBe(200);
    expect(await jsonOf(resolved)).toMatchObject({ status: "RESOLVED", resolution: "called her back, card is blocked", resolved_by: expect.stringContaining("Sam Supervisor") });
    const again = await call(resolveRoute, resolveAt, { params: { id: notice.id }, body: { comment: "called her back again" }, headers: { cookie, origin: "http://longrun.test" } });
    expect(again.status).toBe(409);

    const after = await jsonOf<{ open_count: number }>(await call(listNoticesRoute, "/api/admin/notices", { headers: { cookie } }));
    expect(after.open_count).toBe(0);
    const prisma = await db();
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { orgId: org.orgId, action: "notice.resolved" } });
    expect(audit.actor).toContain("Sam Supervisor");
    expect(audit.data).toMatchObject({ noticeId: notice.id, workflowId, comment: "called her back, card is blocked" });

    const panelAfter = (await loadConversationSnapshot(org.orgId, conversationId)).workflows[0]!;
    expect(headline(panelAfter, en)).toBe("Fraud verification did not answer in time. Sam Supervisor followed up with the customer: called her back, card is blocked.");
  });
});

describe("notice settings", () => {
  it("refuse a sender that is not E.164, an unknown placeholder and an SMS over 765 characters", async () => {
    const org = await configuredOrg({});
    const cookie = await adminCookie(org.orgId);
    const put = (notices: unknown) =>
      call(putSettings, "/api/admin/settings", { method: "PUT", body: { orchestratorUrl: null, sourceCidrs: [], settings: { taskTypes: {}, notices } }, headers: { cookie } });
    const cases: Array<[unknown, string]> = [
      [{ smsFromAddress: "0317 555" }, "settings.notices.smsFromAddress"],
      [{ emailFromAddress: "not-an-address" }, "settings.notices.emailFromAddress"],
      [{ templates: { en: { delayed: { text: "Hi {{first_name}}" } } } }, "settings.notices.templates.en.delayed.text"],
      [{ templates: { en: { delayed: { text: "x".repeat(766) } } } }, "settings.notices.templates.en.delayed.text"],
      [{ templates: { en: { later: { text: "Hi" } } } }, "settings.notices.templates.en"],
      [{ templates: { English: { delayed: { text: "Hi" } } } }, "settings.notices.templates"],
    ];
    for (const [notices, field] of cases) {
      const res = await put(notices);
      expect(res.status, JSON.stringify(notices)).toBe(400);
      expect(JSON.stringify(await jsonOf(res)), JSON.stringify(notices)).toContain(field);
    }
    const ok = await put({ smsFromAddress: smsFrom, templates: { "pt-BR": { failed: { text: "Olá {{customer_name}}, ligue-nos sobre {{reference}}." } } } });
    expect(ok.status, await ok.clone().text()).toBe(200);
  });
});
