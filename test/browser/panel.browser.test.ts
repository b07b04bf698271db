// The agent panel in a real Chromium against the running app (next start),
// signing in through the Genesys stand-in, with changes made through the
// public HTTP API exactly as Architect flows and external systems make them.
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedOrg } from "@/lib/orgs/create-org";
import { signed } from "@/test/support/api";
import { startGenesysStandIn, type GenesysStandIn, type StandInUser } from "@/test/support/genesys-stand-in";
import { createTestDatabase, seedOrgs, startApp, type RunningApp, type TestDatabase } from "@/test/browser/running-app";

const screenshots = path.resolve(import.meta.dirname, "../../test-output/screenshots");
const panelClientId = "longrun-panel-browser-test";
/** The promise: a change reaches an open panel within 2 seconds. */
const liveWithinMs = 2_000;

let genesys: GenesysStandIn;
let database: TestDatabase;
let app: RunningApp;
/** With PostgreSQL, changes go through a second instance: the panel must hear them via LISTEN/NOTIFY. */
let writer: RunningApp;
let browser: Browser;
let org: CreatedOrg;
let otherOrg: CreatedOrg;
let agent: StandInUser;
let dataActionToken: string;
const latencies: Record<string, number> = {};

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  genesys = await startGenesysStandIn();
  database = await createTestDatabase();
  [org, otherOrg] = (await seedOrgs(database.url, 2)) as [CreatedOrg, CreatedOrg];
  agent = genesys.addUser({ orgId: org.orgId, name: "Dana Agent" });
  genesys.setLoginUser(agent.id);

  const appEnv = {
    GENESYS_API_BASE_URL: genesys.url,
    GENESYS_LOGIN_BASE_URL: genesys.url,
    GENESYS_PANEL_CLIENT_ID: panelClientId,
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
    CRON_SECRET: process.env.CRON_SECRET!,
    LOG_LEVEL: "warn",
  };
  const [panelApp, browserInstance] = await Promise.all([
    startApp({ databaseUrl: database.url, env: appEnv }),
    chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run",
        // The stand-in desktop has a public origin and the app is on loopback; a real deployment has both public.
        "--disable-features=LocalNetworkAccessChecks",
      ],
    }),
  ]);
  app = panelApp;
  browser = browserInstance;
  // A second instance writes, so that changes reach the panel across instances (LISTEN/NOTIFY).
  writer = await startApp({ databaseUrl: database.url, env: appEnv });
  genesys.addClient({ clientId: panelClientId, redirectUris: [`${app.url}/panel`] });

  const token = await fetch(`${writer.url}/api/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "client_credentials", client_id: org.clientId, client_secret: org.clientSecret }),
  });
  expect(token.status).toBe(200);
  dataActionToken = ((await token.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await writeFile(path.join(screenshots, "..", "panel-latency.json"), JSON.stringify({ latenciesMs: latencies }, null, 2)).catch(() => undefined);
  await browser?.close();
  if (writer && writer !== app) await writer.stop();
  await app?.stop();
  await genesys?.close();
  await database?.drop();
});

async function api(pathname: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string>; rawBody?: string } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body = init.rawBody;
  if (body === undefined && init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] = "application/json";
  }
  const res = await fetch(new URL(pathname, writer.url), { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

async function initiate(conversationId: string, customerId = "CUST-1001"): Promise<string> {
  const workflowId = randomUUID();
  const res = await api("/api/v1/workflows", {
    token: dataActionToken,
    body: { workflow_id: workflowId, customer_id: customerId, conversation_id: conversationId, timestamp: new Date().toISOString(), status: "INITIATED", context: { product: "card" } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return workflowId;
}

async function dispatchTask(workflowId: string, taskType: string, timeout = 600): Promise<{ callback_url: string; task_id: string }> {
  const res = await api(`/api/v1/workflows/${workflowId}/tasks`, { token: dataActionToken, body: { task_type: taskType, payload: {}, timeout, dispatch: false } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { callback_url: string; task_id: string };
}

async function callback(callbackUrl: string, body: unknown): Promise<number> {
  const url = new URL(callbackUrl);
  const raw = JSON.stringify(body);
  const res = await api(url.pathname + url.search, { rawBody: raw, headers: signed(org.signingSecret, raw) });
  return res.status;
}

function panelUrl(conversationId: string): string {
  const params = new URLSearchParams({ conversationId, gcHostOrigin: "https://apps.mypurecloud.com", gcTargetEnv: "prod", langTag: "en-US" });
  return `${app.url}/panel?${params.toString()}`;
}

async function newPanelPage(context?: BrowserContext): Promise<Page> {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 360, height: 760 }, locale: "en-US", timezoneId: "UTC" }));
  return ctx.newPage();
}

/** Opens the panel and waits for the silent sign-in round trip and the first snapshot. */
async function openPanel(conversationId: string, page?: Page): Promise<Page> {
  const p = page ?? (await newPanelPage());
  await p.goto(panelUrl(conversationId));
  await p.locator(".lr-conn-live").waitFor({ timeout: 15_000 });
  // Marks this document: a reload would lose it.
  await p.evaluate(() => ((window as unknown as { __panelDocument: string }).__panelDocument = "original"));
  return p;
}

async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __panelDocument?: string }).__panelDocument === "original");
}

/** Runs the change and waits for the panel to show it; records how long that took. */
async function expectLive(page: Page, name: string, change: () => Promise<unknown>, shown: () => Promise<unknown>): Promise<void> {
  await change();
  const after = Date.now();
  await shown();
  latencies[name] = Date.now() - after;
}

function card(page: Page, index = 0) {
  return page.locator("article.lr-card").nth(index);
}

describe("agent panel in Chromium", () => {
  it("explains how to install the widget when opened without a conversation", async () => {
    const page = await newPanelPage();
    await page.goto(`${app.url}/panel`);
    await page.getByRole("heading", { name: "Longrun agent panel" }).waitFor();
    const text = await page.locator("pre").innerText();
    expect(text).toBe(`${app.url}/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}`);
    await page.screenshot({ path: path.join(screenshots, "01-install-help.png"), fullPage: true });
    await page.context().close();
  });

  it("is framed only by Genesys desktops: the panel's CSP names them in frame-ancestors", async () => {
    const res = await fetch(`${app.url}/panel?conversationId=${randomUUID()}`);
    const csp = res.headers.get("content-security-policy") ?? "";
    const ancestors = /frame-ancestors ([^;]+)/.exec(csp)?.[1]?.split(" ") ?? [];
    expect(ancestors).toContain("https://apps.mypurecloud.com");
    expect(ancestors).toContain("https://apps.mypurecloud.ie");
    expect(ancestors.every((a) => a.startsWith("https://apps."))).toBe(true);

    // A page from another origin cannot show it.
    genesys.route("GET", "/evil-desktop", () => ({ status: 200, headers: { "content-type": "text/html" }, body: `<iframe id="f" src="${app.url}/panel"></iframe>` }));
    const page = await newPanelPage();
    const blocked = page.waitForEvent("console", { predicate: (m) => m.text().includes("frame-ancestors"), timeout: 10_000 });
    await page.goto(`${genesys.url}/evil-desktop`);
    expect((await blocked).text()).toContain("frame-ancestors");
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(await frame?.getByText("Longrun agent panel").count()).toBe(0);
    await page.context().close();
  });

  it("signs the agent in silently, then shows a workflow start, its task and its result live, without reloading", async () => {
    const conversationId = randomUUID();
    const page = await openPanel(conversationId);
    expect(new URL(page.url()).hash).toBe("");
    expect(page.url()).toContain(`conversationId=${conversationId}`);
    await page.getByText("No workflow for this interaction yet.").waitFor();
    await page.screenshot({ path: path.join(screenshots, "02-no-workflow-yet.png"), fullPage: true });

    let workflowId = "";
    await expectLive(page, "initiate", async () => (workflowId = await initiate(conversationId)), () => card(page).locator("[data-testid=status]", { hasText: "Started" }).waitFor({ timeout: liveWithinMs }));

    let task = { callback_url: "", task_id: "" };
    await expectLive(page, "dispatch", async () => (task = await dispatchTask(workflowId, "FRAUD_VERIFICATION")), () => card(page).getByRole("timer").waitFor({ timeout: liveWithinMs }));
    expect(await card(page).locator("[data-testid=status]").innerText()).toBe("In progress");
    expect(await card(page).getByRole("heading").innerText()).toBe("Fraud verification");
    expect(await card(page).getByRole("timer").innerText()).toMatch(/^(9:5\d|10:0\d) left · due \d\d:\d\d:\d\d$/);
    await page.screenshot({ path: path.join(screenshots, "03-in-progress.png"), fullPage: true });

    await expectLive(
      page,
      "callback-success",
      async () => expect(await callback(task.callback_url, { status: "COMPLETED", result: "SUCCESS", result_data: { score: 712, decision: "approve" } })).toBe(200),
      () => card(page).locator("[data-testid=status]", { hasText: "Completed" }).waitFor({ timeout: liveWithinMs }),
    );
    expect(await card(page).locator(".lr-headline").innerText()).toBe("Fraud verification succeeded.");
    expect(await card(page).innerText()).toContain("Decision\napprove");
    expect(await card(page).getByRole("timer").count()).toBe(0);
    const timeline = await card(page).getByRole("list", { name: "Timeline, newest first" }).locator("li").allInnerTexts();
    expect(timeline.map((t) => t.replace(/^\d\d:\d\d:\d\d\s*/, ""))).toEqual([
      "Result: success · external system",
      "Fraud verification requested · Architect flow",
      "Workflow started · Architect flow",
    ]);
    expect(await page.getByTestId("announcer").innerText()).toContain("Fraud verification: Completed.");
    expect(await stillSameDocument(page)).toBe(true);
    await page.screenshot({ path: path.join(screenshots, "04-completed.png"), fullPage: true });

    // A second workflow of the same conversation, which fails: newest on top.
    const second = await initiate(conversationId);
    const secondTask = await dispatchTask(second, "CREDIT_CHECK");
    await card(page).locator(".lr-headline", { hasText: "Waiting for the result: Credit check." }).waitFor({ timeout: liveWithinMs });
    await expectLive(
      page,
      "callback-failure",
      async () => expect(await callback(secondTask.callback_url, { status: "FAILED", reason: "bureau has no file for this customer" })).toBe(200),
      () => card(page).locator("[data-testid=status]", { hasText: "Failed" }).waitFor({ timeout: liveWithinMs }),
    );
    expect(await card(page).locator(".lr-headline").innerText()).toBe("Credit check failed: bureau has no file for this customer");
    expect(await page.locator("article.lr-card").count()).toBe(2);
    expect(await stillSameDocument(page)).toBe(true);
    await page.screenshot({ path: path.join(screenshots, "05-failed-and-completed.png"), fullPage: true });

    // Keyboard: the timeline folds and unfolds from the keyboard.
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.tagName);
    expect(focused).toBe("SUMMARY");
    await page.context().close();
  });

  it("counts down to the deadline, turns overdue, shows the timeout, what Longrun did and a late result, live", async () => {
    const conversationId = randomUUID();
    const page = await openPanel(conversationId);
    const workflowId = await initiate(conversationId);
    const task = await dispatchTask(workflowId, "ERP_ORDER_LOOKUP", 5);
    await card(page).getByRole("timer").waitFor({ timeout: liveWithinMs });
    await card(page).locator(".lr-countdown.lr-overdue").waitFor({ timeout: 8_000 });
    expect(await card(page).getByRole("timer").innerText()).toMatch(/^Overdue by 0:0\d · Longrun escalates on its next check$/);
    await page.screenshot({ path: path.join(screenshots, "06-overdue.png"), fullPage: true });

    await expectLive(
      page,
      "timeout",
      async () => {
        const res = await fetch(`${writer.url}/api/cron/timeouts`, { headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { timed_out: number }).timed_out).toBeGreaterThanOrEqual(1);
      },
      () => card(page).locator("section.lr-timeout").waitFor({ timeout: liveWithinMs }),
    );
    const status = await card(page).locator("[data-testid=status]").innerText();
    expect(["Timed out", "Escalated", "Callback scheduled", "Customer notified"]).toContain(status);
    expect(await card(page).locator("section.lr-timeout").innerText()).toMatch(/^On timeout\s+No answer by \d\d:\d\d:\d\d\. Longrun (is|launched|scheduled|sent)/i);
    expect(await card(page).getByRole("timer").count()).toBe(0);
    expect(await stillSameDocument(page)).toBe(true);
    await page.screenshot({ path: path.join(screenshots, "07-timed-out.png"), fullPage: true });

    // The result arrives after all: kept as a late result, shown beside what was done on timeout.
    await expectLive(
      page,
      "late-result",
      async () => expect(await callback(task.callback_url, { status: "COMPLETED", result: "SUCCESS" })).toBe(200),
      () => card(page).locator("[data-testid=status]", { hasText: "Completed" }).waitFor({ timeout: liveWithinMs }),
    );
    expect(await card(page).locator(".lr-headline").innerText()).toBe("ERP order lookup succeeded (late).");
    expect(await card(page).locator("section.lr-timeout").innerText()).toContain("Then the result arrived late: success.");
    expect(await card(page).getByRole("list", { name: "Timeline, newest first" }).innerText()).toContain("Late result: success");
    expect(await stillSameDocument(page)).toBe(true);
    await page.screenshot({ path: path.join(screenshots, "08-late-result.png"), fullPage: true });
    await page.context().close();
  });

  it("inside the Genesys desktop's frame, toasts in the desktop when a workflow completes", async () => {
    const conversationId = randomUUID();
    const page = await newPanelPage();
    await page.setViewportSize({ width: 900, height: 760 });
    // The desktop's origin, served by the test: it frames the panel the way the interaction widget does and records the toasts it is asked to show.
    await page.route("https://apps.mypurecloud.com/**", (route) =>
      route.fulfill({
        status: 200,
        headers: { "content-type": "text/html" },
        body: `<!doctype html><title>Genesys desktop</title>
<script>window.toasts = []; addEventListener("message", (e) => { if (e.data && e.data.action === "showToast") window.toasts.push({ origin: e.origin, title: e.data.title, message: e.data.message, type: e.data.type }); });</script>
<div style="display:flex"><div style="flex:1;background:#eef">conversation</div>
<iframe id="panel" title="Longrun" style="width:360px;height:740px;border:0" sandbox="allow-scripts allow-same-origin allow-forms allow-popups" src="${panelUrl(conversationId)}"></iframe></div>`,
      }),
    );
    await page.goto("https://apps.mypurecloud.com/directory/");
    const panel = page.frameLocator("#panel");
    await panel.locator(".lr-conn-live").waitFor({ timeout: 15_000 });
    const workflowId = await initiate(conversationId);
    const task = await dispatchTask(workflowId, "FRAUD_VERIFICATION");
    await panel.locator("[data-testid=status]", { hasText: "In progress" }).waitFor({ timeout: liveWithinMs });
    expect(await callback(task.callback_url, { status: "COMPLETED", result: "SUCCESS" })).toBe(200);
    await panel.locator("[data-testid=status]", { hasText: "Completed" }).waitFor({ timeout: liveWithinMs });
    await expect.poll(() => page.evaluate(() => (window as unknown as { toasts: unknown[] }).toasts), { timeout: liveWithinMs }).toEqual([
      { origin: app.url, title: "Fraud verification completed", message: "Fraud verification succeeded.", type: "success" },
    ]);
    await page.screenshot({ path: path.join(screenshots, "00-in-desktop.png") });
    await page.context().close();
  });

  it("never shows another org's workflows on the same conversation id", async () => {
    const conversationId = randomUUID();
    const page = await openPanel(conversationId);
    const theirs = await fetch(`${writer.url}/api/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: otherOrg.clientId, client_secret: otherOrg.clientSecret }),
    });
    const otherToken = ((await theirs.json()) as { access_token: string }).access_token;
    const res = await api("/api/v1/workflows", {
      token: otherToken,
      body: { workflow_id: randomUUID(), customer_id: "THEIRS", conversation_id: conversationId, timestamp: new Date().toISOString(), status: "INITIATED" },
    });
    expect(res.status).toBe(201);
    await initiate(conversationId, "OURS");
    await card(page).waitFor({ timeout: liveWithinMs });
    expect(await page.locator("article.lr-card").count()).toBe(1);
    expect(await page.locator("body").innerText()).not.toContain("THEIRS");
    await page.context().close();
  });

  it("tells an agent whose org has not installed Longrun, instead of showing an empty panel", async () => {
    const stranger = genesys.addUser({ orgId: randomUUID(), name: "Sam Stranger" });
    genesys.setLoginUser(stranger.id);
    try {
      const page = await newPanelPage();
      await page.goto(panelUrl(randomUUID()));
      await page.getByText("Longrun is not available for your organization.").waitFor({ timeout: 15_000 });
      expect(await page.locator(".lr-empty[role=alert]").innerText()).toContain(`(${stranger.orgId}) has not installed Longrun`);
      await page.screenshot({ path: path.join(screenshots, "09-org-not-installed.png"), fullPage: true });
      await page.context().close();
    } finally {
      genesys.setLoginUser(agent.id);
    }
  });

  it("re-authenticates silently when its token is no longer valid", async () => {
    const page = await newPanelPage();
    // A token from an earlier session that Genesys no longer accepts.
    await page.addInitScript(() => {
      if (!sessionStorage.getItem("longrun.test.seeded")) {
        sessionStorage.setItem("longrun.test.seeded", "1");
        sessionStorage.setItem("longrun.panel.token", JSON.stringify({ accessToken: "gc_expired_session_token", expiresAt: Date.now() + 3_600_000, region: "mypurecloud.com" }));
      }
    });
    const before = genesys.count("/oauth/authorize");
    await page.goto(panelUrl(randomUUID()));
    await page.locator(".lr-conn-live").waitFor({ timeout: 15_000 });
    expect(genesys.count("/oauth/authorize") - before).toBe(1);
    await page.getByText("No workflow for this interaction yet.").waitFor();
    await page.context().close();
  });

  it("offers a sign-in button when Genesys does not sign the agent in, and works after it", async () => {
    genesys.setLoginUser(null);
    const page = await newPanelPage();
    try {
      await page.goto(panelUrl(randomUUID()));
      const button = page.getByRole("button", { name: "Sign in with Genesys Cloud" });
      await button.waitFor({ timeout: 15_000 });
      expect(await page.locator(".lr-empty [role=alert]").innerText()).toContain("Genesys Cloud did not sign you in: no user is signed in");
      await page.screenshot({ path: path.join(screenshots, "10-sign-in-button.png"), fullPage: true });
    } finally {
      genesys.setLoginUser(agent.id);
    }
    await page.getByRole("button", { name: "Sign in with Genesys Cloud" }).focus();
    await page.keyboard.press("Enter");
    await page.locator(".lr-conn-live").waitFor({ timeout: 15_000 });
    await page.context().close();
  });

  it("falls back to polling when the stream is cut, and still shows changes", async () => {
    const conversationId = randomUUID();
    const page = await newPanelPage();
    await page.route("**/stream", (route) => route.fulfill({ status: 504, body: "proxy timeout" }));
    await page.goto(panelUrl(conversationId));
    await page.locator(".lr-conn-polling").waitFor({ timeout: 15_000 });
    const workflowId = await initiate(conversationId);
    const task = await dispatchTask(workflowId, "FRAUD_VERIFICATION");
    expect(await callback(task.callback_url, { status: "COMPLETED", result: "SUCCESS" })).toBe(200);
    await card(page).locator("[data-testid=status]", { hasText: "Completed" }).waitFor({ timeout: 8_000 });
    await page.screenshot({ path: path.join(screenshots, "11-polling.png"), fullPage: true });
    await page.context().close();
  });

  it("marks the data stale while Longrun is unreachable, retries with backoff, and recovers", async () => {
    const conversationId = randomUUID();
    const page = await newPanelPage();
    let down = false;
    // A proxy that cuts every stream right after its first snapshot, and then the API going away entirely.
    await page.route("**/api/v1/conversations/**", async (route) => {
      if (down) return route.abort("connectionrefused");
      if (!route.request().url().endsWith("/stream")) return route.continue();
      const snapshot = await fetch(route.request().url().replace(/\/stream$/, "/workflows").replace(/^https?:\/\/[^/]+/, app.url), { headers: route.request().headers() });
      return route.fulfill({ status: 200, headers: { "content-type": "text/event-stream" }, body: `event: snapshot\ndata: ${await snapshot.text()}\n\n` });
    });
    const workflowId = await initiate(conversationId);
    await page.goto(panelUrl(conversationId));
    await card(page).waitFor({ timeout: 15_000 });
    await page.locator(".lr-conn-polling").waitFor({ timeout: 10_000 });

    down = true;
    await page.getByTestId("stale").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("stale").innerText()).toMatch(/Stale\s*Longrun is unreachable\. Showing data from \d\d:\d\d:\d\d\. Retrying in \d+ s\./i);
    expect(await card(page).count()).toBe(1);
    expect(await page.getByTestId("announcer").innerText()).toContain("Longrun is unreachable");
    await page.screenshot({ path: path.join(screenshots, "12-stale.png"), fullPage: true });

    down = false;
    await dispatchTask(workflowId, "FRAUD_VERIFICATION");
    await page.getByRole("button", { name: "Retry now" }).click();
    await card(page).locator("[data-testid=status]", { hasText: "In progress" }).waitFor({ timeout: liveWithinMs });
    expect(await page.getByTestId("stale").count()).toBe(0);
    await page.context().close();
  });
});
