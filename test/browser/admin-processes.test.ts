// The admin console's Processes pages in a real Chromium against the running
// app and the Genesys stand-in: an admin creates a process, sees every error
// of an invalid definition as they type, saves, reads the step list, stores a
// second version and opens the first one again.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  const admin = genesys.addUser({ orgId: org!.orgId, orgName: "Browser test org 1", name: "Ada Admin", permissions: ["integrations:integration:edit"] });
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
    },
  });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
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
  await page.getByTestId("process-editor").fill(JSON.stringify(definition, null, 2));
}

describe("admin processes", () => {
  it("creates a process: every error of an invalid definition is listed as the admin types, and Save waits for a valid one", async () => {
    await page.getByRole("link", { name: "Processes" }).click();
    await page.waitForURL(`${app.url}/admin/processes`);
    await expect(page.getByTestId("processes").textContent()).resolves.toContain("No processes yet");
    await page.getByLabel("New process name").fill("card-fraud");
    await page.getByRole("button", { name: "Create…" }).click();
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
    for (const code of ["UNKNOWN_STEP", "BAD_REFERENCE", "UNREACHABLE_STEP"]) expect(text).toContain(code);
    await expect(page.getByRole("button", { name: "Save as a new version" }).isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: path.join(screenshots, "admin-process-errors.png"), fullPage: true });

    const fraud = JSON.parse(await import("node:fs/promises").then((fs) => fs.readFile(path.join(root, "genesys/processes/card-fraud.json"), "utf8"))) as unknown;
    await typeDefinition(fraud);
    await expect(page.getByTestId("process-valid").textContent()).resolves.toBe("Valid: 4 steps.");
    await page.getByRole("button", { name: "Save as a new version" }).click();
    await expect(page.getByTestId("process-saved").textContent()).resolves.toContain("Stored as version 1.");
  });

  it("shows the version as a step list with every way out of each step, defaults marked", async () => {
    await page.goto(`${app.url}/admin/processes/card-fraud`);
    const steps = page.getByTestId("process-steps");
    const fraud = steps.locator('[data-step="fraud"]');
    await expect(fraud.textContent()).resolves.toContain("Step 1 of 4 · Fraud check");
    const fraudText = (await fraud.textContent())!;
    expect(fraudText).toContain("up to 3 attempts, 10 s × 2ⁿ (at most 300 s) apart");
    expect(fraudText).toContain("not retried: CARD_BLOCKED");
    expect(fraudText).toContain("(risk = LOW) → credit");
    expect(fraudText).toContain("(any other risk) → review");
    expect(fraudText).toMatch(/on timeout → escalate \(default\)/);
    await expect(steps.locator('[data-step="review"]').textContent()).resolves.toContain("waits 1 d");
    await page.screenshot({ path: path.join(screenshots, "admin-process-steps.png"), fullPage: true });
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
    await expect(page.getByTestId("process-steps").locator('[data-step="fraud"]').textContent()).resolves.toContain("timeout 5 min");
    await page.getByTestId("process-versions").getByRole("link", { name: "v1" }).click();
    await page.waitForURL(/version=1$/);
    await expect(page.getByTestId("process-steps").locator('[data-step="fraud"]').textContent()).resolves.toContain("timeout 10 min");
    await page.goto(`${app.url}/admin/processes`);
    await expect(page.getByTestId("processes").locator('[data-process="card-fraud"]').textContent()).resolves.toContain("v2");
  });
});
