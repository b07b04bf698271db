// The database refuses what the domain does not know: every status and kind
// column has a CHECK constraint with exactly the domain's list (built by
// lib/db/status-checks.ts; a migration carries it).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { checkConstraintName, statusChecks } from "@/lib/db/status-checks";
import { newOrg } from "@/test/support/api";

describe("status CHECK constraints", () => {
  it.each(statusChecks.map((c) => [`${c.table}.${c.column}`, c] as const))("%s allows exactly the domain's list", async (_name, check) => {
    const prisma = await db();
    const rows = await prisma.$queryRaw<Array<{ definition: string }>>`
      SELECT pg_get_constraintdef(c.oid) AS "definition" FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ${check.table} AND c.conname = ${checkConstraintName(check.table, check.column)}`;
    expect(rows, `no constraint ${checkConstraintName(check.table, check.column)}: run npm run db:status-checks -- <name>`).toHaveLength(1);
    const allowed = [...rows[0]!.definition.matchAll(/'([^']*)'::text/g)].map((m) => m[1]);
    expect(allowed, "the database's list differs from lib/domain's: run npm run db:status-checks -- <name>").toEqual([...check.values]);
  });

  it("refuses a status the domain does not know, even from raw SQL", async () => {
    const org = await newOrg();
    const prisma = await db();
    const id = randomUUID();
    await expect(
      prisma.$executeRaw`INSERT INTO "Workflow" ("orgId", "id", "customerId", "status", "requestHash", "initiatedAt", "updatedAt") VALUES (${org.orgId}::uuid, ${id}::uuid, 'C', 'DONE', 'h', now(), now())`,
    ).rejects.toThrow(/Workflow_status_check/);
    await expect(
      prisma.$executeRaw`INSERT INTO "Delivery" ("id", "orgId", "kind", "payload", "updatedAt") VALUES (${randomUUID()}::uuid, ${org.orgId}::uuid, 'SEND_FAX', '{}'::jsonb, now())`,
    ).rejects.toThrow(/Delivery_kind_check/);
  });
});
