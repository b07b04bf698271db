// An org's process definitions, stored with immutable versions: putting a
// definition adds the next version (or, when it equals the latest, returns
// that one), and nothing ever changes a stored version (a database trigger
// refuses UPDATE), so a workflow that pinned a version runs exactly it.
import { createHash } from "node:crypto";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/unique-violation";
import { AppError } from "@/lib/errors/app-error";
import { checkProcessDefinition, processNamePattern, type ProcessDefinition } from "@/lib/domain/process-definition";
import { canonicalJson } from "@/lib/json/canonical-json";

export interface StoredProcess {
  name: string;
  version: number;
  definition: ProcessDefinition;
  stepCount: number;
  createdBy: string;
  createdAt: Date;
}

export interface ProcessSummary {
  name: string;
  latestVersion: number;
  stepCount: number;
  description: string | null;
  updatedAt: Date;
}

export function definitionHash(definition: ProcessDefinition): string {
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}

export function assertProcessName(name: string): void {
  if (!processNamePattern.test(name)) {
    throw new AppError("VALIDATION_FAILED", "a process name is lower-case letters, digits, _ . and -, starting with a letter or digit (at most 64)", {
      details: [{ path: "name", code: "INVALID", message: "must match " + processNamePattern.source }],
    });
  }
}

/** The definition checked, or a 400 that lists every error (path, code, message). */
export function requireValidDefinition(input: unknown): ProcessDefinition {
  const check = checkProcessDefinition(input);
  if (check.ok) return check.definition;
  const first = check.errors[0]!;
  const more = check.errors.length > 1 ? ` (and ${check.errors.length - 1} more)` : "";
  throw new AppError("VALIDATION_FAILED", `process definition is invalid: ${first.path} ${first.message}${more}`, { details: check.errors });
}

interface Row {
  name: string;
  version: number;
  definition: unknown;
  definitionHash: string;
  stepCount: number;
  createdBy: string;
  createdAt: Date;
}

function toStored(row: Row): StoredProcess {
  // Stored only after the check, and never changed since: read back as the checked type.
  return { name: row.name, version: row.version, definition: row.definition as ProcessDefinition, stepCount: row.stepCount, createdBy: row.createdBy, createdAt: row.createdAt };
}

/**
 * Stores `input` as the next version of process `name`. Two concurrent puts
 * get two versions (the primary key orders them); the same document as the
 * latest version adds nothing and answers that version with created: false.
 */
export async function putProcess(orgId: string, name: string, input: unknown, createdBy: string): Promise<{ created: boolean; process: StoredProcess }> {
  assertProcessName(name);
  const definition = requireValidDefinition(input);
  const hash = definitionHash(definition);
  const prisma = await db();
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      // Read the latest and insert the next in one statement; nothing is inserted when the latest has this very content.
      const rows = await prisma.$queryRaw<Array<Row & { inserted: boolean }>>`
        WITH latest AS (
          SELECT "name", "version", "definition", "definitionHash", "stepCount", "createdBy", "createdAt" FROM "ProcessVersion"
          WHERE "orgId" = ${orgId}::uuid AND "name" = ${name} ORDER BY "version" DESC LIMIT 1),
        ins AS (
          INSERT INTO "ProcessVersion" ("orgId", "name", "version", "definition", "definitionHash", "stepCount", "createdBy", "createdAt")
          SELECT ${orgId}::uuid, ${name}, COALESCE((SELECT "version" FROM latest), 0) + 1, ${JSON.stringify(definition)}::jsonb, ${hash},
            ${definition.steps.length}, ${createdBy}, ${clock.now()}
          WHERE NOT EXISTS (SELECT 1 FROM latest WHERE "definitionHash" = ${hash})
          RETURNING "name", "version", "definition", "definitionHash", "stepCount", "createdBy", "createdAt")
        SELECT *, true AS "inserted" FROM ins
        UNION ALL
        SELECT *, false AS "inserted" FROM latest WHERE NOT EXISTS (SELECT 1 FROM ins)`;
      const row = rows[0];
      if (!row) throw new Error("process put returned no row");
      return { created: row.inserted, process: toStored(row) };
    } catch (error) {
      // Another put took this version number between our read and our insert: read again.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new AppError("CONFLICT", `process ${name} is being changed by several callers at once; try again`);
}

/** The latest version, or the given one; 404 when there is none. */
export async function getProcess(orgId: string, name: string, version?: number): Promise<StoredProcess> {
  const prisma = await db();
  const row = await prisma.processVersion.findFirst({
    where: { orgId, name, ...(version === undefined ? {} : { version }) },
    orderBy: { version: "desc" },
  });
  if (!row) {
    throw new AppError("NOT_FOUND", version === undefined ? `no process named ${name}` : `process ${name} has no version ${version}`);
  }
  return toStored(row);
}

/** Every version of a process, newest first, without their definitions. */
export async function listProcessVersions(orgId: string, name: string): Promise<Array<Omit<StoredProcess, "definition">>> {
  const prisma = await db();
  const rows = await prisma.processVersion.findMany({
    where: { orgId, name },
    orderBy: { version: "desc" },
    select: { name: true, version: true, stepCount: true, createdBy: true, createdAt: true },
    take: 200,
  });
  if (rows.length === 0) throw new AppError("NOT_FOUND", `no process named ${name}`);
  return rows;
}

/** The org's processes, each at its latest version, by name. */
export async function listProcesses(orgId: string): Promise<ProcessSummary[]> {
  const prisma = await db();
  const rows = await prisma.$queryRaw<Array<{ name: string; version: number; stepCount: number; description: string | null; createdAt: Date }>>`
    SELECT DISTINCT ON ("name") "name", "version", "stepCount", "definition"->>'description' AS "description", "createdAt"
    FROM "ProcessVersion" WHERE "orgId" = ${orgId}::uuid
    ORDER BY "name", "version" DESC
    LIMIT 1000`;
  return rows.map((r) => ({ name: r.name, latestVersion: r.version, stepCount: r.stepCount, description: r.description, updatedAt: r.createdAt }));
}
