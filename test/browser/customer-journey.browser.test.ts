// The customer's whole journey in a real Chromium against the running app and
// the Genesys stand-in (issue 14): a customer who hangs up while a task runs
// (the ended data action), the result arriving, Longrun creating a Genesys
// callback and storing its conversation id, and the panel opened for that
// callback conversation showing the workflow, its result and where it came
// from — live. And failures shown as failures: a dispatch the orchestrator
// refused and an escalation Genesys refused, as the agent sees them.
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { createOrg, type CreatedOrg } from "@/lib/orgs/create-org";
import { configureOrg } from "@/lib/orgs/org-configuration";
import type { OrgSettings } from "@/lib/orgs/org-settings";
import { signed } from "@/test/support/api";
import { startGenesysStandIn, type GenesysStandIn } from "@/test/support/genesys-stand-in";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";
import { createTestDatabase, startApp, type RunningApp, type TestDatabase } from "@/test/browser/running-app";
import { checkState, screenshots } from "@/test/browser/page-checks";

const panelClientId = "longrun-journey-browser-test";
const platformClient = { clientId: "gc-journey-client", secret: "gc-journey-secret" };
const callbackQueueId = randomUUID();
/** Generous on purpose: a loaded machine must not fail it (npm run bench measures latency). */
const liveTimeout = 30_000;

let genesys: GenesysStandIn;
let orchestrator: Orchestrator;
let database: TestDatabase;
let app: RunningApp;
let browser: Browser;
let org: CreatedOrg;
let dataActionToken: string;

/** Seeds and configures the org in the test's database before the server opens it. */
async function seedOrg(databaseUrl: string): Promise<CreatedOrg> {
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = databaseUrl;
  resetEnvCache();
  try {
    const created = await createOrg({ orgId: randomUUID(), region: "mypurecloud.com", name: "Journey org", orchestratorUrl: orchestrator.url });
    const settings = { taskTimeoutSeconds: 600, taskTypes: {}, callbackQueueId, specialistQueueName: "Fraud Specialists" } as unknown as OrgSettings;
    await configureOrg(created.orgId, { genesysClientId: platformClient.clientId, genesysClientSecret: platformClient.secret, settings }, "test");
    return created;
  } finally {
    await closeDb();
    process.env.DATABASE_URL = previous;
    resetEnvCache();
  }
}

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  genesys = await startGenesysStandIn();
  orchestrator = await startOrchestrator();
  database = await createTestDatabase();
  org = await seedOrg(database.url);
  const agent = genesys.addUser({ orgId: org.orgId, name: "Casey Callback Agent" });
  genesys.setLoginUser(agent.id);
  genesys.addClient({ clientId: panelClientId });
  // The org's Platform API client: Longrun logs in with client credentials to create callbacks.
  genesys.addClient({ ...platformClient, orgId: org.orgId });
  [app, browser] = await Promise.all([
    startApp({
      databaseUrl: database.url,
      env: {
        GENESYS_API_BASE_URL: genesys.url,
        GENESYS_LOGIN_BASE_URL: genesys.url,
        GENESYS_PANEL_CLIENT_ID: panelClientId,
        ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
        CRON_SECRET: process.env.CRON_SECRET!,
        LOG_LEVEL: "warn",
        SPARK_ASSETS: "local",
      },
    }),
    chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-features=LocalNetworkAccessChecks"],
    }),
  ]);
  const token = await api("/api/oauth/token", { body: { grant_type: "client_credentials", client_id: org.clientId, client_secret: org.clientSecret } });
  expect(token.status).toBe(200);
  dataActionToken = token.body.access_token as string;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await orchestrator?.close();
  await genesys?.close();
  await database?.drop();
});

async function api(pathname: string, init: { body?: unknown; token?: string; headers?: Record<string, string>; rawBody?: string } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body = init.rawBody;
  if (body === undefined && init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] = "application/json";
  }
  const res = await fetch(new URL(pathname, app.url), { method: body === undefined ? "GET" : "POST", headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

async function initiate(conversationId: string): Promise<string> {
  const workflowId = randomUUID();
  const res = await api("/api/v1/workflows", { token: dataActionToken, body: { workflow_id: workflowId, customer_id: "CUST-2002", conversation_id: conversationId, timestamp: new Date().toISOString(), status: "INITIATED", context: {} } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return workflowId;
}

async function dispatchTask(workflowId: string, taskType: string, options: { timeout?: number; dispatch?: boolean } = {}) {
  const res = await api(`/api/v1/workflows/${workflowId}/tasks`, { token: dataActionToken, body: { task_type: taskType, payload: {}, timeout: options.timeout ?? 600, dispatch: options.dispatch ?? false } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { callback_url: string; task_id: string };
}

async function result(callbackUrl: string, body: unknown): Promise<void> {
  const url = new URL(callbackUrl);
  const raw = JSON.stringify(body);
  const res = await api(url.pathname + url.search, { rawBody: raw, headers: { ...signed(org.signingSecret, raw), "content-type": "application/json" } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function cron(): Promise<void> {
  const res = await fetch(`${app.url}/api/cron/timeouts`, { headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } });
  expect(res.status).toBe(200);
}

async function openPanel(conversationId: string, width = 360): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 760 }, locale: "en-US", timezoneId: "UTC" });
  const page = await context.newPage();
  const params = new URLSearchParams({ conversationId, gcHostOrigin: "https://apps.mypurecloud.com", gcTargetEnv: "prod", langTag: "en-US" });
  await page.goto(`${app.url}/panel?${params.toString()}`);
  await page.locator(".lr-conn-live").waitFor({ timeout: liveTimeout });
  return page;
}

const cardOf = (page: Page, workflowId: string) => page.locator(`article[data-workflow-id="${workflowId}"]`);

describe("the customer's journey, in Chromium against the stand-in", () => {
  it("a customer who hangs up while a task runs gets a callback at the result, and the callback's panel shows the workflow, its result and where it came from, live", async () => {
    const call = genesys.conversations.addCall(org.orgId, { ani: "tel:+15557654321", name: "Pat Customer" });
    const workflowId = await initiate(call.id);
    const task = await dispatchTask(workflowId, "FRAUD_VERIFICATION");
    const original = await openPanel(call.id);
    await cardOf(original, workflowId).locator("[data-testid=status]", { hasText: "In progress" }).waitFor({ timeout: liveTimeout });

    // The customer hangs up: Genesys's customer.end trigger runs the ended data action.
    genesys.conversations.end(call.id);
    const ended = await api(`/api/v1/conversations/${call.id}/ended`, { token: dataActionToken, body: { ani: "tel:+15557654321" } });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body).toMatchObject({ session_state: "ENDED", open_workflows: 1 });
    await cardOf(original, workflowId).getByText(/has left the conversation/).waitFor({ timeout: liveTimeout });

    // The result arrives; the customer is gone, so Longrun follows up with a Genesys callback.
    await result(task.callback_url, { status: "COMPLETED", result: "SUCCESS", result_data: { decision: "approve", approved_amount: 1500 } });
    await cron();
    await expect.poll(() => genesys.conversations.callbacks.length, { timeout: liveTimeout }).toBe(1);
    const created = genesys.conversations.callbacks[0]!;
    expect(created.orgId).toBe(org.orgId);
    expect(created.body).toMatchObject({ queueId: callbackQueueId, callbackNumbers: ["+15557654321"], data: { workflow_id: workflowId, original_conversation_id: call.id } });
    // Longrun stored the callback conversation Genesys returned.
    await expect.poll(async () => (await api(`/api/v1/workflows/${workflowId}/events`, { token: dataActionToken })).body.events as Array<{ type: string; data: Record<string, string> | null }>, { timeout: liveTimeout }).toContainEqual(
      expect.objectContaining({ type: "RESULT_FOLLOWED_UP", data: expect.objectContaining({ path: "CALLBACK", callback_conversation_id: created.conversationId }) }),
    );

    // The agent who takes the callback opens the panel on the callback conversation.
    const callbackPanel = await openPanel(created.conversationId);
    const card = cardOf(callbackPanel, workflowId);
    await card.locator("[data-testid=status]", { hasText: "Completed" }).waitFor({ timeout: liveTimeout });
    expect(await card.getByTestId("came-from").innerText()).toBe(
      `This callback continues a workflow from the earlier conversation ${call.id.slice(0, 8)}…: the status, result and history below are that workflow's.`,
    );
    expect(await card.locator(".lr-headline").innerText()).toBe("Fraud verification succeeded.");
    await card.getByRole("button", { name: "Details" }).click();
    // Rendered once the Spark accordion has opened.
    await expect.poll(() => card.getByTestId("result-fields").innerText(), { timeout: liveTimeout }).toContain("Decision\napprove");
    expect(await card.getByTestId("guidance-tell").innerText()).toBe("The check went through; you can go ahead with the request.");
    await checkState(callbackPanel, "journey-callback-panel-360-en-US");

    // On the callback, the flow goes on with the next step: the callback's panel follows it live.
    const next = await dispatchTask(workflowId, "CREDIT_CHECK");
    await card.locator("[data-testid=status]", { hasText: "In progress" }).waitFor({ timeout: liveTimeout });
    expect(await card.getByRole("heading", { level: 3 }).innerText()).toBe("Credit check");
    await result(next.callback_url, { status: "COMPLETED", result: "SUCCESS" });
    await card.locator("[data-testid=status]", { hasText: "Completed" }).waitFor({ timeout: liveTimeout });
    expect(await card.locator(".lr-headline").innerText()).toBe("Credit check succeeded.");
    await original.context().close();
    await callbackPanel.context().close();
  }, 180_000);

  it("a conversation whose participant data names the workflow shows it too, for the agent's own org only", async () => {
    const first = genesys.conversations.addCall(org.orgId);
    const workflowId = await initiate(first.id);
    const task = await dispatchTask(workflowId, "FRAUD_VERIFICATION");
    // A transfer made outside Longrun: a new conversation that carries workflow_id as participant data.
    const transferred = genesys.conversations.addCall(org.orgId, { attributes: { workflow_id: workflowId } });
    const page = await openPanel(transferred.id);
    const card = cardOf(page, workflowId);
    await card.waitFor({ timeout: liveTimeout });
    expect(await card.getByTestId("came-from").innerText()).toContain(`This conversation carries a workflow of the earlier conversation ${first.id.slice(0, 8)}…`);
    await result(task.callback_url, { status: "FAILED", reason: "card reported stolen" });
    await card.locator("[data-testid=status]", { hasText: "Failed" }).waitFor({ timeout: liveTimeout });
    await page.context().close();

    // An attribute naming a workflow of no org of this agent shows nothing.
    const stray = genesys.conversations.addCall(org.orgId, { attributes: { workflow_id: randomUUID() } });
    const empty = await openPanel(stray.id);
    await empty.getByText("No workflow for this interaction yet.").waitFor({ timeout: liveTimeout });
    await empty.context().close();
  }, 120_000);
});

describe("failures shown as failures, in Chromium", () => {
  it("a dispatch the orchestrator refused reads 'Not started', with the error and the queue to transfer to, live", async () => {
    orchestrator.respondWith({ status: 422 });
    const call = genesys.conversations.addCall(org.orgId);
    const workflowId = await initiate(call.id);
    const page = await openPanel(call.id);
    await cardOf(page, workflowId).waitFor({ timeout: liveTimeout });
    await dispatchTask(workflowId, "FRAUD_VERIFICATION", { dispatch: true });
    const card = cardOf(page, workflowId);
    await card.locator("[data-testid=status]", { hasText: "Not started" }).waitFor({ timeout: liveTimeout });
    expect(await card.locator(".lr-headline").innerText()).toBe("Fraud verification: the external system refused the request — transfer the customer to Fraud Specialists.");
    expect(await card.getByTestId("failure").innerText()).toMatch(/The external system refused the task \(HTTP 422\)/);
    expect(await card.innerText()).not.toContain("sending to the external system");
    expect(await page.getByTestId("summary").innerText()).toBe("1 needs you");
    await checkState(page, "journey-dead-dispatch-360-en-US");
    await page.context().close();
    orchestrator.respondWith(202);
  }, 120_000);

  it("an escalation Genesys refused reads 'Escalation failed', not 'Longrun is escalating' forever", async () => {
    const call = genesys.conversations.addCall(org.orgId, { ani: "tel:+15550001111" });
    const workflowId = await initiate(call.id);
    await dispatchTask(workflowId, "FRAUD_VERIFICATION", { timeout: 5 });
    genesys.conversations.end(call.id);
    expect((await api(`/api/v1/conversations/${call.id}/ended`, { token: dataActionToken, body: { ani: "tel:+15550001111" } })).status).toBe(200);
    const page = await openPanel(call.id);
    const card = cardOf(page, workflowId);
    await card.locator(".lr-countdown.lr-overdue").waitFor({ timeout: liveTimeout });
    genesys.route("POST", "/api/v2/conversations/callbacks", () => ({ status: 400, body: { status: 400, code: "bad.request", message: "the queue does not accept callbacks" } }));
    try {
      await cron();
      await card.locator("[data-testid=status]", { hasText: "Escalation failed" }).waitFor({ timeout: liveTimeout });
    } finally {
      genesys.unroute("POST", "/api/v2/conversations/callbacks");
    }
    expect(await card.locator(".lr-headline").innerText()).toBe("Fraud verification did not answer in time and Genesys refused Longrun's escalation — transfer the call to Fraud Specialists yourself.");
    const onTimeout = await card.locator("section.lr-timeout").innerText();
    expect(onTimeout).toContain("Genesys refused Longrun's escalation (HTTP 400)");
    expect(onTimeout).toContain("the queue does not accept callbacks");
    expect(onTimeout).not.toContain("Longrun is escalating");
    await checkState(page, "journey-dead-escalation-360-en-US");
    await page.context().close();
  }, 120_000);
});
