// "Nothing changed": a fingerprint of every table (row count + hash of every
// row) so tests can prove that a refused request wrote nothing anywhere,
// including tables added after this file was written.
import { db } from "@/lib/db/client";

export type Snapshot = Record<string, { rows: number; hash: string }>;

export async function tableNames(): Promise<string[]> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<Array<{ name: string }>>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_prisma%' ORDER BY tablename`;
  return rows.map((r) => r.name);
}

/**
 * `filters` narrows a table to the rows that matter (a SQL condition), e.g.
 * AuditEntry without the audit rows refusals are meant to write.
 */
export async function snapshot(options: { exclude?: string[]; filters?: Record<string, string> } = {}): Promise<Snapshot> {
  const prisma = await db();
  const out: Snapshot = {};
  for (const table of await tableNames()) {
    if (options.exclude?.includes(table)) continue;
    const where = options.filters?.[table] ? `WHERE ${options.filters[table]}` : "";
    const [row] = await prisma.$queryRawUnsafe<Array<{ rows: number; hash: string }>>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS hash FROM "${table.replaceAll('"', '""')}" t ${where}`,
    );
    out[table] = row!;
  }
  return out;
}

/** Rate-limit counters count refused requests on purpose; security refusals are audited on purpose. */
export const refusalSideEffects = {
  exclude: ["RateLimitBucket"],
  filters: { AuditEntry: `NOT (action LIKE 'webhook.%_refused')` },
};

/** One org's rows only (tables with an orgId column, and its Org row); other tables whole; refusal side effects excluded. */
export async function snapshotOfOrg(orgId: string): Promise<Snapshot> {
  if (!/^[0-9a-f-]{36}$/i.test(orgId)) throw new Error("org id must be a UUID");
  const prisma = await db();
  const withOrg = new Set(
    (await prisma.$queryRaw<Array<{ table: string }>>`SELECT table_name AS "table" FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'orgId'`).map((r) => r.table),
  );
  const filters: Record<string, string> = { Org: `id = '${orgId}'` };
  for (const table of withOrg) filters[table] = `"orgId" = '${orgId}'`;
  if (filters.AuditEntry) filters.AuditEntry += ` AND ${refusalSideEffects.filters.AuditEntry}`;
  return snapshot({ exclude: refusalSideEffects.exclude, filters });
}
