// The agent panel in a real Chromium against the running app (next start),
// signing in through the Genesys stand-in, with changes made through the
// public HTTP API exactly as Architect flows and external systems make them.
import { createHash, randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedOrg } from "@/lib/orgs/create-org";
import { signed } from "@/test/support/api";
import { startGenesysStandIn, type GenesysStandIn, type StandInUser } from "@/test/support/genesys-stand-in";
import { createTestDatabase, seedOrgs, startApp, type RunningApp, type TestDatabase } from "@/test/browser/running-app";
import { checkState, recordOutsideRequests, screenshots } from "@/test/browser/page-checks";

const panelClientId = "longrun-panel-browser-test";
/**
 * How long a test waits for a change to reach the open panel. Generous on
 * purpose: this is not where speed is judged (a loaded machine must not fail
 * it); `npm run bench` measures callback → panel latency.
 */
const liveTimeout = 30_000;
/** The widths of the interaction widget, and the two languages every state is shown in. */
const widths = [360, 400] as const;
const languages = ["en-US", "de"] as const;
/** A test that shows its states at both widths in both languages opens four pages per state. */
const everyWayTimeout = 300_000;

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
    // Spark from the installed package: this machine is offline.
    SPARK_ASSETS: "local",
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
  // A PKCE client as the wizard's panel-client step creates it (authorizedGrantType CODE, redirect URI /panel).
  genesys.addClient({ clientId: panelClientId, authorizedGrantType: "CODE", redirectUris: [`${app.url}/panel`] });

  const token = await fetch(`${writer.url}/api/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "client_credentials", client_id: org.clientId, client_secret: org.clientSecret }),
  });
  expect(token.status).toBe(200);
  dataActionToken = ((await token.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  // Nothing left this machine: Spark, its fonts and the pages all came from the app.
  expect(outsideRequests.flat()).toEqual([]);
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

function panelUrl(conversationId: string, langTag = "en-US"): string {
  const params = new URLSearchParams({ conversationId, gcHostOrigin: "https://apps.mypurecloud.com", gcTargetEnv: "prod", langTag });
  return `${app.url}/panel?${params.toString()}`;
}

const outsideRequests: string[][] = [];

async function newPanelPage(context?: BrowserContext, width = 360): Promise<Page> {
  const ctx = context ?? (await browser.newContext({ viewport: { width, height: 700 }, locale: "en-US", timezoneId: "UTC" }));
  const page = await ctx.newPage();
  outsideRequests.push(recordOutsideRequests(page, (url) => url.hostname === "apps.mypurecloud.com"));
  return page;
}

/**
 * Shows the conversation's panel as it is now at both widget widths in both
 * languages: a screenshot of each and axe-core on each. `ready` waits for the
 * state by structure (statuses), which does not depend on the language.
 */
async function everyWayOf(state: string, conversationId: string | null, ready: (page: Page) => Promise<unknown>): Promise<void> {
  for (const lang of languages) {
    for (const width of widths) {
      const page = await newPanelPage(undefined, width);
      await page.goto(conversationId ? panelUrl(conversationId, lang) : `${app.url}/panel?langTag=${lang}`);
      await ready(page);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      await checkState(page, `panel-${state}-${width}-${lang}`);
      await page.context().close();
    }
  }
}

const statusText = (page: Page, index = 0) => card(page, index).locator("[data-testid=status]").textContent();

/** Opens the panel and waits for the silent sign-in round trip and the first snapshot. */
async function openPanel(conversationId: string, page?: Page): Promise<Page> {
  const p = page ?? (await newPanelPage());
  await p.goto(panelUrl(conversationId));
  await p.locator(".lr-conn-live").waitFor({ timeout: liveTimeout });
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

const clock = String.raw`\d{1,2}:\d\d:\d\d\s?[AP]M`;

/**
 * The desktop's origin, served by the test: it frames the panel the way the interaction widget does
 * (sandbox of the wizard's widget) and records the Client App SDK messages the panel sends it.
 */
async function serveDesktop(page: Page, src: string): Promise<void> {
  await page.route("https://apps.mypurecloud.com/**", (route) =>
    route.fulfill({
      status: 200,
      headers: { "content-type": "text/html" },
      body: `<!doctype html><title>Genesys desktop</title>
<script>window.sdkMessages = []; addEventListener("message", (e) => { if (e.data && e.data.protocol === "purecloud-client-apps") window.sdkMessages.push({ origin: e.origin, ...e.data }); });</script>
<div style="display:flex"><div style="flex:1;background:#eef">conversation</div>
<iframe id="panel" title="Longrun" style="width:360px;height:740px;border:0" sandbox="allow-scripts allow-same-origin allow-forms allow-popups" src="${src}"></iframe></div>`,
    }),
  );
}

/** The last code exchange was PKCE: S256 challenge at /oauth/authorize, its verifier at /oauth/token, no secret. */
function expectPkceExchange(statePrefix: string): void {
  const authorize = genesys.requests.filter((r) => r.path === "/oauth/authorize" && r.query.get("state")?.startsWith(statePrefix)).at(-1);
  expect(authorize, `an authorization request with state ${statePrefix}…`).toBeDefined();
  expect(authorize!.query.get("response_type")).toBe("code");
  expect(authorize!.query.get("code_challenge_method")).toBe("S256");
  expect(authorize!.query.get("client_id")).toBe(panelClientId);
  const exchange = genesys.requests.filter((r) => r.path === "/oauth/token").map((r) => new URLSearchParams(r.body)).at(-1)!;
  expect(exchange.get("grant_type")).toBe("authorization_code");
  expect(exchange.get("client_id")).toBe(panelClientId);
  expect(exchange.get("redirect_uri")).toBe(`${app.url}/panel`);
  expect(exchange.has("client_secret")).toBe(false);
  expect(createHash("sha256").update(exchange.get("code_verifier") ?? "").digest("base64url")).toBe(authorize!.query.get("code_challenge"));
}

describe("agent panel in Chromium", () => {
  it("explains how to install the widget when opened without a conversation", async () => {
    const page = await newPanelPage();
    await page.goto(`${app.url}/panel`);
    await page.getByRole("heading", { name: "Longrun agent panel" }).waitFor();
    const text = await page.locator("pre").innerText();
    expect(text).toBe(`${app.url}/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}&usePopupAuth={{gcUsePopupAuth}}&panelClientId=PANEL_CLIENT_ID`);
    await page.context().close();
    await everyWayOf("install-help", null, (p) => p.locator(".lr-help h1").waitFor());
    const german = await newPanelPage();
    await german.goto(`${app.url}/panel?langTag=de-DE`);
    await german.getByRole("heading", { name: "Longrun-Agenten-Panel" }).waitFor();
    await german.context().close();
  }, everyWayTimeout);

  it("has a favicon and an app icon for the interaction widget", async () => {
    for (const [file, type] of [["/favicon.ico", "image/x-icon"], ["/favicon.svg", "image/svg+xml"], ["/icon-192.png", "image/png"]] as const) {
      const res = await fetch(`${app.url}${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get("content-type"), file).toContain(type);
    }
    const html = await (await fetch(`${app.url}/panel`)).text();
    expect(html).toMatch(/<link rel="icon" href="\/favicon.svg" type="image\/svg\+xml"/);
  });

  it("is framed only by Genesys desktops: the panel's CSP names them in frame-ancestors", async () => {
    const res = await fetch(`${app.url}/panel?conversationId=${randomUUID()}`);
    const csp = res.headers.get("content-security-policy") ?? "";
    const ancestors = /frame-ancestors ([^;]+)/.exec(csp)?.[1]?.split(" ") ?? [];
    expect(ancestors).toContain("https://apps.mypurecloud.com");
    expect(ancestors).toContain("https://apps.mypurecloud.ie");
    // 'self': the panel frames its own hidden sign-in page (lib/panel/pkce-sign-in.ts).
    expect(ancestors.every((a) => a.startsWith("https://apps.") || a === "'self'")).toBe(true);
    // Spark's CDN may serve scripts and styles in production.
    expect(/script-src ([^;]+)/.exec(csp)?.[1]).toContain("https://app.mypurecloud.com");

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
    await everyWayOf("no-workflow-yet", conversationId, (p) => p.locator(".lr-conn-live").waitFor({ timeout: liveTimeout }).then(() => p.locator(".lr-empty").waitFor()));

    let workflowId = "";
    await expectLive(page, "initiate", async () => (workflowId = await initiate(conversationId)), () => card(page).locator("[data-testid=status]", { hasText: "Started" }).waitFor({ timeout: liveTimeout }));
    await everyWayOf("started", conversationId, (p) => p.locator("article[data-status=INITIATED]").waitFor({ timeout: liveTimeout }));

    let task = { callback_url: "", task_id: "" };
    await expectLive(page, "dispatch", async () => (task = await dispatchTask(workflowId, "FRAUD_VERIFICATION")), () => card(page).getByRole("timer").waitFor({ timeout: liveTimeout }));
    expect(await statusText(page)).toBe("In progress");
    expect(await card(page).getByRole("heading", { level: 3 }).innerText()).toBe("Fraud verification");
    expect(await card(page).getByRole("timer").innerText()).toMatch(new RegExp(`^(9:5\\d|10:0\\d) left · due ${clock}$`));
    expect(await page.getByTestId("summary").innerText()).toBe("1 in progress");
    await everyWayOf("in-progress", conversationId, (p) => p.locator("article[data-status=PENDING] [role=timer]").waitFor({ timeout: liveTimeout }));

    await expectLive(
      page,
      "callback-success",
      async () => expect(await callback(task.callback_url, { status: "COMPLETED", result: "SUCCESS", result_data: { score: 712, decision: "approve", manual_review_required: false, approved_amount: 12000.5, currency: "EUR" } })).toBe(200),
      () => card(page).locator("[data-testid=status]", { hasText: "Completed" }).waitFor({ timeout: liveTimeout }),
    );
    expect(await card(page).locator(".lr-headline").innerText()).toBe("Fraud verification succeeded.");
    expect(await page.getByTestId("summary").innerText()).toBe("1 done");
    // Finished: folded to its headline; the details open from the keyboard.
    const details = card(page).getByRole("button", { name: "Details" });
    await details.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => details.getAttribute("aria-expanded")).toBe("true");
    const fields = await card(page).getByTestId("result-fields").innerText();
    expect(fields).toContain("Decision\napprove");
    expect(fields).toContain("Manual review required\nNo");
    expect(fields).toContain("Approved amount\n€12,000.50");
    expect(await card(page).getByRole("timer").count()).toBe(0);
    await card(page).getByRole("button", { name: /^Timeline/ }).click();
    const timeline = await card(page).getByRole("list", { name: "Timeline, newest first" }).locator("li").allInnerTexts();
    expect(timeline.map((t) => t.replace(new RegExp(`^${clock}\\s*`), ""))).toEqual([
      "Result: success · external system",
      "Fraud verification requested · Architect flow",
      "Workflow started · Architect flow",
    ]);
    expect(await page.getByTestId("announcer").innerText()).toContain("Fraud verification: Completed.");
    expect(await stillSameDocument(page)).toBe(true);
    await everyWayOf("completed", conversationId, (p) => p.locator("article[data-status=COMPLETED]").waitFor({ timeout: liveTimeout }));

    // A second workflow of the same conversation, which fails: it needs the agent, so it comes first.
    const second = await initiate(conversationId);
    const secondTask = await dispatchTask(second, "CREDIT_CHECK");
    await page.locator(".lr-headline", { hasText: "Waiting for the result: Credit check." }).waitFor({ timeout: liveTimeout });
    const vendorError = JSON.stringify({ error: { code: "NO_FILE", message: "bureau has no file for this customer" }, request: "r-1", trace: "t".repeat(300) });
    await expectLive(
      page,
      "callback-failure",
      async () => expect(await callback(secondTask.callback_url, { status: "FAILED", reason: vendorError })).toBe(200),
      () => card(page).locator("[data-testid=status]", { hasText: "Failed" }).waitFor({ timeout: liveTimeout }),
    );
    expect(await card(page).locator(".lr-headline").innerText()).toBe("Credit check failed: bureau has no file for this customer");
    expect(await page.getByTestId("summary").innerText()).toBe("1 needs you · 1 done");
    expect(await page.locator("section[data-group]").evaluateAll((groups) => groups.map((g) => g.getAttribute("data-group")))).toEqual(["needs-you", "done"]);
    expect(await page.locator("article.lr-card").count()).toBe(2);
    // The vendor's error once, shortened; the full text on demand.
    expect((await card(page).innerText()).split("bureau has no file").length - 1).toBe(1);
    await card(page).getByText("Full message").click();
    expect(await card(page).locator(".lr-full-error pre").innerText()).toBe(vendorError);
    expect(await stillSameDocument(page)).toBe(true);
    await everyWayOf("failed-and-completed", conversationId, (p) => p.locator("article[data-status=FAILED]").waitFor({ timeout: liveTimeout }));

    // Keyboard: the first card's timeline folds and unfolds from the keyboard.
    await page.locator("body").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const host = document.activeElement;
      return { host: host?.localName, inner: host?.shadowRoot?.activeElement?.localName ?? host?.localName };
    });
    expect(focused.host === "gux-accordion-section" || focused.host === "summary").toBe(true);
    await page.context().close();
  }, everyWayTimeout);

  it("counts down to the deadline, turns overdue, shows the timeout, what Longrun did and a late result, live", async () => {
    const conversationId = randomUUID();
    const page = await openPanel(conversationId);
    const workflowId = await initiate(conversationId);
    const task = await dispatchTask(workflowId, "ERP_ORDER_LOOKUP", 5);
    await card(page).getByRole("timer").waitFor({ timeout: liveTimeout });
    await card(page).locator(".lr-countdown.lr-overdue").waitFor({ timeout: liveTimeout });
    expect(await card(page).getByRole("timer").innerText()).toMatch(/^Overdue by \d:\d\d · Longrun escalates on its next check$/);
    await everyWayOf("overdue", conversationId, (p) => p.locator(".lr-countdown.lr-overdue").waitFor({ timeout: liveTimeout }));

    await expectLive(
      page,
      "timeout",
      async () => {
        const res = await fetch(`${writer.url}/api/cron/timeouts`, { headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { timed_out: number }).timed_out).toBeGreaterThanOrEqual(1);
      },
      () => card(page).locator("section.lr-timeout").waitFor({ timeout: liveTimeout }),
    );
    const status = await statusText(page);
    // Without a flow or a callback queue in this org, Longrun falls back to a notice nobody could send yet.
    expect(["Timed out", "Escalated", "Callback scheduled", "Customer notified", "Customer not told yet"]).toContain(status);
    expect(await card(page).locator("section.lr-timeout").innerText()).toMatch(new RegExp(`^On timeout\\s+No answer by ${clock}\\. (Longrun (is|launched|scheduled|sent)|At ${clock} Longrun could reach the customer neither)`, "i"));
    expect(await card(page).getByRole("timer").count()).toBe(0);
    expect(await page.getByTestId("summary").innerText()).toBe("1 needs you");
    expect(await stillSameDocument(page)).toBe(true);
    await everyWayOf("timed-out", conversationId, (p) => p.locator("section.lr-timeout").waitFor({ timeout: liveTimeout }));

    // The result arrives after all: kept as a late result, shown beside what was done on timeout; it still needs the agent.
    await expectLive(
      page,
      "late-result",
      async () => expect(await callback(task.callback_url, { status: "COMPLETED", result: "SUCCESS" })).toBe(200),
      () => card(page).locator("[data-testid=status]", { hasText: "Completed" }).waitFor({ timeout: liveTimeout }),
    );
    expect(await card(page).locator(".lr-headline").innerText()).toBe("ERP order lookup succeeded (late).");
    expect(await card(page).locator("section.lr-timeout").innerText()).toContain("Then the result arrived late: success.");
    expect(await page.getByTestId("summary").innerText()).toBe("1 needs you");
    await card(page).getByRole("button", { name: /^Timeline/ }).click();
    expect(await card(page).getByRole("list", { name: "Timeline, newest first" }).innerText()).toContain("Late result: success");
    expect(await stillSameDocument(page)).toBe(true);
    await everyWayOf("late-result", conversationId, (p) => p.locator("article[data-status=COMPLETED] section.lr-timeout").waitFor({ timeout: liveTimeout }));
    await page.context().close();
  }, everyWayTimeout);

  it("folds 15 heartbeats and a progress callback into one line with the count, whether the deadline moved and the latest progress message", async () => {
    const conversationId = randomUUID();
    const page = await openPanel(conversationId);
    const workflowId = await initiate(conversationId);
    const task = await dispatchTask(workflowId, "FRAUD_VERIFICATION", 600);
    const beat = async () => {
      // External systems sign their heartbeats like their callbacks.
      const res = await api(`/api/v1/workflows/${workflowId}/tasks/${task.task_id}/heartbeat`, { rawBody: "{}", headers: { ...signed(org.signingSecret, "{}"), "content-type": "application/json" } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    for (let i = 0; i < 10; i++) await beat();
    // A progress word with a message: a heartbeat that says what is going on.
    expect(await callback(task.callback_url, { status: "PROCESSING", message: "checking the bureau" })).toBe(200);
    for (let i = 0; i < 5; i++) await beat();
    await card(page).getByRole("button", { name: "Timeline (18 events)" }).waitFor({ timeout: liveTimeout });
    // By keyboard: the timeline's header takes focus and opens with Enter.
    await card(page).getByRole("button", { name: /^Timeline/ }).focus();
    await page.keyboard.press("Enter");
    const timeline = card(page).getByRole("list", { name: "Timeline, newest first" });
    await timeline.waitFor({ state: "visible", timeout: liveTimeout });
    const lines = await timeline.locator("li").allInnerTexts();
    expect(lines).toHaveLength(3);
    // Each heartbeat extends to now + the task's timeout: later than the dispatch's deadline, so it did move.
    expect(lines[0]).toMatch(new RegExp(`^${clock}\\s*External system is still working \\(16 updates\\); deadline moved to ${clock} · latest: “checking the bureau” · external system$`));
    await everyWayOf("heartbeats", conversationId, async (p) => {
      await p.locator("article[data-status=PENDING]").waitFor({ timeout: liveTimeout });
      await p.locator("article gux-accordion-section").first().click();
    });
    await page.context().close();
  }, everyWayTimeout);

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
<iframe id="panel" title="Longrun" style="width:360px;height:740px;border:0" sandbox="allow-scripts allow-same-origin allow-forms allow-popups" src="${panelUrl(conversationId, "de")}"></iframe></div>`,
      }),
    );
    await page.goto("https://apps.mypurecloud.com/directory/");
    const panel = page.frameLocator("#panel");
    await panel.locator(".lr-conn-live").waitFor({ timeout: liveTimeout });
    const workflowId = await initiate(conversationId);
    const task = await dispatchTask(workflowId, "FRAUD_VERIFICATION");
    await panel.locator("article[data-status=PENDING]").waitFor({ timeout: liveTimeout });
    expect(await callback(task.callback_url, { status: "COMPLETED", result: "SUCCESS" })).toBe(200);
    await panel.locator("article[data-status=COMPLETED]").waitFor({ timeout: liveTimeout });
    // In the agent's language (langTag=de).
    await expect.poll(() => page.evaluate(() => (window as unknown as { toasts: unknown[] }).toasts), { timeout: liveTimeout }).toEqual([
      { origin: app.url, title: "Fraud verification abgeschlossen", message: "Fraud verification erfolgreich.", type: "success" },
    ]);
    await page.screenshot({ path: path.join(screenshots, "panel-in-desktop-900-de.png") });
    await page.context().close();
  });

  it("in the desktop, follows the Client App SDK lifecycle (bootstrap, blur pauses the stream, focus catches up, stop) and badges the widget with what needs the agent", async () => {
    const conversationId = randomUUID();
    const page = await newPanelPage();
    await page.setViewportSize({ width: 900, height: 760 });
    const streams: string[] = [];
    const aborted: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes(`/conversations/${conversationId}/stream`)) streams.push(r.url());
    });
    page.on("requestfailed", (r) => {
      if (r.url().includes(`/conversations/${conversationId}/stream`)) aborted.push(r.url());
    });
    await serveDesktop(page, panelUrl(conversationId));
    await page.goto("https://apps.mypurecloud.com/directory/");
    const panel = page.frameLocator("#panel");
    await panel.locator(".lr-conn-live").waitFor({ timeout: liveTimeout });
    const sdkMessages = () => page.evaluate(() => (window as unknown as { sdkMessages: Array<Record<string, unknown>> }).sdkMessages);
    // The desktop's hook messages, as the Client App SDK receives them (src/modules/base.ts _onMsg, lifecycle.ts).
    const hook = (name: string) => page.evaluate((h) => (document.getElementById("panel") as HTMLIFrameElement).contentWindow!.postMessage({ purecloudEventType: "appLifecycleHook", hook: h }, "*"), name);

    await hook("bootstrap");
    await expect.poll(async () => (await sdkMessages()).some((m) => m.action === "bootstrapped"), { timeout: liveTimeout }).toBe(true);
    await expect.poll(async () => (await sdkMessages()).filter((m) => m.action === "setAttentionCount").at(-1)?.count, { timeout: liveTimeout }).toBe(0);

    // A failed workflow needs the agent: the badge says 1.
    const failing = await initiate(conversationId, "BADGE-1");
    const task = await dispatchTask(failing, "CREDIT_CHECK");
    expect(await callback(task.callback_url, { status: "FAILED", reason: "bureau down" })).toBe(200);
    await panel.locator("article[data-status=FAILED]").waitFor({ timeout: liveTimeout });
    await expect.poll(async () => (await sdkMessages()).filter((m) => m.action === "setAttentionCount").at(-1), { timeout: liveTimeout }).toMatchObject({ count: 1, origin: app.url, protocol: "purecloud-client-apps" });

    // Blur: the stream is closed, and no new one opens while the panel is hidden.
    await hook("blur");
    await expect.poll(() => aborted.length, { timeout: liveTimeout }).toBeGreaterThanOrEqual(1);
    const streamsWhileHidden = streams.length;
    const second = await initiate(conversationId, "WHILE-HIDDEN");
    const secondTask = await dispatchTask(second, "ERP_ORDER_LOOKUP");
    expect(await callback(secondTask.callback_url, { status: "FAILED", reason: "no such order" })).toBe(200);
    expect(await panel.locator("article.lr-card").count()).toBe(1);
    expect(streams.length).toBe(streamsWhileHidden);

    // Focus: a new stream, whose first snapshot shows what changed meanwhile; the badge follows.
    await hook("focus");
    await expect.poll(() => panel.locator("article[data-status=FAILED]").count(), { timeout: liveTimeout }).toBe(2);
    expect(streams.length).toBeGreaterThan(streamsWhileHidden);
    await expect.poll(async () => (await sdkMessages()).filter((m) => m.action === "setAttentionCount").at(-1)?.count, { timeout: liveTimeout }).toBe(2);

    await hook("stop");
    await expect.poll(async () => (await sdkMessages()).some((m) => m.action === "stopped"), { timeout: liveTimeout }).toBe(true);
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
    await card(page).waitFor({ timeout: liveTimeout });
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
      await page.getByText("Longrun is not available for your organization.").waitFor({ timeout: liveTimeout });
      expect(await page.locator(".lr-empty[role=alert]").innerText()).toContain(`(${stranger.orgId}) has not installed Longrun`);
      await page.context().close();
      await everyWayOf("org-not-installed", randomUUID(), (p) => p.locator(".lr-empty[role=alert]").waitFor({ timeout: liveTimeout }));
    } finally {
      genesys.setLoginUser(agent.id);
    }
  }, everyWayTimeout);

  it("re-authenticates silently when its token is no longer valid", async () => {
    const page = await newPanelPage();
    // A token from an earlier session that Genesys no longer accepts, where the Platform SDK persists it.
    await page.addInitScript(() => {
      if (!sessionStorage.getItem("longrun.test.seeded")) {
        sessionStorage.setItem("longrun.test.seeded", "1");
        localStorage.setItem("longrun_panel_mypurecloud_com_auth_data", JSON.stringify({ accessToken: "gc_expired_session_token", tokenExpiryTime: Date.now() + 3_600_000 }));
      }
    });
    const before = genesys.count("/oauth/authorize");
    await page.goto(panelUrl(randomUUID()));
    await page.locator(".lr-conn-live").waitFor({ timeout: liveTimeout });
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
      await button.waitFor({ timeout: liveTimeout });
      expect(await page.locator(".lr-empty [role=alert]").innerText()).toContain("Genesys Cloud did not sign you in: no user is signed in");
      await everyWayOf("sign-in-button", randomUUID(), (p) => p.locator(".lr-empty gux-button-slot button").waitFor({ timeout: liveTimeout }));
    } finally {
      genesys.setLoginUser(agent.id);
    }
    await page.getByRole("button", { name: "Sign in with Genesys Cloud" }).focus();
    await page.keyboard.press("Enter");
    await page.locator(".lr-conn-live").waitFor({ timeout: liveTimeout });
    await page.context().close();
  }, everyWayTimeout);

  it("signs the agent in with PKCE in a popup when the desktop asks for one, then silently with the Genesys session, and shows the workflows", async () => {
    const conversationId = randomUUID();
    await initiate(conversationId, "POPUP-1");
    // No desktop-wide session: Genesys shows its login page, as to an agent whose identity provider will not load in a frame.
    genesys.setLoginUser(null);
    genesys.setLoginPage(true);
    const context = await browser.newContext({ viewport: { width: 900, height: 760 }, locale: "en-US", timezoneId: "UTC" });
    try {
      const page = await newPanelPage(context);
      await serveDesktop(page, `${panelUrl(conversationId)}&usePopupAuth=true`);
      await page.goto("https://apps.mypurecloud.com/directory/");
      const panel = page.frameLocator("#panel");
      // The silent try in a hidden frame finds no session (Genesys's login page does not answer), so the agent gets a button.
      const button = panel.getByRole("button", { name: "Sign in with Genesys Cloud" });
      await button.waitFor({ timeout: liveTimeout });
      const popupOpened = page.waitForEvent("popup", { timeout: liveTimeout });
      await button.click();
      const popup = await popupOpened;
      await popup.getByRole("button", { name: "Sign in as Dana Agent" }).click({ timeout: liveTimeout });
      // The SDK closes its popup once it has exchanged the code.
      await popup.waitForEvent("close", { timeout: liveTimeout });
      await panel.locator(".lr-conn-live").waitFor({ timeout: liveTimeout });
      await panel.locator("article.lr-card").waitFor({ timeout: liveTimeout });
      expect(await panel.locator("article.lr-card").count()).toBe(1);
      expectPkceExchange("p.");

      // Another panel of the same browser, its stored token gone: the Genesys session signs it in without a prompt.
      const loginPages = genesys.count("/login");
      const second = await newPanelPage(context);
      await second.goto(`${app.url}/panel`);
      await second.evaluate(() => localStorage.clear());
      await second.goto(panelUrl(conversationId));
      await second.locator(".lr-conn-live").waitFor({ timeout: liveTimeout });
      await second.locator("article.lr-card").waitFor({ timeout: liveTimeout });
      expect(second.url()).toBe(panelUrl(conversationId));
      expect(genesys.count("/login")).toBe(loginPages);
      expectPkceExchange("r.");
    } finally {
      genesys.setLoginPage(false);
      genesys.setLoginUser(agent.id);
      await context.close();
    }
  });

  it("signs in again in a hidden frame before the token expires, keeping the same document live", async () => {
    genesys.setTokenLifetime(40);
    try {
      const conversationId = randomUUID();
      const page = await openPanel(conversationId);
      const first = await page.evaluate(() => localStorage.getItem("longrun_panel_mypurecloud_com_auth_data"));
      // Renewal is due half-way through what is left of a 40-second token.
      await expect.poll(() => page.evaluate(() => localStorage.getItem("longrun_panel_mypurecloud_com_auth_data")), { timeout: 60_000 }).not.toBe(first);
      expectPkceExchange("f.");
      expect(await stillSameDocument(page)).toBe(true);
      // Past the first token's lifetime, changes still arrive (with the renewed token).
      const renewed = JSON.parse((await page.evaluate(() => localStorage.getItem("longrun_panel_mypurecloud_com_auth_data")))!) as { accessToken: string };
      genesys.revokeToken((JSON.parse(first!) as { accessToken: string }).accessToken);
      await initiate(conversationId, "RENEWED-1");
      await card(page).waitFor({ timeout: liveTimeout });
      expect(await page.locator(".lr-conn-live, .lr-conn-polling").count()).toBe(1);
      expect(renewed.accessToken).not.toBe("");
      expect(await stillSameDocument(page)).toBe(true);
      await page.context().close();
    } finally {
      genesys.setTokenLifetime(3600);
    }
  });

  it.each(languages)("falls back to polling when the stream is cut, and still shows changes (%s)", async (lang) => {
    const conversationId = randomUUID();
    const page = await newPanelPage();
    await page.route("**/stream", (route) => route.fulfill({ status: 504, body: "proxy timeout" }));
    await page.goto(panelUrl(conversationId, lang));
    await page.locator(".lr-conn-polling").waitFor({ timeout: liveTimeout });
    const workflowId = await initiate(conversationId);
    const task = await dispatchTask(workflowId, "FRAUD_VERIFICATION");
    expect(await callback(task.callback_url, { status: "COMPLETED", result: "SUCCESS" })).toBe(200);
    await page.locator("article[data-status=COMPLETED]").waitFor({ timeout: liveTimeout });
    for (const width of widths) {
      await page.setViewportSize({ width, height: 700 });
      await checkState(page, `panel-polling-${width}-${lang}`);
    }
    await page.context().close();
  });

  it.each(languages)("dims the cards and marks them stale while Longrun is unreachable, retries with backoff, and recovers (%s)", async (lang) => {
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
    await page.goto(panelUrl(conversationId, lang));
    await card(page).waitFor({ timeout: liveTimeout });
    await page.locator(".lr-conn-polling").waitFor({ timeout: liveTimeout });

    down = true;
    await page.getByTestId("stale").waitFor({ timeout: liveTimeout });
    if (lang === "en-US") {
      expect(await page.getByTestId("stale").innerText()).toMatch(new RegExp(`Stale\\s*Longrun is unreachable\\. Showing data from ${clock}\\. Retrying in \\d+ seconds?\\.`, "i"));
      expect(await page.getByTestId("announcer").innerText()).toContain("Longrun is unreachable");
    } else {
      expect(await page.getByTestId("stale").innerText()).toMatch(/Veraltet\s*Longrun ist nicht erreichbar\. Daten von \d{1,2}:\d\d:\d\d\. Neuer Versuch in \d+ Sekunden?\./);
    }
    expect(await page.locator(".lr-groups").getAttribute("data-stale")).toBe("true");
    expect(await card(page).evaluate((el) => getComputedStyle(el).borderStyle)).toBe("dashed");
    expect(await card(page).count()).toBe(1);
    for (const width of widths) {
      await page.setViewportSize({ width, height: 700 });
      await checkState(page, `panel-stale-${width}-${lang}`);
    }

    // The change first (straight to the API, not through this page). Then wait until the next backoff
    // retry is at least five seconds away (the countdown's last number), so that when the API comes back
    // just before the click, it is the click that recovers, not a retry racing it (which would take the
    // button away under the click).
    await dispatchTask(workflowId, "FRAUD_VERIFICATION");
    await page.waitForFunction(() => {
      const numbers = document.querySelector("[data-testid=stale]")?.textContent?.match(/\d+/g);
      return numbers !== null && numbers !== undefined && Number(numbers[numbers.length - 1]) >= 5;
    }, null, { timeout: liveTimeout * 2, polling: 100 });
    down = false;
    await page.getByTestId("stale").locator("button").click();
    await page.locator("article[data-status=PENDING]").waitFor({ timeout: liveTimeout });
    expect(await page.getByTestId("stale").count()).toBe(0);
    expect(await page.locator(".lr-groups").getAttribute("data-stale")).toBeNull();
    await page.context().close();
  }, 150_000);
});
