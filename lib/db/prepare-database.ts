// What every launcher (server.ts, the worker, the org:* and secret:* commands,
// the bench) runs before anything opens the database: DATABASE_URL names
// PostgreSQL in production; without it, the embedded PostgreSQL of .data is
// started or joined (lib/db/embedded-postgres.mjs) and DATABASE_URL set to it,
// so the code behind db() sees one kind of URL only. Migrations are applied.
// Next's route bundle never imports this module, so a production build (or a
// Vercel function) never carries the embedded server's binaries.
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres.mjs";
import { applyMigrations } from "@/lib/db/migrations.mjs";
import { resetEnvCache } from "@/lib/env";

export interface PreparedDatabase {
  url: string;
  embedded: boolean;
  applied: string[];
}

export async function prepareDatabase(options: { migrate?: boolean } = {}): Promise<PreparedDatabase> {
  let url = process.env.DATABASE_URL;
  let embedded = false;
  if (!url) {
    // LONGRUN_DATA_DIR moves the embedded cluster's state (default .data), e.g. for a second checkout's tests.
    url = (await startEmbeddedPostgres({ stateDir: process.env.LONGRUN_DATA_DIR || ".data" })).url;
    process.env.DATABASE_URL = url;
    resetEnvCache();
    embedded = true;
  }
  const applied = options.migrate === false ? [] : await applyMigrations(url);
  return { url, embedded, applied };
}
