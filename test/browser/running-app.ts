// Starts the built app (`next start`) against its own database, seeded with
// orgs before the server opens it: a PGlite folder may be opened by one
// process only, so seeding happens here first and the server comes second.
// With TEST_DATABASE_URL a fresh PostgreSQL database is used instead, and
// several instances can share it (LISTEN/NOTIFY fan-out).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { closeDb } from "@/lib/db/client";
import { createTestDatabase as createFreshDatabase } from "@/test/support/postgres-test-database";
import { resetEnvCache } from "@/lib/env";
import { createOrg, type CreatedOrg } from "@/lib/orgs/create-org";
import { browserDistDir } from "@/test/browser/global-setup";

const root = path.resolve(import.meta.dirname, "../..");

export type { TestDatabase } from "@/test/support/postgres-test-database";
import type { TestDatabase } from "@/test/support/postgres-test-database";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** An empty database with the committed migrations applied, on the run's PostgreSQL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  return createFreshDatabase("longrun_browser");
}

/** Registers orgs in the database (before any server opens it). */
export async function seedOrgs(databaseUrl: string, count: number): Promise<CreatedOrg[]> {
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = databaseUrl;
  resetEnvCache();
  try {
    const orgs: CreatedOrg[] = [];
    for (let i = 0; i < count; i++) orgs.push(await createOrg({ orgId: randomUUID(), region: "mypurecloud.com", name: `Browser test org ${i + 1}` }));
    return orgs;
  } finally {
    await closeDb();
    process.env.DATABASE_URL = previous;
    resetEnvCache();
  }
}

export interface RunningApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startApp(options: { databaseUrl: string; env: Record<string, string>; port?: number }): Promise<RunningApp> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      ...options.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: browserDistDir,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: options.databaseUrl,
      PUBLIC_BASE_URL: url,
      // The tests drive timeouts through the cron route; no background timers.
      LONGRUN_SCHEDULER: "off",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`next start did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  };
}
