// Gives each test file its own empty database with the committed migrations
// applied: an in-memory PGlite, or a fresh database on TEST_DATABASE_URL's server.
import { afterAll } from "vitest";
import { closeDb } from "@/lib/db/client";
import { createPostgresTestDatabase } from "@/test/support/postgres-test-database";
import { resetEnvCache } from "@/lib/env";

let cleanup: () => Promise<void> = async () => undefined;

if (process.env.LONGRUN_TEST_DB === "postgres") {
  const database = await createPostgresTestDatabase(process.env.TEST_DATABASE_URL!, "longrun_test");
  process.env.DATABASE_URL = database.url;
  cleanup = database.drop;
} else {
  process.env.DATABASE_URL = "memory:";
}
resetEnvCache();

afterAll(async () => {
  await closeDb();
  await cleanup();
});
