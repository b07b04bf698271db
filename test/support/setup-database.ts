// Gives each test file its own database, a copy of the run's migrated
// template on a real PostgreSQL (test/support/database-server.ts).
import { afterAll } from "vitest";
import { closeDb } from "@/lib/db/client";
import { createTestDatabase } from "@/test/support/postgres-test-database";
import { resetEnvCache } from "@/lib/env";

const database = await createTestDatabase();
process.env.DATABASE_URL = database.url;
resetEnvCache();

afterAll(async () => {
  await closeDb();
  await database.drop();
});
