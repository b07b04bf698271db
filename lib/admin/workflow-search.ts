// The dashboard's workflow search: filters that each ride an index
// (Workflow(orgId, status, createdAt), (orgId, customerId), (orgId,
// conversationId), Task(orgId, workflowId) for the task type), keyset
// pagination on (createdAt, id) so page 1000 costs what page 1 costs.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { workflowStatuses } from "@/lib/domain/workflow-machine";
import { Prisma } from "@/lib/generated/prisma/client";
import { isFailureKind, latestDeliveriesOf, newestDelivery } from "@/lib/outbox/delivery-state";
import { toDeliveryFailure } from "@/lib/panel/conversation-snapshot";
import type { PanelDeliveryFailure } from "@/lib/panel/panel-types";

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : typeof value === "string" ? value.trim() : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
/** datetime-local inputs send "2026-11-27T10:00" (no zone): read as UTC, like every time on the dashboard. */
const instant = z.string().max(40).transform((value, ctx) => {
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: "custom", message: "must be a date and time (ISO 8601)" });
    return z.NEVER;
  }
  return date;
});

export const workflowSearchSchema = z.object({
  status: optional(z.enum(workflowStatuses)),
  taskType: optional(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "task types are letters, digits and _ . : -")),
  customerId: optional(z.string().max(200)),
  conversationId: optional(z.string().max(100)),
  from: optional(instant),
  to: optional(instant),
  cursor: optional(z.string().max(200)),
  limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100).default(25)),
});
export type WorkflowSearch = z.infer<typeof workflowSearchSchema>;

export interface WorkflowRow {
  id: string;
  customerId: string;
  conversationId: string | null;
  status: string;
  version: number;
  taskType: string | null;
  taskStatus: string | null;
  deadlineAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** A dispatch or escalation the workflow waits on that became a dead letter (the same rule as the panel's). */
  deliveryFailure: PanelDeliveryFailure | null;
}

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) throw new AppError("VALIDATION_FAILED", "cursor is invalid; start from the first page");
  return { createdAt, id };
}

export async function searchWorkflows(orgId: string, search: WorkflowSearch): Promise<{ workflows: WorkflowRow[]; nextCursor: string | null }> {
  const conditions: Prisma.Sql[] = [Prisma.sql`w."orgId" = ${orgId}::uuid`];
  if (search.status) conditions.push(Prisma.sql`w."status" = ${search.status}`);
  if (search.customerId) conditions.push(Prisma.sql`w."customerId" = ${search.customerId}`);
  if (search.conversationId) conditions.push(Prisma.sql`w."conversationId" = ${search.conversationId}`);
  if (search.from) conditions.push(Prisma.sql`w."createdAt" >= ${search.from}`);
  if (search.to) conditions.push(Prisma.sql`w."createdAt" < ${search.to}`);
  if (search.taskType) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Task" t WHERE t."orgId" = w."orgId" AND t."workflowId" = w."id" AND t."type" = ${search.taskType})`);
  }
  if (search.cursor) {
    const cursor = decodeCursor(search.cursor);
    conditions.push(Prisma.sql`(w."createdAt", w."id") < (${cursor.createdAt}, ${cursor.id}::uuid)`);
  }
  const prisma = await db();
  const rows = await prisma.$queryRaw<Array<Omit<WorkflowRow, "deliveryFailure"> & { currentTaskId: string | null }>>`
    SELECT w."id"::text AS "id", w."customerId", w."conversationId", w."status", w."version", w."deadlineAt", w."createdAt", w."updatedAt", w."currentTaskId"::text AS "currentTaskId",
           t."type" AS "taskType", t."status" AS "taskStatus"
    FROM "Workflow" w
    LEFT JOIN "Task" t ON t."id" = w."currentTaskId"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY w."createdAt" DESC, w."id" DESC
    LIMIT ${search.limit + 1}`;
  const page = rows.slice(0, search.limit);
  // One indexed read for the page's dead letters: an admin sees failures as failures, as the agent does.
  const deliveries = await latestDeliveriesOf(orgId, page.map((r) => r.currentTaskId).filter((id): id is string => id !== null));
  const workflows = page.map(({ currentTaskId, ...row }) => ({
    ...row,
    deliveryFailure: currentTaskId && row.taskStatus ? toDeliveryFailure(row, { status: row.taskStatus }, deliveries.get(currentTaskId)) : null,
  }));
  return { workflows, nextCursor: rows.length > search.limit ? encodeCursor(page[page.length - 1]!) : null };
}

export async function workflowDetail(orgId: string, workflowId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(workflowId)) throw new AppError("NOT_FOUND", "workflow not found");
  const prisma = await db();
  const workflow = await prisma.workflow.findUnique({ where: { orgId_id: { orgId, id: workflowId } } });
  if (!workflow) throw new AppError("NOT_FOUND", "workflow not found");
  const [tasks, events, deliveries] = await Promise.all([
    prisma.task.findMany({ where: { orgId, workflowId }, orderBy: { createdAt: "asc" } }),
    prisma.event.findMany({ where: { orgId, workflowId }, orderBy: { id: "asc" } }),
    prisma.delivery.findMany({ where: { orgId, workflowId }, orderBy: { createdAt: "asc" }, take: 200 }),
  ]);
  // The page says a dead letter is a failure, as the dashboard's row and the agent's panel do (the same rule).
  const task = tasks.find((t) => t.id === workflow.currentTaskId) ?? null;
  const latest = newestDelivery(deliveries.flatMap((d) => (d.taskId === workflow.currentTaskId && d.status !== "SUPERSEDED" && isFailureKind(d.kind) ? [{ ...d, kind: d.kind }] : [])));
  const deliveryFailure = task && latest ? toDeliveryFailure(workflow, task, latest) : null;
  return { workflow, tasks, events, deliveries, deliveryFailure };
}
