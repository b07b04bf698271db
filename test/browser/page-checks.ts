// What every page and panel state is checked for in the browser tests: a
// screenshot into test-output/screenshots/, Spark's elements defined, and
// axe-core with no serious or critical violation.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

export const screenshots = path.resolve(import.meta.dirname, "../../test-output/screenshots");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Waits until every gux-* element on the page is a defined and hydrated Spark component (Stencil hides them until then). */
export async function sparkReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () => [...document.querySelectorAll("*")].every((el) => !el.localName.startsWith("gux-") || (customElements.get(el.localName) !== undefined && el.hasAttribute("hydrated"))),
    undefined,
    { timeout: 30_000 },
  );
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/**
 * Waits until React has hydrated the element (it then carries React's props): a field filled before that keeps its
 * text in the page, but React's state still holds the server's value and the form would send that.
 */
export async function reactReady(field: Locator): Promise<Locator> {
  await field.waitFor({ timeout: 30_000 });
  await expect.poll(() => field.evaluate((el) => Object.keys(el).some((key) => key.startsWith("__reactProps$"))), { timeout: 30_000 }).toBe(true);
  return field;
}

/** Runs axe-core on the page; fails with the rule, its help and where, for every serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const hasAxe = await page.evaluate(() => "axe" in window);
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** Screenshot and axe for one state of one page. */
export async function checkState(page: Page, name: string): Promise<void> {
  await sparkReady(page);
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  await expectAccessible(page, name);
}

/** Requests to anything but this machine: the browser tests run offline, Spark included. */
export function recordOutsideRequests(page: Page, allowed: (url: URL) => boolean = () => false): string[] {
  const outside: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.hostname === "127.0.0.1" || url.hostname === "localhost" || allowed(url)) return;
    outside.push(request.url());
  });
  return outside;
}

/**
 * Feedback next to the action that caused it: both on screen as the page now
 * stands (no scrolling by the test), and the feedback's nearest edge at most
 * `distance` px from the action's.
 */
export async function expectBeside(page: Page, action: Locator, feedback: Locator, distance = 160): Promise<void> {
  const viewport = page.viewportSize()!;
  const [a, f] = await Promise.all([action.boundingBox(), feedback.boundingBox()]);
  expect(a, "the action is shown").not.toBeNull();
  expect(f, "the feedback is shown").not.toBeNull();
  const onScreen = (box: { x: number; y: number; width: number; height: number }) => box.y >= 0 && box.y + box.height <= viewport.height && box.x >= 0 && box.x + box.width <= viewport.width;
  expect(onScreen(a!), `action on screen: ${JSON.stringify(a)}`).toBe(true);
  expect(onScreen(f!), `feedback on screen: ${JSON.stringify(f)} in ${JSON.stringify(viewport)}`).toBe(true);
  const gapY = Math.max(0, f!.y - (a!.y + a!.height), a!.y - (f!.y + f!.height));
  const gapX = Math.max(0, f!.x - (a!.x + a!.width), a!.x - (f!.x + f!.width));
  expect(Math.hypot(gapX, gapY), `feedback ${JSON.stringify(f)} beside action ${JSON.stringify(a)}`).toBeLessThanOrEqual(distance);
}
