// The admin side in a real Chromium against the running app (next start)
// and the Genesys stand-in: sign-in through next-auth (refused and admitted),
// the install wizard (one step fails once and is retried alone; a second run
// creates nothing new in "Genesys"), settings, the dashboard search, a
// workflow's history, a dead letter re-driven, the SLA view and uninstall.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPermissions } from "@/lib/genesys/install-steps";
import { dataActions } from "@/lib/api/data-action-contracts";
import { browserDistDir } from "@/test/browser/global-setup";
import { createTestDatabase, freePort, type TestDatabase } from "@/test/browser/running-app";
import { createPlatformFake, startGenesysStandIn, type GenesysStandIn, type PlatformFake, type StandInUser } from "@/test/support/genesys-stand-in";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";
import { checkState, expectBeside, reactReady } from "@/test/browser/page-checks";

const root = path.resolve(import.meta.dirname, "../..");
const screenshots = path.join(root, "test-output/screenshots");
/** The build the browser project made; LONGRUN_ADMIN_DIST_DIR points at another one (e.g. .next-admin) while iterating. */
const distDir = process.env.LONGRUN_ADMIN_DIST_DIR ?? browserDistDir;
const adminClient = { clientId: "longrun-admin-browser-test", secret: "admin-client-secret-0123456789" };

let genesys: GenesysStandIn;
let platform: PlatformFake;
let orchestrator: Orchestrator;
let database: TestDatabase;
let appUrl: string;
let server: ChildProcess | undefined;
let serverOutput = "";
let browser: Browser;
let context: BrowserContext;
let page: Page;
let admin: StandInUser;
/** The webhook signing secret the admin copied from the page (after the rotation: the new one). */
let signingSecret = "";
const orgId = randomUUID();
const orgName = "Acme Contact Center";

async function startServer(port: number, env: Record<string, string>): Promise<void> {
  server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: "production", NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1", LONGRUN_SCHEDULER: "off" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (c: Buffer) => (serverOutput += c.toString()));
  server.stderr?.on("data", (c: Buffer) => (serverOutput += c.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`next start exited (${server.exitCode}):\n${serverOutput}`);
    try {
      if ((await fetch(`${appUrl}/api/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not become healthy:\n${serverOutput}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Every admin page at 1280×800: a screenshot into test-output/screenshots/ and axe-core on it. */
async function shot(name: string): Promise<void> {
  await checkState(page, `admin-${name}-1280`);
}

/** The org's Architect workflows and queues in the stand-in, for the settings pickers. */
const timeoutFlow = { id: randomUUID(), name: "Longrun timeout handler", type: "workflow" };
const callbackQueue = { id: randomUUID(), name: "Card services callbacks" };

async function signIn(as: StandInUser): Promise<void> {
  genesys.setLoginUser(as.id);
  await context.clearCookies();
  await page.goto(`${appUrl}/admin`);
  await page.waitForURL(/\/admin\/sign-in/);
  await page.getByRole("button", { name: "Sign in with Genesys Cloud" }).click();
}

/**
 * The page as the server sent it, in the signed-in admin's session but without JavaScript: what a click meets
 * before React has hydrated the page.
 */
async function withoutScript(address: string, check: (bare: Page) => Promise<void>): Promise<void> {
  const bare = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US", javaScriptEnabled: false });
  try {
    await bare.addCookies(await context.cookies());
    const barePage = await bare.newPage();
    await barePage.goto(`${appUrl}${address}`);
    await check(barePage);
  } finally {
    await bare.close();
  }
}

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  const [standIn, db, orch, port, chrome] = await Promise.all([
    startGenesysStandIn(),
    createTestDatabase(),
    startOrchestrator(),
    freePort(),
    chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    }),
  ]);
  genesys = standIn;
  database = db;
  orchestrator = orch;
  browser = chrome;
  appUrl = `http://127.0.0.1:${port}`;
  platform = createPlatformFake({
    flows: [timeoutFlow, { id: randomUUID(), name: "Main IVR", type: "inboundcall" }, { id: randomUUID(), name: "Address change", type: "workflow" }],
    queues: [callbackQueue, { id: randomUUID(), name: "Fraud desk" }],
  });
  genesys.usePlatform(platform);
  genesys.addClient({ ...adminClient, redirectUris: [`${appUrl}/api/auth/callback/genesys`] });
  // Ada's Genesys language is one Longrun has no catalogue for: her console follows the browser (Accept-Language).
  admin = genesys.addUser({ orgId, orgName, name: "Ada Admin", languagePreference: "nl", permissions: ["integrations:integration:edit", ...installPermissions] });
  await startServer(port, {
    DATABASE_URL: database.url,
    PUBLIC_BASE_URL: appUrl,
    NEXTAUTH_URL: appUrl,
    NEXTAUTH_SECRET: "admin-browser-test-nextauth-secret-0123456789",
    GENESYS_ADMIN_CLIENT_ID: adminClient.clientId,
    GENESYS_ADMIN_CLIENT_SECRET: adminClient.secret,
    GENESYS_API_BASE_URL: genesys.url,
    GENESYS_LOGIN_BASE_URL: genesys.url,
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
    CRON_SECRET: process.env.CRON_SECRET!,
    LOG_LEVEL: "warn",
    // Spark from the installed package: this machine is offline.
    SPARK_ASSETS: "local",
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US", timezoneId: "Europe/Berlin" });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once("exit", r));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (server.exitCode === null) server.kill("SIGKILL");
  }
  await orchestrator?.close();
  await genesys?.close();
  await database?.drop();
});

describe("admin console", () => {
  it("refuses a Genesys user without the admin permission, with a clear page", async () => {
    const agent = genesys.addUser({ orgId, orgName, name: "Alex Agent", permissions: ["conversation:communication:view"] });
    await signIn(agent);
    await page.waitForURL(/\/admin\/refused\?reason=not_admin/);
    await expect(page.getByTestId("refusal-title").textContent()).resolves.toBe("You are not a Longrun admin");
    await shot("refused");
    // An admin whose org never installed Longrun, and who may not install it, is refused too.
    const outsider = genesys.addUser({ orgId: randomUUID(), name: "Olli Outsider", permissions: ["integrations:integration:edit"] });
    await signIn(outsider);
    await page.waitForURL(/\/admin\/refused\?reason=not_installed/);
    const session = await (await fetch(`${appUrl}/api/admin/settings`)).json();
    expect(session).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  });

  it("keeps the sign-in button disabled until the page has hydrated, so an early click cannot reload the sign-in page", async () => {
    await withoutScript("/admin/sign-in", (bare) => expect(bare.getByRole("button", { name: "Sign in with Genesys Cloud" }).isDisabled()).resolves.toBe(true));
    await page.goto(`${appUrl}/admin/sign-in`);
    await page.getByRole("button", { name: "Sign in with Genesys Cloud" }).waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Sign in with Genesys Cloud" }).isEnabled(), { timeout: 30_000 }).toBe(true);
  });

  it("signs in an installer of a new org and lands on the install wizard", async () => {
    await signIn(admin);
    await page.waitForURL(/\/admin\/install$/);
    await expect(page.getByTestId("admin-who").textContent()).resolves.toContain("Ada Admin");
    await expect(page.getByTestId("status-register").textContent()).resolves.toBe("not run");
    await shot("install");
    // The authorization code grant ran against the stand-in, with PKCE.
    const authorize = genesys.requests.find((r) => r.path === "/oauth/authorize" && r.query.get("client_id") === adminClient.clientId)!;
    expect(authorize.query.get("response_type")).toBe("code");
    expect(authorize.query.get("code_challenge_method")).toBe("S256");
    expect(genesys.requests.some((r) => r.path === "/api/v2/users/me" && r.query.get("expand") === "organization,authorization")).toBe(true);
  });

  it("runs the wizard: a failed step is retried alone, and a second run creates nothing new", async () => {
    platform.failOnce("POST", "/api/v2/integrations/credentials", 500);
    await page.getByTestId("run-install").click();
    await page.locator('[data-step="data-actions"][data-status="failed"]').waitFor();
    for (const step of ["register", "role", "oauth-client", "panel-client", "widget"]) await expect(page.getByTestId(`status-${step}`).textContent()).resolves.toBe("created");
    await expect(page.getByTestId("summary-data-actions").textContent()).resolves.toContain("500");
    await expect(page.getByTestId("status-signing-secret").textContent()).resolves.toBe("not run");
    await shot("install-failed-step");

    await page.getByTestId("retry-data-actions").click();
    await page.locator('[data-step="data-actions"][data-status="created"]').waitFor();
    // Two OAuth clients: client credentials for escalations, code grant (PKCE) for the panel.
    expect(platform.counts()).toEqual({ roles: 1, oauthClients: 2, integrations: 2, credentials: 1, actions: dataActions.length });

    await page.getByTestId("run-install").click();
    await page.locator('[data-step="signing-secret"][data-status="created"]').waitFor();
    // The wizard goes on to publish the flows (an Architect job) and create the trigger: the last step.
    await page.locator('[data-step="customer-ended"][data-status="created"]').waitFor();
    await expect(page.getByTestId("status-flows").textContent()).resolves.toBe("created");
    const secret = (await page.locator(".secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    signingSecret = secret;
    await shot("install-complete");

    // Second full run: everything is found again; the stand-in receives no create call.
    const counts = platform.counts();
    const requestsBefore = genesys.requests.length;
    await page.reload();
    await page.getByTestId("run-install").click();
    await page.locator('[data-step="customer-ended"][data-status="found"]').waitFor();
    for (const step of ["register", "role", "oauth-client", "panel-client", "widget", "data-actions", "signing-secret", "flows"]) await expect(page.getByTestId(`status-${step}`).textContent()).resolves.toBe("found");
    expect(platform.counts()).toEqual(counts);
    const creates = genesys.requests.slice(requestsBefore).filter((r) => r.method === "POST" && r.path.startsWith("/api/v2/"));
    expect(creates).toEqual([]);
    expect(await page.locator(".secret").count()).toBe(0);
    await shot("install-rerun");

    const widget = platform.records.integrations.find((i) => i.integrationType.id === "embedded-client-app-interaction-widget")!;
    const panelClient = platform.records.oauthClients.find((c) => c.authorizedGrantType === "CODE")!;
    expect((widget.config.properties as { url: string }).url).toBe(
      `${appUrl}/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}&usePopupAuth={{gcUsePopupAuth}}&panelClientId=${panelClient.id}`,
    );
  });

  it("changes settings with validation, shows the session-limit warning, and audits the change", async () => {
    // Save is disabled until hydration, so an early click cannot send the fields off in a GET.
    await withoutScript("/admin/settings", (bare) => expect(bare.getByTestId("save-settings").isDisabled()).resolves.toBe(true));
    orchestrator.respondWith(400);
    await page.goto(`${appUrl}/admin/settings`);
    await (await reactReady(page.locator('input[name="orchestratorUrl"]'))).fill(orchestrator.url);
    await page.locator('input[name="flowSessionLimitSeconds"]').fill("1200");
    await page.getByTestId("add-task-type").click();
    await page.locator('input[name="taskType-0"]').fill("CREDIT_CHECK");
    await page.locator('input[name="taskTimeout-0"]').fill("3600");
    await page.locator('input[name="taskHeartbeat-0"]').fill("300");
    // Left empty, the display name shows what agents would read; the org's own name wins.
    await expect(page.locator('input[name="taskDisplayName-0"]').getAttribute("placeholder")).resolves.toBe("Credit check");
    await page.locator('input[name="taskDisplayName-0"]').fill("Credit bureau check");
    await page.locator("details.names-per-language summary").first().click();
    await page.locator('input[name="taskDisplayName-0-de"]').fill("Bonitätsprüfung");
    // The pickers list the org's Architect workflows (not its call flows) and queues, by name, from Genesys.
    const flowPicker = page.getByTestId("picker-timeoutHandlerFlowId").locator("select");
    expect(await flowPicker.locator("option").allTextContents()).toEqual(["None", "Address change", "Long Running Timeout Handler", "Longrun Customer Ended", "Longrun timeout handler"]);
    await flowPicker.selectOption({ label: "Longrun timeout handler" });
    expect(await page.locator('input[name="timeoutHandlerFlowId"]').inputValue()).toBe(timeoutFlow.id);
    await page.getByTestId("picker-callbackQueueId").locator("select").selectOption({ label: "Card services callbacks" });
    expect(genesys.requests.some((r) => r.path === "/api/v2/flows" && r.query.getAll("type").includes("workflow"))).toBe(true);
    await page.locator('textarea[name="sourceCidrs"]').fill("10.0.0.0/33");
    await page.locator('input[name="taskHeartbeat-0"]').fill("2");
    await page.getByTestId("save-settings").click();
    await page.getByTestId("settings-error").waitFor();
    // Every problem at once, next to Save and on screen (the form is longer than the window), in words: the field by its label and what is wrong with it.
    await expectBeside(page, page.getByTestId("save-settings"), page.getByTestId("settings-error"), 40);
    await expect(page.getByTestId("settings-error").textContent()).resolves.toContain("10.0.0.0/33");
    await expect(page.getByTestId("settings-error").textContent()).resolves.toContain("CREDIT_CHECK · Heartbeat timeout (s): must be at least 5");
    await page.locator('input[name="taskHeartbeat-0"]').fill("300");
    await page.locator('textarea[name="sourceCidrs"]').fill("127.0.0.0/8\n203.0.113.0/24");
    await page.getByTestId("save-settings").click();
    await page.getByTestId("settings-saved").waitFor();
    await expectBeside(page, page.getByTestId("save-settings"), page.getByTestId("settings-saved"), 40);
    await expect(page.getByTestId("settings-warning").first().textContent()).resolves.toContain("Credit bureau check (CREDIT_CHECK): the timeout (3600 s) is longer than the flow session limit (1200 s)");

    // Rotation: a new secret is shown once, then the old one is revoked.
    const oldSecretId = (await page.locator("[data-secret-id]").first().getAttribute("data-secret-id"))!;
    await page.getByTestId("rotate-secret").click();
    await page.getByTestId("new-signing-secret").waitFor();
    // The new secret right below the button that made it, on screen.
    await expectBeside(page, page.getByTestId("rotate-secret"), page.getByTestId("new-signing-secret"), 40);
    signingSecret = ((await page.getByTestId("new-signing-secret").locator(".secret").textContent()) ?? "").trim();
    expect(signingSecret).toMatch(/^whsec_/);
    await page.locator(`[data-secret-id="${oldSecretId}"]`).getByRole("button", { name: "Revoke" }).click();
    await page.locator(`[data-secret-id="${oldSecretId}"]`).getByText("revoked").waitFor();
    await shot("settings");
    // `next start` has no trusted peer address, so a non-empty allowlist refuses every callback (fail closed): empty it again.
    await page.locator('textarea[name="sourceCidrs"]').fill("");
    await page.getByTestId("save-settings").click();
    await page.getByText("Saved.").waitFor();

    await page.goto(`${appUrl}/admin/audit`);
    const audit = (await page.getByTestId("audit-log").textContent()) ?? "";
    expect(audit).toContain("Settings changed");
    expect(audit).toContain("Source allowlist changed");
    expect(audit).toContain("Signing secret rotated");
    expect(audit).toContain("Signing secret revoked");
    expect(audit).toContain("Install step");
    expect(audit).toContain("Ada Admin");
    expect(audit).not.toContain("admin:Ada");
    // Settings read as before → after.
    expect(audit).toContain(`Timeout handler flow id: ${timeoutFlow.id}`);
    expect(audit).toMatch(/Source cidrs changed: 127\.0\.0\.0\/8 and 203\.0\.113\.0\/24 → —/);
    await shot("audit");
    await page.getByLabel("What").selectOption({ label: "Signing secret rotated" });
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/action=signing_secret.rotated/);
    expect(await page.locator("[data-action]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")))).toEqual(["signing_secret.rotated"]);
    await shot("audit-filtered");
  });

  it("searches the dashboard, opens a workflow's history, and re-drives its dead letter", async () => {
    const credential = platform.records.credentials[0]!.credentialFields as { clientId: string; clientSecret: string };
    const tokenResponse = await fetch(`${appUrl}/api/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: credential.clientId, client_secret: credential.clientSecret }),
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const ids: string[] = [];
    for (const customer of ["CUST-A", "CUST-B", "CUST-C"]) {
      const id = randomUUID();
      ids.push(id);
      const created = await fetch(`${appUrl}/api/v1/workflows`, { method: "POST", headers, body: JSON.stringify({ workflow_id: id, customer_id: customer, conversation_id: randomUUID(), timestamp: new Date().toISOString(), status: "INITIATED" }) });
      expect(created.status).toBe(201);
    }
    const task = await fetch(`${appUrl}/api/v1/workflows/${ids[1]}/tasks`, { method: "POST", headers, body: JSON.stringify({ task_type: "CREDIT_CHECK", payload: { amount: 1200 } }) });
    expect(task.status).toBe(202);
    const { callback_url: callbackUrl, task_id: taskId } = (await task.json()) as { callback_url: string; task_id: string };
    // The orchestrator refuses (400): the delivery becomes a dead letter at once.
    await expect.poll(() => orchestrator.received.length, { timeout: 10_000 }).toBeGreaterThan(0);

    await page.goto(`${appUrl}/admin`);
    await expect(page.locator("[data-workflow-id]").count()).resolves.toBe(3);
    await page.locator('input[name="customerId"]').fill("CUST-B");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/customerId=CUST-B/);
    await expect(page.locator("[data-workflow-id]").count()).resolves.toBe(1);
    await expect(page.locator(`[data-workflow-id="${ids[1]}"]`).textContent()).resolves.toContain("Credit bureau check · Sending to the external system");
    // Local time with its zone, UTC on hover.
    const created = page.locator(`[data-workflow-id="${ids[1]}"] time`).first();
    expect(await created.textContent()).toMatch(/GMT\+1|CET/);
    expect(await created.getAttribute("title")).toMatch(/UTC$/);
    await shot("dashboard");
    await page.goto(`${appUrl}/admin?taskType=CREDIT_CHECK&status=PENDING`);
    await expect(page.locator("[data-workflow-id]").count()).resolves.toBe(1);

    await page.goto(`${appUrl}/admin/workflows/${ids[1]}`);
    const history = (await page.getByTestId("event-history").textContent()) ?? "";
    expect(history).toContain("Credit bureau check requested");
    expect(history).toContain("Started → In progress");
    expect(history).not.toContain("TASK_DISPATCHED");
    await shot("workflow");

    await page.goto(`${appUrl}/admin/dead-letters`);
    await page.locator("[data-dead-letter-id]").first().waitFor({ timeout: 10_000 });
    const row = page.locator("[data-dead-letter-id]").first();
    await expect(row.textContent()).resolves.toContain("400");
    await expect(row.textContent()).resolves.toContain("CUST-B");
    await expect(row.textContent()).resolves.toContain("Credit bureau check");
    await expect(row.textContent()).resolves.toContain("Send the task to the external system");
    await shot("dead-letters");
    orchestrator.respondWith(202);
    const before = orchestrator.received.length;
    // By keyboard: focus the row's button and press Enter; the outcome is said beside it.
    await row.getByRole("button", { name: "Re-drive now" }).focus();
    await page.keyboard.press("Enter");
    await row.getByText("Delivered").waitFor();
    await expectBeside(page, row.getByRole("button", { name: "Re-drive now" }), row.getByRole("status"), 40);
    expect(orchestrator.received.length).toBe(before + 1);
    await shot("dead-letter-redriven");
    await page.reload();
    await expect(page.locator("[data-dead-letter-id]").count()).resolves.toBe(0);

    // Signed with the rotated secret, like every external system's call.
    const post = (url: string, body: string) => {
      const id = `msg_${randomUUID()}`;
      const now = new Date();
      return fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": new Webhook(signingSecret).sign(id, now, body) },
        body,
      });
    };
    // Heartbeats and a progress callback: one history row with the count and the latest progress, opened by keyboard to see each.
    const heartbeatUrl = `${appUrl}/api/v1/workflows/${ids[1]}/tasks/${taskId}/heartbeat`;
    await expect.poll(async () => (await post(heartbeatUrl, "{}")).status, { timeout: 10_000 }).toBe(200);
    expect((await post(heartbeatUrl, "{}")).status).toBe(200);
    expect((await post(callbackUrl, JSON.stringify({ status: "PROCESSING", message: "checking the bureau" }))).status).toBe(200);
    expect((await post(heartbeatUrl, "{}")).status).toBe(200);
    await page.goto(`${appUrl}/admin/workflows/${ids[1]}`);
    const run = page.getByTestId("heartbeat-run");
    await expect(run.count()).resolves.toBe(1);
    await expect(page.locator('[data-event-type="TASK_HEARTBEAT"], [data-event-type="TASK_PROGRESS"]').count()).resolves.toBe(0);
    const summary = run.locator("summary");
    expect(await summary.innerText()).toMatch(/^4 heartbeats, latest progress: “checking the bureau”, last at .+/);
    const each = run.getByRole("list", { name: "The heartbeats and progress callbacks one by one" });
    expect(await each.isVisible()).toBe(false);
    await summary.focus();
    await page.keyboard.press("Enter");
    await each.waitFor({ state: "visible", timeout: 10_000 });
    const lines = await each.locator("li").allInnerTexts();
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain("checking the bureau");
    await shot("workflow-heartbeats");

    // The orchestrator's result: the SLA view then has a time to result.
    const callback = await post(callbackUrl, JSON.stringify({ status: "COMPLETED", result: "SUCCESS", result_data: { score: 712 } }));
    expect(callback.status).toBe(200);
  });

  it("answers an unknown admin address inside the admin shell, and speaks the browser's language when Longrun has no catalogue for the Genesys one", async () => {
    const res = await page.goto(`${appUrl}/admin/no-such-page`);
    expect(res?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await expect(page.getByTestId("admin-who").textContent()).resolves.toContain("Ada Admin");
    await shot("not-found");
    const german = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "de-DE", extraHTTPHeaders: { "accept-language": "de-DE,de;q=0.9" }, timezoneId: "Europe/Berlin" });
    await german.addCookies(await context.cookies());
    const dePage = await german.newPage();
    await dePage.goto(`${appUrl}/admin`);
    await dePage.getByRole("link", { name: "Einstellungen" }).waitFor();
    expect(await dePage.evaluate(() => document.documentElement.lang)).toBe("de");
    // The org's German name for the task type.
    expect((await dePage.locator("[data-workflow-id]").allTextContents()).join(" ")).toContain("Bonitätsprüfung");
    await checkState(dePage, "admin-dashboard-1280-de");
    await german.close();
  });

  it("speaks the language of the admin's Genesys user, whatever the browser asks for", async () => {
    const dora = genesys.addUser({ orgId, orgName, name: "Dora Admin", languagePreference: "de", permissions: ["integrations:integration:edit"] });
    const english = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US", extraHTTPHeaders: { "accept-language": "en-US,en;q=0.9" }, timezoneId: "Europe/Berlin" });
    const doraPage = await english.newPage();
    genesys.setLoginUser(dora.id);
    await doraPage.goto(`${appUrl}/admin`);
    await doraPage.waitForURL(/\/admin\/sign-in/);
    await doraPage.getByRole("button", { name: "Sign in with Genesys Cloud" }).click();
    await doraPage.waitForURL(/\/admin$/);
    await doraPage.getByRole("link", { name: "Einstellungen" }).waitFor();
    expect(await doraPage.evaluate(() => document.documentElement.lang)).toBe("de");
    await doraPage.goto(`${appUrl}/admin/settings`);
    await doraPage.getByRole("button", { name: "Einstellungen speichern" }).waitFor();
    await checkState(doraPage, "admin-settings-1280-de");
    await english.close();
  });

  it("shows the SLA view with charts computed from the event log", async () => {
    await page.goto(`${appUrl}/admin/sla`);
    const table = (await page.getByTestId("sla-table").textContent()) ?? "";
    // The org's name for the task type, its code on hover.
    expect(table).toContain("Credit bureau check");
    await expect(page.locator('[data-task-type="CREDIT_CHECK"] td').first().getAttribute("title")).resolves.toBe("CREDIT_CHECK");
    await page.getByTestId("chart-percentiles").waitFor();
    await page.getByTestId("chart-over-time").waitFor();
    await shot("sla");
  });

  it("uninstalls after a typed confirmation: removed from Genesys, the org's data deleted", async () => {
    await page.goto(`${appUrl}/admin/install`);
    await expect(page.getByTestId("uninstall").isDisabled()).resolves.toBe(true);
    await (await reactReady(page.getByTestId("uninstall-confirm"))).fill(orgName);
    await page.getByTestId("uninstall").click();
    await page.getByText("Longrun deleted the organization's data").waitFor();
    await shot("uninstalled");
    expect(platform.counts()).toEqual({ roles: 0, oauthClients: 0, integrations: 0, credentials: 0, actions: 0 });
    await page.goto(`${appUrl}/admin`);
    await page.waitForURL(/\/admin\/install$/);
  });
});
