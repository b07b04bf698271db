// Gives each test file its own empty database with the committed migrations
// applied: an in-memory PGlite, or a fresh database on TEST_DATABASE_URL's server.
import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import { closeDb, committedMigrations } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";

let cleanup: () => Promise<void> = async () => undefined;

if (process.env.LONGRUN_TEST_DB === "postgres") {
  const serverUrl = process.env.TEST_DATABASE_URL!;
  const { Client } = await import("pg");
  const name = `longrun_test_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  for (const sql of await committedMigrations()) await client.query(sql);
  await client.end();
  process.env.DATABASE_URL = url.toString();
  cleanup = async () => {
    const dropper = new Client({ connectionString: serverUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  };
} else {
  process.env.DATABASE_URL = "memory:";
}
resetEnvCache();

afterAll(async () => {
  await closeDb();
  await cleanup();
});
