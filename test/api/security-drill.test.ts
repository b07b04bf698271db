// The short crash drill (the long one is `npm run drill`): the production
// server (`npm start`, built once and shared with the browser tests) on this
// file's PostgreSQL, SIGKILLed with its whole process tree under a mixed load
// and started again. Every acknowledged write must be there, no event twice,
// and every dispatch at the orchestrator under one webhook-id per task.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCrashDrill } from "@/scripts/drill/crash-drill";
import buildForBrowserTests, { browserDistDir } from "@/test/browser/global-setup";

const root = path.resolve(import.meta.dirname, "../..");

/** The compiled server `npm start` runs, rebuilt when server.ts or lib is newer. */
function ensureCompiledServer(): void {
  const out = path.join(root, "dist/server.js");
  if (existsSync(out) && statSync(out).mtimeMs > Math.max(statSync(path.join(root, "server.ts")).mtimeMs, statSync(path.join(root, "lib")).mtimeMs)) return;
  const result = spawnSync("npm", ["run", "--silent", "build:server"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm run build:server failed: ${result.stderr}`);
}

describe("crash drill", () => {
  it("keeps every acknowledged write, records no event twice and dispatches each task under one webhook-id across a SIGKILL of the server", async () => {
    buildForBrowserTests();
    ensureCompiledServer();
    const report = await runCrashDrill({ serverUrl: process.env.DATABASE_URL!, loadSeconds: 6, killAfterSeconds: 3, clients: 4, distDir: browserDistDir, drainSeconds: 90 });
    const summary = JSON.stringify(report, null, 2);
    expect(report.acknowledged.initiates, summary).toBeGreaterThan(0);
    expect(report.acknowledged.dispatches, summary).toBeGreaterThan(0);
    expect(report.acknowledged.callbacks, summary).toBeGreaterThan(0);
    expect(report.missing, summary).toEqual([]);
    expect(report.duplicateEvents, summary).toBe(0);
    expect(report.dispatch.reached, summary).toBe(report.dispatch.tasks);
    expect(report.dispatch.tasksWithSeveralIds, summary).toEqual([]);
    expect(report.serverErrors, summary).toEqual([]);
    expect(report.ok, summary).toBe(true);
  }, 420_000);
});
