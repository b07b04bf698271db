// Builds the app once for the browser tests, into its own folder so that it
// never touches a developer's .next. The build is reused when no source it
// depends on changed since (a second `npm test` then starts in seconds);
// LONGRUN_BROWSER_BUILD=always forces a fresh one.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const browserDistDir = ".next-browser";

const root = path.resolve(import.meta.dirname, "../..");
const sources = ["app", "lib", "public", "prisma", "next.config.js", "package-lock.json", "tsconfig.json", "instrumentation.ts"];

function newestChange(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) {
    // Generated code follows the schema, which is watched itself.
    if (child === "generated" || child === "node_modules") continue;
    newest = Math.max(newest, newestChange(path.join(entry, child)));
  }
  return newest;
}

function buildIsCurrent(): boolean {
  const buildId = path.join(root, browserDistDir, "BUILD_ID");
  if (process.env.LONGRUN_BROWSER_BUILD === "always" || !existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  return sources.every((s) => newestChange(path.join(root, s)) < builtAt);
}

export default function setup(): void {
  if (buildIsCurrent()) return;
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    env: { ...process.env, NEXT_DIST_DIR: browserDistDir, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", NEXT_SKIP_TYPECHECK: "1", LONGRUN_TEST_BUILD: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`next build for the browser tests failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  console.log(`browser tests: next build took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
