// A process workflow in the agent panel, in a real Chromium against the built
// app: Longrun dispatches each step of card fraud to the orchestrator stand-in
// (a real HTTP server), results come back as signed callbacks, and the retry's
// backoff is swept by the cron route, as in production. The card says
// "Step n of m · title", each step's outcome, the failed attempt with its
// reason and the next attempt's time, and a wait's wake-up time.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import pg from "pg";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedOrg } from "@/lib/orgs/create-org";
import { signed } from "@/test/support/api";
import { startGenesysStandIn, type GenesysStandIn, type StandInUser } from "@/test/support/genesys-stand-in";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";
import { createTestDatabase, freePort, seedOrgs, startApp, type RunningApp, type TestDatabase } from "@/test/browser/running-app";
import { checkState, screenshots } from "@/test/browser/page-checks";

const panelClientId = "longrun-panel-process-test";
const adminClient = { clientId: "longrun-admin-process-test", secret: "admin-process-test-secret-0123456789" };
/** Generous: a loaded machine must not fail it; speed is measured by the bench. */
const liveTimeout = 45_000;
const cardFraud = JSON.parse(readFileSync("genesys/processes/card-fraud.json", "utf8")) as unknown;

let genesys: GenesysStandIn;
let orchestrator: Orchestrator;
let database: TestDatabase;
let app: RunningApp;
let browser: Browser;
let org: CreatedOrg;
let token: string;
let admin: StandInUser;
/** The card-fraud run of the first test, for the admin pages. */
let completedRun = "";

interface Dispatched {
  workflow_id: string;
  task_id: string;
  task_type: string;
  callback_url: string;
}

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  genesys = await startGenesysStandIn();
  orchestrator = await startOrchestrator();
  database = await createTestDatabase();
  [org] = (await seedOrgs(database.url, 1)) as [CreatedOrg];
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  await sql.query(`UPDATE "Org" SET "orchestratorUrl" = $1 WHERE "id" = $2`, [orchestrator.url, org.orgId]);
  await sql.end();
  const agent = genesys.addUser({ orgId: org.orgId, name: "Pat Agent" });
  admin = genesys.addUser({ orgId: org.orgId, orgName: "Browser test org 1", name: "Ada Admin", permissions: ["integrations:integration:edit"] });
  genesys.setLoginUser(agent.id);
  const port = await freePort();
  genesys.addClient({ ...adminClient, redirectUris: [`http://127.0.0.1:${port}/api/auth/callback/genesys`] });
  [app, browser] = await Promise.all([
    startApp({
      databaseUrl: database.url,
      port,
      env: {
        NEXTAUTH_URL: `http://127.0.0.1:${port}`,
        NEXTAUTH_SECRET: "panel-process-test-nextauth-secret-0123456789",
        GENESYS_ADMIN_CLIENT_ID: adminClient.clientId,
        GENESYS_ADMIN_CLIENT_SECRET: adminClient.secret,
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
  genesys.addClient({ clientId: panelClientId, redirectUris: [`${app.url}/panel`] });
  const res = await fetch(`${app.url}/api/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "client_credentials", client_id: org.clientId, client_secret: org.clientSecret }),
  });
  expect(res.status).toBe(200);
  token = ((await res.json()) as { access_token: string }).access_token;
  const put = await api("/api/v1/processes/card-fraud", { method: "PUT", body: cardFraud });
  expect(put.status, JSON.stringify(put.body)).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await orchestrator?.close();
  await genesys?.close();
  await database?.drop();
});

async function api(pathname: string, init: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...init.headers };
  let body = init.rawBody;
  if (body === undefined && init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] = "application/json";
  }
  const res = await fetch(new URL(pathname, app.url), { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

/** The next dispatch of this workflow that the orchestrator receives (the app delivers right after its response, or on the cron run). */
async function dispatchOf(workflowId: string, taskType: string, seen: Set<string>): Promise<Dispatched> {
  const until = Date.now() + liveTimeout;
  for (;;) {
    const found = orchestrator.received.map((r) => JSON.parse(r.body) as Dispatched).find((d) => d.workflow_id === workflowId && d.task_type === taskType && !seen.has(d.task_id));
    if (found) {
      seen.add(found.task_id);
      return found;
    }
    if (Date.now() > until) throw new Error(`no ${taskType} dispatch for ${workflowId}`);
    await fetch(`${app.url}/api/cron/timeouts`, { headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } });
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function report(task: Dispatched, body: unknown): Promise<number> {
  const url = new URL(task.callback_url);
  const raw = JSON.stringify(body);
  const res = await fetch(new URL(url.pathname + url.search, app.url), { method: "POST", headers: { "content-type": "application/json", ...signed(org.signingSecret, raw) }, body: raw });
  await res.text();
  return res.status;
}

async function start(conversationId: string): Promise<string> {
  const workflowId = randomUUID();
  const res = await api("/api/v1/workflows", {
    body: { workflow_id: workflowId, customer_id: "CUST-2001", conversation_id: conversationId, timestamp: new Date().toISOString(), status: "INITIATED", context: { amount: 420, card_last4: "4242", customer_ref: "C-2001" }, process: { name: "card-fraud" } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return workflowId;
}

async function openPanel(conversationId: string, langTag = "en-US"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 900 }, locale: langTag, timezoneId: "UTC" });
  const page = await context.newPage();
  const params = new URLSearchParams({ conversationId, gcHostOrigin: "https://apps.mypurecloud.com", gcTargetEnv: "prod", langTag });
  await page.goto(`${app.url}/panel?${params.toString()}`);
  await page.locator(".lr-conn-live").waitFor({ timeout: liveTimeout });
  return page;
}

const stepLine = (page: Page) => page.locator("article.lr-card [data-testid=process-step]");
const stepItem = (page: Page, step: string) => page.locator(`article.lr-card li.lr-step[data-step=${step}]`);

describe("a process workflow in the agent panel", () => {
  it("shows the step it is on, a failed attempt with its reason and the next attempt's time, then each step's outcome as Longrun drives it", async () => {
    const conversationId = randomUUID();
    const workflowId = await start(conversationId);
    completedRun = workflowId;
    const seen = new Set<string>();
    const page = await openPanel(conversationId);
    await expect.poll(() => stepLine(page).textContent(), { timeout: liveTimeout }).toBe("Step 1 of 4 · Fraud check");
    expect(await page.locator("article.lr-card .lr-card-title").textContent()).toBe("Card fraud");

    // Attempt 1 fails: the card shows the reason and when attempt 2 goes out (its backoff: 10 s).
    const first = await dispatchOf(workflowId, "FRAUD_VERIFICATION", seen);
    const failedAt = Date.now();
    expect(await report(first, { status: "FAILED", reason: "VENDOR_DOWN" })).toBe(200);
    const fraud = stepItem(page, "fraud");
    await expect.poll(() => fraud.getAttribute("data-outcome"), { timeout: liveTimeout }).toBe("retrying");
    expect(await fraud.locator("[data-testid=attempt-failed]").textContent()).toBe("Attempt 1 failed: VENDOR_DOWN");
    const next = fraud.locator("[data-testid=next-attempt]");
    expect(await next.textContent()).toMatch(/^Next attempt \(2 of 3\) at \d{1,2}:\d\d:\d\d\s?[AP]M, after VENDOR_DOWN$/);
    const retryAt = Date.parse((await next.locator("time").getAttribute("datetime"))!);
    // The backoff is 10 s after the failure was recorded.
    expect(retryAt - failedAt).toBeGreaterThan(5_000);
    expect(retryAt - failedAt).toBeLessThan(15_000);
    expect(await page.locator("article.lr-card [data-testid=headline]").textContent()).toBe("Fraud check: trying again after VENDOR_DOWN");
    await checkState(page, "panel-process-retry-360-en-US");

    // The cron run after the backoff dispatches attempt 2; it succeeds with a low risk, so the credit check runs.
    const second = await dispatchOf(workflowId, "FRAUD_VERIFICATION", seen);
    await expect.poll(() => fraud.getAttribute("data-outcome"), { timeout: liveTimeout }).toBe("running");
    expect(await fraud.textContent()).toContain("Attempt 2 of 3");
    expect(await report(second, { status: "COMPLETED", result_data: { risk: "LOW", score: 7 } })).toBe(200);
    await expect.poll(() => stepLine(page).textContent(), { timeout: liveTimeout }).toBe("Step 2 of 4 · Credit check");
    expect(await fraud.getAttribute("data-outcome")).toBe("succeeded");
    expect(await stepItem(page, "credit").getAttribute("data-outcome")).toBe("running");

    const credit = await dispatchOf(workflowId, "CREDIT_CHECK", seen);
    expect(await report(credit, { status: "COMPLETED", result_data: { limit: 5000 } })).toBe(200);
    await expect.poll(() => stepLine(page).textContent(), { timeout: liveTimeout }).toBe("Step 3 of 4 · ERP approval");
    const approval = await dispatchOf(workflowId, "ERP_APPROVAL", seen);
    expect(await report(approval, { status: "COMPLETED", result_data: { order: "PO-77" } })).toBe(200);
    await expect.poll(() => page.locator("article.lr-card").getAttribute("data-status"), { timeout: liveTimeout }).toBe("COMPLETED");
    expect(await page.locator("article.lr-card li.lr-step").evaluateAll((items) => items.map((i) => `${i.getAttribute("data-step")}:${i.getAttribute("data-outcome")}`))).toEqual([
      "fraud:succeeded",
      "credit:succeeded",
      "approval:succeeded",
    ]);
    expect(await page.locator("article.lr-card [data-testid=process-ended]").textContent()).toBe("Process completed");
    await page.context().close();
  }, 240_000);

  it("shows a wait step with its wake-up time, in the agent's language", async () => {
    const conversationId = randomUUID();
    const workflowId = await start(conversationId);
    const fraud = await dispatchOf(workflowId, "FRAUD_VERIFICATION", new Set());
    const reportedAt = Date.now();
    expect(await report(fraud, { status: "COMPLETED", result_data: { risk: "HIGH", score: 91 } })).toBe(200);
    const page = await openPanel(conversationId, "de");
    await expect.poll(() => stepLine(page).textContent(), { timeout: liveTimeout }).toBe("Schritt 4 von 4 · Fraud analyst review");
    const review = stepItem(page, "review");
    expect(await review.getAttribute("data-outcome")).toBe("waiting");
    const wakes = review.locator("[data-testid=wakes-at]");
    expect(await wakes.textContent()).toMatch(/^Geht weiter um /);
    const wakeAt = Date.parse((await wakes.locator("time").getAttribute("datetime"))!);
    // A day after the result.
    expect(Math.abs(wakeAt - reportedAt - 86_400_000)).toBeLessThan(60_000);
    expect(await stepItem(page, "fraud").getAttribute("data-outcome")).toBe("succeeded");
    expect(await page.locator("article.lr-card [data-testid=headline]").textContent()).toBe("Fraud analyst review: wartet");
    await checkState(page, "panel-process-wait-360-de");
    await page.context().close();
  }, 120_000);

  it("shows the admin the run's step history, one row per attempt, and the SLA per process and per step", async () => {
    expect(completedRun).not.toBe("");
    genesys.setLoginUser(admin.id);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: "UTC" })).newPage();
    await page.goto(`${app.url}/admin`);
    await page.waitForURL(/\/admin\/sign-in/);
    await page.getByRole("button", { name: "Sign in with Genesys Cloud" }).click();
    await page.waitForURL(`${app.url}/admin`);

    await page.goto(`${app.url}/admin/workflows/${completedRun}`);
    const rows = page.locator("[data-testid=step-history] tbody tr");
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-step"), tr.getAttribute("data-outcome"), ...[...tr.querySelectorAll("td")].slice(1, 4).map((td) => td.textContent)]))).toEqual([
      ["fraud", "failed", "Attempt 1 of 3", "Failed", "VENDOR_DOWN"],
      ["fraud", "succeeded", "Attempt 2 of 3", "Succeeded", "—"],
      ["credit", "succeeded", "Attempt 1 of 2", "Succeeded", "—"],
      ["approval", "succeeded", "Attempt 1 of 5", "Succeeded", "—"],
    ]);
    expect(await rows.first().locator("td").first().textContent()).toBe("Step 1 of 4 · Fraud check");
    // The failed attempt's row names when the next one was due.
    expect(await rows.first().locator("td").last().locator("time").count()).toBe(1);
    expect(await page.getByTestId("process-step").textContent()).toBe("Step 3 of 4 · ERP approval");
    await checkState(page, "admin-workflow-step-history");

    await page.goto(`${app.url}/admin/sla`);
    const perProcess = page.locator("[data-testid=sla-per-process] tbody tr[data-process=card-fraud] td");
    await perProcess.first().waitFor();
    // Two runs started; the first ended (completed after one retry): failure 0 %, timeout 0 %, retry 100 %.
    expect(await perProcess.allTextContents()).toEqual(["card-fraud", "2", "1", expect.stringMatching(/s|min/), expect.stringMatching(/s|min/), "0%", "0%", "100%"]);
    const fraud = page.locator("[data-testid=sla-per-step] tbody tr[data-step=fraud] td");
    // fraud: three attempts (two of the first run, one of the second), three results, one failed.
    expect((await fraud.allTextContents()).slice(0, 4)).toEqual(["card-fraud", "fraud", "3", "3"]);
    expect((await fraud.allTextContents()).slice(6)).toEqual(["33.3%", "0%", "33.3%"]);
    await checkState(page, "admin-sla-processes");
    await page.context().close();
  }, 120_000);
});
