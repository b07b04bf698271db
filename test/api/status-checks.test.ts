// The database refuses what the domain does not know: every status and kind
// column has a CHECK constraint with exactly the domain's list (built by
// lib/db/status-checks.ts; a migration carries it).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { readFileSync } from "node:fs";
import { activeDeadlineIndex, activeDeadlineIndexSql, checkConstraintName, statusChecks } from "@/lib/db/status-checks";
import { claimOverdueTasksPlan } from "@/lib/db/workflow-writes";
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

  it("indexes the deadlines of exactly the domain's active tasks, and the sweep's claim reads that index", async () => {
    const prisma = await db();
    const rows = await prisma.$queryRaw<Array<{ definition: string }>>`
      SELECT pg_get_indexdef(i.indexrelid) AS "definition" FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ${activeDeadlineIndex.name}`;
    expect(rows, `no index ${activeDeadlineIndex.name}: a migration carries activeDeadlineIndexSql()`).toHaveLength(1);
    const definition = rows[0]!.definition;
    expect(definition).toContain(`("deadlineAt", id)`);
    const predicate = /WHERE \((.*)\)$/.exec(definition)?.[1] ?? "";
    expect([...predicate.matchAll(/'([^']*)'::text/g)].map((m) => m[1]), "the index's statuses differ from lib/domain's active ones").toEqual([...activeDeadlineIndex.statuses]);
    // prisma/schema.prisma declares the same index, so that a migration diff does not drop it.
    expect(readFileSync("prisma/schema.prisma", "utf8")).toContain(`map: "${activeDeadlineIndex.name}"`);
    expect(activeDeadlineIndexSql()).toContain(`"${activeDeadlineIndex.name}"`);
    // The claim states the predicate so that PostgreSQL can prove the partial index applies (with sequential
    // scans priced out, a claim it could not prove would still scan the table).
    const plan = await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      return tx.$queryRaw<Array<{ "QUERY PLAN": string }>>(Prisma.sql`EXPLAIN ${claimOverdueTasksPlan(new Date(), 10)}`);
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain(activeDeadlineIndex.name);
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
