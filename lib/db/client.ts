// One Prisma client per process (kept on globalThis so that dev reloads do not
// open a second pool), on PostgreSQL through node-postgres. DATABASE_URL is
// set by the launcher (lib/db/prepare-database.ts) or by the deployment.
import { PrismaPg } from "@prisma/adapter-pg";
import { createHash } from "node:crypto";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseUrl } from "@/lib/env";
import { log } from "@/lib/log";

export type Db = PrismaClient;

/** The transaction client passed to `db.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const store = globalThis as unknown as { longrunDb?: PrismaClient; longrunPool?: pg.Pool };

function createClient(): PrismaClient {
  const max = Number(process.env.DATABASE_POOL_SIZE ?? 20);
  // Connections kept open when idle (server.ts sets it for `npm start`; warmPool opens them).
  const min = Math.min(max, Number(process.env.DATABASE_POOL_MIN ?? 0) || 0);
  // The pool is made here (not by the adapter) so that GET /api/metrics can report its state.
  const pool = new pg.Pool({ connectionString: databaseUrl(), max, min });
  // An idle connection the server closed (a restart, a terminated backend) is
  // dropped by the pool and replaced on demand; without a listener node-postgres
  // would raise it as an uncaught exception and take the process down.
  pool.on("error", (error) => log.warn("db.pool.connection_lost", { message: error.message }));
  store.longrunPool = pool;
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}

/** Connections of this process's pool: open, idle, and queries waiting for one (null before the first db()). */
export function poolStats(): { total: number; idle: number; waiting: number } | null {
  const pool = store.longrunPool;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

/**
 * Opens the pool's `min` connections now (a long-running server, at start):
 * otherwise the first burst after a quiet spell waits for connections to be
 * opened while its requests queue (bench/README.md, "Open loop").
 */
export async function warmPool(): Promise<number> {
  await db();
  const pool = store.longrunPool!;
  const clients = await Promise.all(Array.from({ length: pool.options.min ?? 0 }, () => pool.connect()));
  for (const client of clients) client.release();
  return clients.length;
}

export async function db(): Promise<PrismaClient> {
  store.longrunDb ??= createClient();
  return store.longrunDb;
}

/** Closes the process's pool (scripts and tests). */
export async function closeDb(): Promise<void> {
  const client = store.longrunDb;
  store.longrunDb = undefined;
  store.longrunPool = undefined;
  await client?.$disconnect();
}

// timestamp(3) columns hold UTC without a zone (Prisma's convention): read them as UTC, whatever the process's zone.
const timestampOid = 1114;
const parseUtcTimestamp = (value: string) => new Date(`${value.replace(" ", "T")}Z`);
const utcTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === timestampOid ? parseUtcTimestamp : (pg.types.getTypeParser(oid, format ?? "text") as unknown)) as typeof pg.types.getTypeParser,
};

/** A statement built as Prisma.sql (`.text` has $1… placeholders), as node-postgres takes it. */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

/**
 * One autocommit statement on the process's pool, straight through
 * node-postgres: the hot path (a callback's read and write) without Prisma's
 * query runtime, which cost more CPU than the statements' own driver work.
 * Dates go as UTC ISO strings and timestamp columns come back as UTC, as
 * through Prisma. For statements outside a transaction only.
 */
export async function sqlNow<T>(statement: SqlStatement): Promise<T[]> {
  await db();
  const values = statement.values.map((v) => (v instanceof Date ? v.toISOString() : v));
  const result = await store.longrunPool!.query({ name: preparedName(statement.text), text: statement.text, values, types: utcTypes });
  return result.rows as T[];
}

// Named prepared statements: each connection parses a hot statement once and
// PostgreSQL may keep its plan, instead of parsing and planning the writer's
// CTEs on every callback. The name is the text's hash, so one name never
// stands for two texts; the hot path has a handful of shapes (the writer's
// statement per kind of change, the callback's read, the announcement).
const preparedNames = new Map<string, string>();
function preparedName(text: string): string {
  let name = preparedNames.get(text);
  if (!name) {
    name = `lr_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    if (preparedNames.size < 1000) preparedNames.set(text, name);
  }
  return name;
}

/** Interactive transactions wait for a connection under load instead of failing after Prisma's 2 s default. */
export const transactionOptions = { maxWait: 15_000, timeout: 20_000 } as const;
