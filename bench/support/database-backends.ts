// The PostgreSQL backends serving one bench database, for CPU accounting
// (cpu-usage.ts reads their /proc entries): a connection of its own lists
// every other backend of the same database.
import pg from "pg";

export interface DatabaseBackends {
  pids: () => Promise<number[]>;
  close: () => Promise<void>;
}

export async function databaseBackends(url: string): Promise<DatabaseBackends> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    pids: async () =>
      (await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")).rows.map((r) => r.pid),
    close: () => client.end(),
  };
}
