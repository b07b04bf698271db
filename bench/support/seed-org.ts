// Seeds an org before the app server starts, in a process of its own (the bench keeps no pool of its own open meanwhile).

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { CreatedOrg } from "@/lib/orgs/create-org";

const run = promisify(execFile);

/** `checkout`: another checkout whose own seed script and createOrg to use (engine-compare); default this one. */
export async function seedOrg(databaseUrl: string, encryptionKey: string, checkout?: string): Promise<CreatedOrg> {
  const script = checkout ? path.join(checkout, "bench", "support", "seed-org-cli.ts") : path.join(import.meta.dirname, "seed-org-cli.ts");
  const { stdout } = await run(process.execPath, ["--import", "tsx", script], {
    cwd: checkout ?? process.cwd(),
    env: { ...process.env, DATABASE_URL: databaseUrl, ENCRYPTION_KEY: encryptionKey, LOG_LEVEL: "warn" },
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout) as CreatedOrg;
}
