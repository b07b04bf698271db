// Longrun's HTTP server (npm start / npm run dev): Next.js behind a thin layer
// that tells route handlers the real socket address of each request (header
// x-longrun-peer, deleted first if a client sent one; lib/security/peer-header.ts).
// Honours PORT (default 3000), HOST (default: all interfaces) and NEXT_DIST_DIR
// (through next.config.js). On Vercel this file is not used: Vercel's own
// headers give the client address there.
import { readFileSync } from "node:fs";
import path from "node:path";
import next from "next";
import { prepareDatabase } from "./lib/db/prepare-database";
import { createPeerServer } from "./lib/security/peer-server";
import { securityConfig } from "./lib/security/security-config";

const dev = process.argv.includes("--dev");
const env = process.env as Record<string, string | undefined>;
env.NODE_ENV ??= dev ? "development" : "production";
// Route handlers believe x-longrun-peer only when this server put it there.
env.LONGRUN_PEER_HEADER = "1";

// A long-running production server keeps its whole pool open (a fixed-size pool):
// a burst after a quiet spell then finds its connections ready (bench/README.md, "Open loop").
if (!dev) env.DATABASE_POOL_MIN ??= env.DATABASE_POOL_SIZE ?? "20";

// A bad TRUSTED_PROXY_CIDRS or limit stops the start here, not every request later.
securityConfig();

// Before Next loads any route: DATABASE_URL, or the embedded PostgreSQL started/joined, migrated.
const database = await prepareDatabase();
if (database.applied.length > 0) console.log(JSON.stringify({ time: new Date().toISOString(), level: "info", event: "database.migrated", applied: database.applied }));

const port = Number(env.PORT ?? 3000);
const host = env.HOST || undefined;

// `npm run build` compiles this file to dist/server.js (`npm start` runs that, no
// TypeScript transpiler at run time); `npm run dev` runs it as TypeScript. Next
// looks for next.config.js and its build in the project folder either way.
const projectDir = path.basename(import.meta.dirname) === "dist" ? path.dirname(import.meta.dirname) : import.meta.dirname;
// Next allows one dev server per build folder (it locks <distDir>/dev/lock and
// exits otherwise); a second `npm run dev` (another PORT) gets a folder of its own.
if (dev && !env.NEXT_DIST_DIR && devServerRunning(path.join(projectDir, ".next/dev/lock"))) env.NEXT_DIST_DIR = `.next-dev-${port}`;

function devServerRunning(lockFile: string): boolean {
  try {
    const { pid } = JSON.parse(readFileSync(lockFile, "utf8")) as { pid?: unknown };
    if (typeof pid !== "number" || pid === process.pid) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const app = next({ dev, dir: projectDir, port, ...(host ? { hostname: host } : {}) });
await app.prepare();
// Production serves the hot routes (a callback) without Next's router once Next has loaded them (lib/http/direct-routes.ts).
const server = createPeerServer(app.getRequestHandler(), app.getUpgradeHandler(), { directRoutes: !dev });
server.listen(port, host, () => {
  console.log(JSON.stringify({ time: new Date().toISOString(), level: "info", event: "server.listening", port, host: host ?? "*", dev, database: database.embedded ? "embedded" : "DATABASE_URL" }));
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    // Long-lived streams would hold close() open; give them a moment, then go.
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
