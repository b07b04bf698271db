// Plain SQL through the drivers the app itself uses (node-postgres for
// PostgreSQL, PGlite for the embedded database), for raw baselines that skip
// Next.js and Prisma.
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export interface SqlResult {
  rows: Array<Record<string, unknown>>;
  affected: number;
}

export type SqlQuery = (sql: string, params?: unknown[]) => Promise<SqlResult>;

export interface SqlDriver {
  /** How the driver is set up, for the README. */
  note: string;
  query: SqlQuery;
  /** Runs `work` between BEGIN and COMMIT on one connection (ROLLBACK if it throws). */
  transaction: <T>(work: (query: SqlQuery) => Promise<T>) => Promise<T>;
  close: () => Promise<void>;
}

export function postgresDriver(url: string, poolSize: number, note: string): SqlDriver {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  let ended: Promise<void> | undefined;
  const run = async (client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]): Promise<SqlResult> => {
    const result = await client.query(sql, params);
    return { rows: result.rows as Array<Record<string, unknown>>, affected: result.rowCount ?? 0 };
  };
  return {
    note,
    query: (sql, params) => run(pool, sql, params),
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work((sql, params) => run(client, sql, params));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => (ended ??= pool.end()),
  };
}

export async function pgliteDriver(dir: string, note: string): Promise<SqlDriver> {
  const db = await PGlite.create(dir);
  return {
    note,
    query: async (sql, params) => {
      const result = await db.query<Record<string, unknown>>(sql, params);
      return { rows: result.rows, affected: result.affectedRows ?? 0 };
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work(async (sql, params) => {
          const result = await tx.query<Record<string, unknown>>(sql, params);
          return { rows: result.rows, affected: result.affectedRows ?? 0 };
        }),
      ),
    close: () => db.close(),
  };
}
