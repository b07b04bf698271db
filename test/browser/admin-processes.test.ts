// The admin console's Processes pages in a real Chromium against the running
// app and the Genesys stand-in: an admin creates a process, sees every error
// of an invalid definition as they type, saves, reads the step list, stores a
// second version and opens the first one again; the same pages in German; each
// page screenshotted and checked with axe-core.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkState, expectBeside, reactReady } from "@/test/browser/page-checks";
import { createTestDatabase, freePort, seedOrgs, startApp, type RunningApp, type TestDatabase } from "@/test/browser/running-app";
import { startGenesysStandIn, type GenesysStandIn } from "@/test/support/genesys-stand-in";

const root = path.resolve(import.meta.dirname, "../..");
const screenshots = path.join(root, "test-output/screenshots");
const adminClient = { clientId: "longrun-admin-processes-test", secret: "admin-client-secret-0123456789" };

let genesys: GenesysStandIn;
let database: TestDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  const [standIn, db, port, chrome] = await Promise.all([
    startGenesysStandIn(),
    createTestDatabase(),
    freePort(),
    chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"] }),
  ]);
  genesys = standIn;
  database = db;
  browser = chrome;
  const [org] = await seedOrgs(database.url, 1);
  const appUrl = `http://127.0.0.1:${port}`;
  genesys.addClient({ ...adminClient, redirectUris: [`${appUrl}/api/auth/callback/genesys`] });
  // A Genesys language Longrun has no catalogue for: the console follows the browser's Accept-Language (English, then German below).
  const admin = genesys.addUser({ orgId: org!.orgId, orgName: "Browser test org 1", name: "Ada Admin", languagePreference: "nl", permissions: ["integrations:integration:edit"] });
  app = await startApp({
    databaseUrl: database.url,
    port,
    env: {
      NEXTAUTH_URL: appUrl,
      NEXTAUTH_SECRET: "admin-processes-test-nextauth-secret-0123456789",
      GENESYS_ADMIN_CLIENT_ID: adminClient.clientId,
      GENESYS_ADMIN_CLIENT_SECRET: adminClient.secret,
      GENESYS_API_BASE_URL: genesys.url,
      GENESYS_LOGIN_BASE_URL: genesys.url,
      LOG_LEVEL: "warn",
      // Spark from the installed package: this machine is offline.
      SPARK_ASSETS: "local",
    },
  });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US", extraHTTPHeaders: { "accept-language": "en-US,en;q=0.9" } })).newPage();
  genesys.setLoginUser(admin.id);
  await page.goto(`${app.url}/admin`);
  await page.waitForURL(/\/admin\/sign-in/);
  await page.getByRole("button", { name: "Sign in with Genesys Cloud" }).click();
  await page.waitForURL(`${app.url}/admin`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await genesys?.close();
  await database?.drop();
});

async function typeDefinition(definition: unknown): Promise<void> {
  await (await reactReady(page.getByTestId("process-editor"))).fill(JSON.stringify(definition, null, 2));
}

describe("admin processes", () => {
  it("creates a process: every error of an invalid definition is listed in words as the admin types, and Save waits for a valid one", async () => {
    await page.getByRole("link", { name: "Processes" }).click();
    await page.waitForURL(`${app.url}/admin/processes`);
    await expect(page.getByTestId("processes").textContent()).resolves.toContain("No processes yet");
    await checkState(page, "admin-processes-empty-1280");

    // A name the server refuses (the pattern is the browser's first check; the server says it again, next to the field).
    await page.goto(`${app.url}/admin/processes?create=Card%20Fraud`);
    const nameError = page.getByTestId("process-name-error");
    await expect(nameError.textContent()).resolves.toBe("“Card Fraud” is not a process name: use lower-case letters, digits, _ . and -, starting with a letter or digit (at most 64).");
    // Next to the form that caused it: right below the field, in view without scrolling.
    await expectBeside(page, page.getByLabel("New process name"), nameError, 80);
    await expect(page.getByLabel("New process name").getAttribute("aria-describedby")).resolves.toBe("process-name-error");

    // By keyboard alone: the name field, then Enter.
    await page.getByLabel("New process name").fill("card-fraud");
    await page.getByLabel("New process name").press("Enter");
    await page.waitForURL(`${app.url}/admin/processes/card-fraud/edit`);

    await typeDefinition({
      steps: [
        { name: "fraud", kind: "task", task_type: "FRAUD_VERIFICATION", input: { s: "$.steps.credit.result.score" }, on_success: { field: "risk", cases: { LOW: "credit", HIGH: "nowhere" } } },
        { name: "credit", kind: "task", task_type: "CREDIT_CHECK", on_success: "end" },
        { name: "orphan", kind: "wait", duration: 60 },
      ],
    });
    const errors = page.getByTestId("process-errors");
    await expect(errors.textContent()).resolves.toContain("3 problems");
    const text = (await errors.textContent())!;
    expect(text).toContain("Step 1 (fraud) · on_success.cases.HIGH · no step is named “nowhere”");
    expect(text).toContain("Step 3 (orphan) · no way from the first step leads to “orphan”, so it never runs");
    expect(text).toContain("“credit” does not always succeed before “fraud” starts, so its result may be missing");
    // Words, not the validator's codes.
    for (const code of ["UNKNOWN_STEP", "BAD_REFERENCE", "UNREACHABLE_STEP"]) expect(text).not.toContain(code);
    await expect(page.getByRole("button", { name: "Save as a new version" }).isDisabled()).resolves.toBe(true);
    await checkState(page, "admin-process-errors-1280");

    await page.getByTestId("process-editor").fill('{ "steps": [ { "name": "a", } ] }');
    await expect(errors.textContent()).resolves.toMatch(/The definition · This is not valid JSON near line 1, column \d+/);

    const fraud = JSON.parse(await import("node:fs/promises").then((fs) => fs.readFile(path.join(root, "genesys/processes/card-fraud.json"), "utf8"))) as unknown;
    await typeDefinition(fraud);
    await expect(page.getByTestId("process-valid").textContent()).resolves.toBe("Valid: 4 steps.");
    // Save by keyboard: Tab from the editor reaches the button.
    await page.getByTestId("process-editor").focus();
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Save as a new version");
    await page.keyboard.press("Enter");
    const saved = page.getByTestId("process-saved");
    await expect(saved.textContent()).resolves.toContain("Stored as version 1.");
    // Said beside the button that saved.
    await expectBeside(page, page.getByRole("button", { name: "Save as a new version" }), saved, 40);
    await checkState(page, "admin-process-saved-1280");
  });

  it("shows the version as a step list with every way out of each step, defaults marked", async () => {
    await page.goto(`${app.url}/admin/processes/card-fraud`);
    const steps = page.getByTestId("process-steps");
    const fraud = steps.locator('[data-step="fraud"]');
    await expect(fraud.textContent()).resolves.toContain("Step 1 of 4 · Fraud check");
    const fraudText = (await fraud.textContent())!;
    expect(fraudText).toContain("up to 3 attempts: the first retry after 10 seconds, each wait 2 times the one before, at most 5 minutes");
    expect(fraudText).toContain("not retried after: CARD_BLOCKED");
    expect(fraudText).toContain("(if risk is LOW) → credit");
    expect(fraudText).toContain("(if risk is anything else) → review");
    expect(fraudText).toMatch(/on timeout → escalate \(default\)/);
    await expect(steps.locator('[data-step="review"]').textContent()).resolves.toContain("waits 1 day");
    await checkState(page, "admin-process-steps-1280");
  });

  it("stores an edit as version 2 and still shows version 1 as it was", async () => {
    await page.getByRole("link", { name: /Edit \(stores v2\)/ }).click();
    await page.waitForURL(`${app.url}/admin/processes/card-fraud/edit`);
    const current = JSON.parse(await page.getByTestId("process-editor").inputValue()) as { steps: Array<Record<string, unknown>> };
    current.steps[0]!.timeout = 300;
    await typeDefinition(current);
    await page.getByRole("button", { name: "Save as a new version" }).click();
    await expect(page.getByTestId("process-saved").textContent()).resolves.toContain("Stored as version 2.");

    await page.goto(`${app.url}/admin/processes/card-fraud`);
    await expect(page.getByTestId("process-steps").locator('[data-step="fraud"]').textContent()).resolves.toContain("timeout 5 minutes per attempt");
    await page.getByTestId("process-versions").getByRole("link", { name: "v1" }).click();
    await page.waitForURL(/version=1$/);
    await expect(page.getByTestId("process-steps").locator('[data-step="fraud"]').textContent()).resolves.toContain("timeout 10 minutes per attempt");
    await page.goto(`${app.url}/admin/processes`);
    await expect(page.getByTestId("processes").locator('[data-process="card-fraud"]').textContent()).resolves.toContain("v2");
    await checkState(page, "admin-processes-1280");
  });

  it("speaks German to a German browser: the list, the steps and the editor's problems", async () => {
    const german = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "de-DE", extraHTTPHeaders: { "accept-language": "de-DE,de;q=0.9" }, timezoneId: "Europe/Berlin" });
    await german.addCookies(await page.context().cookies());
    const dePage = await german.newPage();
    await dePage.goto(`${app.url}/admin/processes/card-fraud`);
    const fraud = (await dePage.getByTestId("process-steps").locator('[data-step="fraud"]').textContent())!;
    expect(fraud).toContain("Schritt 1 von 4");
    expect(fraud).toContain("bis zu 3 Versuche: die erste Wiederholung nach 10 Sekunden");
    expect(fraud).toContain("(wenn risk gleich LOW ist) → credit");
    expect(fraud).toMatch(/bei Zeitüberschreitung → Eskalation \(Standard\)/);
    await expect(dePage.getByTestId("process-steps").locator('[data-step="review"]').textContent()).resolves.toContain("wartet 1 Tag");
    await checkState(dePage, "admin-process-steps-1280-de");
    await dePage.goto(`${app.url}/admin/processes/card-fraud/edit`);
    await (await reactReady(dePage.getByTestId("process-editor"))).fill(JSON.stringify({ steps: [{ name: "a", kind: "task", task_type: "A", timeout: 2, on_failure: "ghost" }] }));
    const errors = (await dePage.getByTestId("process-errors").textContent())!;
    expect(errors).toContain("2 Probleme");
    expect(errors).toContain("Schritt 1 (a) · timeout · muss mindestens 5 sein");
    expect(errors).toContain("kein Schritt heißt „ghost“");
    await checkState(dePage, "admin-process-errors-1280-de");
    await german.close();
  });
});
