// Seeds an org before the app server starts. It runs in its own process so
// that a PGlite folder is certainly released (one process per folder) before
// the server opens it.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { CreatedOrg } from "@/lib/orgs/create-org";

const run = promisify(execFile);

export async function seedOrg(databaseUrl: string, encryptionKey: string): Promise<CreatedOrg> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "seed-org-cli.ts")], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: databaseUrl, ENCRYPTION_KEY: encryptionKey, LOG_LEVEL: "warn" },
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout) as CreatedOrg;
}
