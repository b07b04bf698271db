// One Prisma client per process (kept on globalThis so that dev reloads do
// not open the embedded database twice). DATABASE_URL picks the driver:
// postgres://… → PostgreSQL through node-postgres; file:<dir> → PGlite in
// that folder; memory: → a throwaway PGlite with the committed schema.
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

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
    return new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  }
  const dir = url.startsWith("file:") ? url.slice("file:".length) : url;
  return new PrismaClient({ adapter: new PrismaPGlite(new PGlite(dir)) });
}

/** The SQL of prisma/migrations, in order. */
export async function committedMigrations(): Promise<string[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const path = await import("node:path");
  const dir = path.resolve("prisma/migrations");
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return Promise.all(names.map((name) => readFile(path.join(dir, name, "migration.sql"), "utf8")));
}

const store = globalThis as unknown as { longrunDb?: Promise<PrismaClient> };

export function db(): Promise<PrismaClient> {
  store.longrunDb ??= createClient(env().DATABASE_URL);
  return store.longrunDb;
}

/** Closes the process's client (scripts and tests). */
export async function closeDb(): Promise<void> {
  const pending = store.longrunDb;
  store.longrunDb = undefined;
  if (pending) await (await pending).$disconnect();
}

/** Interactive transactions wait for a connection under load instead of failing after Prisma's 2 s default. */
export const transactionOptions = { maxWait: 15_000, timeout: 20_000 } as const;
