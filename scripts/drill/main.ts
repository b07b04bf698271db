// npm run drill [-- --seconds 30 --kill-after 12 --clients 8]
// The crash drill against the production server (`npm start`): builds it if
// the build is older than the sources, runs it on DATABASE_URL's PostgreSQL
// (or, without DATABASE_URL, the embedded one of .data), each run in a fresh
// database it drops afterwards. Exit code 0 when every check held.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { runCrashDrill } from "./crash-drill";

const root = path.resolve(import.meta.dirname, "../..");
const sources = ["app", "lib", "public", "prisma", "server.ts", "next.config.js", "package-lock.json", "tsconfig.json", "instrumentation.ts"];

function newest(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const child of readdirSync(entry)) if (child !== "generated" && child !== "node_modules") max = Math.max(max, newest(path.join(entry, child)));
  return max;
}

/** `npm run build` (Next and the compiled server) unless both are newer than every source. */
export function ensureBuild(distDir: string): void {
  const buildId = path.join(root, distDir, "BUILD_ID");
  const serverJs = path.join(root, "dist/server.js");
  const changed = Math.max(...sources.map((s) => newest(path.join(root, s))));
  if (existsSync(buildId) && existsSync(serverJs) && statSync(buildId).mtimeMs > changed && statSync(serverJs).mtimeMs > changed) return;
  console.log(`drill: building (${distDir}, dist/server.js)…`);
  const result = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.status})`);
}

async function serverUrl(): Promise<{ url: string; release: () => void }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, release: () => undefined };
  const { startEmbeddedPostgres } = await import("@/lib/db/embedded-postgres.mjs");
  const embedded = await startEmbeddedPostgres();
  return { url: embedded.url, release: () => void embedded.release() };
}

const { values } = parseArgs({ options: { seconds: { type: "string" }, "kill-after": { type: "string" }, clients: { type: "string" }, "dist-dir": { type: "string" } } });
const distDir = values["dist-dir"] ?? process.env.NEXT_DIST_DIR ?? ".next";
ensureBuild(distDir);
const database = await serverUrl();
try {
  const report = await runCrashDrill({
    serverUrl: database.url,
    loadSeconds: Number(values.seconds ?? 30),
    killAfterSeconds: Number(values["kill-after"] ?? 12),
    clients: Number(values.clients ?? 8),
    distDir,
    drainSeconds: 120,
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(report, null, 2));
  console.log(report.ok ? "drill: every check held" : "drill: FAILED");
  process.exitCode = report.ok ? 0 : 1;
} finally {
  database.release();
}
