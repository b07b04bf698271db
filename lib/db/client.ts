// One Prisma client per process (kept on globalThis so that dev reloads do
// not open the embedded database twice). DATABASE_URL picks the driver:
// postgres://… → PostgreSQL through node-postgres; file:<dir> → PGlite in
// that folder; memory: → a throwaway PGlite with the committed schema.
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { lockPgliteFolder } from "@/lib/db/pglite-lock.mjs";

export type Db = PrismaClient;

/** The transaction client passed to `db.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

async function createClient(url: string): Promise<PrismaClient> {
  if (isPostgresUrl(url)) {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const max = Number(process.env.DATABASE_POOL_SIZE ?? 20);
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  if (url === "memory:") {
    // A throwaway database (tests, demos) starts empty: give it the committed schema.
    const pglite = new PGlite();
    for (const sql of await committedMigrations()) await pglite.exec(sql);
    store.longrunPglite = pglite;
    return new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  }
  const dir = url.startsWith("file:") ? url.slice("file:".length) : url;
  store.releasePgliteLock = lockPgliteFolder(dir);
  const pglite = new PGlite(dir);
  store.longrunPglite = pglite;
  return new PrismaClient({ adapter: new PrismaPGlite(pglite) });
}

/** The SQL of prisma/migrations, in order. */
export async function committedMigrations(): Promise<string[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const path = await import("node:path");
  const dir = path.resolve("prisma/migrations");
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return Promise.all(names.map((name) => readFile(path.join(dir, name, "migration.sql"), "utf8")));
}

const store = globalThis as unknown as { longrunDb?: Promise<PrismaClient>; longrunPglite?: import("@electric-sql/pglite").PGlite; releasePgliteLock?: () => void };

export function db(): Promise<PrismaClient> {
  store.longrunDb ??= createClient(env().DATABASE_URL).catch((error: unknown) => {
    // Not cached: the next call tries again (e.g. once another process let go of the embedded folder).
    store.longrunDb = undefined;
    throw error;
  });
  return store.longrunDb;
}

/** The embedded database behind db(), or null on PostgreSQL (the panel LISTENs on it directly). */
export async function embeddedPglite(): Promise<import("@electric-sql/pglite").PGlite | null> {
  if (isPostgresUrl(env().DATABASE_URL)) return null;
  await db();
  return store.longrunPglite ?? null;
}

/** Closes the process's client (scripts and tests). */
export async function closeDb(): Promise<void> {
  const pending = store.longrunDb;
  const pglite = store.longrunPglite;
  store.longrunDb = undefined;
  store.longrunPglite = undefined;
  if (pending) await (await pending).$disconnect();
  // Prisma's adapter leaves the embedded database open; close it so that the folder is released and the process can exit.
  if (pglite && !pglite.closed) await pglite.close();
  store.releasePgliteLock?.();
  store.releasePgliteLock = undefined;
}

/** Interactive transactions wait for a connection under load instead of failing after Prisma's 2 s default. */
export const transactionOptions = { maxWait: 15_000, timeout: 20_000 } as const;
