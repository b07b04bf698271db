// A fresh database per benchmark run, with the committed migrations applied by
// the project's own command (scripts/migrate.mjs): a new database on the local
// PostgreSQL server, or a PGlite folder in a temporary directory.
import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { registerCleanup } from "./cleanup-registry";
import { assertLoopback } from "./loopback";

const run = promisify(execFile);

export type DatabaseKind = "postgres" | "pglite";

export interface BenchDatabase {
  kind: DatabaseKind;
  /** DATABASE_URL for the app and for scripts/migrate.mjs. */
  url: string;
  /** The PGlite data folder (pglite only). */
  pgliteDir?: string;
  /** Database name on the server (postgres only). */
  name?: string;
  /** Drops the database or removes the folder. */
  drop: () => Promise<void>;
}

export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function migrate(databaseUrl: string): Promise<void> {
  await run(process.execPath, ["scripts/migrate.mjs", "deploy"], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: databaseUrl },
    maxBuffer: 16 * 1024 * 1024,
  });
}

export async function createBenchDatabase(kind: DatabaseKind, postgresServerUrl: string): Promise<BenchDatabase> {
  if (kind === "postgres") {
    assertLoopback(postgresServerUrl);
    const name = `longrun_bench_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: postgresServerUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const drop = registerCleanup(`drop database ${name}`, async () => {
      const dropper = new pg.Client({ connectionString: postgresServerUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    });
    const url = databaseUrlFor(postgresServerUrl, name);
    await migrate(url);
    return { kind, url, name, drop };
  }
  const root = await mkdtemp(path.join(os.tmpdir(), "longrun-bench-pglite-"));
  const drop = registerCleanup(`remove ${root}`, () => rm(root, { recursive: true, force: true }));
  const dir = path.join(root, "pglite");
  const url = `file:${dir}`;
  await migrate(url);
  return { kind, url, pgliteDir: dir, drop };
}
