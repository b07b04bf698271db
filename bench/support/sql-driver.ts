// Plain SQL through the driver the app itself uses (node-postgres), for raw
// baselines that skip Next.js and Prisma.
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
