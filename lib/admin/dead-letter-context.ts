// What an admin needs to judge a dead letter: whose workflow (customer), which
// task type, and which process it ran, read in one query for the whole page.
import { db } from "@/lib/db/client";

export interface DeadLetterContext {
  customerId: string;
  taskType: string | null;
  /** The process the workflow ran, when it ran one ("name v3"). */
  process: string | null;
}

/** The pinned process of the workflow ("card-dispute v3"); null for a single-task workflow. */
function processOf(name: string | null, version: number | null): string | null {
  if (!name) return null;
  return version !== null ? `${name} v${version}` : name;
}

export async function deadLetterContexts(orgId: string, rows: { workflow_id: string | null; task_id: string | null }[]): Promise<Map<string, DeadLetterContext>> {
  const workflowIds = [...new Set(rows.map((r) => r.workflow_id).filter((id): id is string => id !== null))];
  if (workflowIds.length === 0) return new Map();
  const prisma = await db();
  const [workflows, tasks] = await Promise.all([
    prisma.workflow.findMany({ where: { orgId, id: { in: workflowIds } }, select: { id: true, customerId: true, processName: true, processVersion: true, currentTaskId: true } }),
    prisma.task.findMany({ where: { orgId, workflowId: { in: workflowIds } }, select: { id: true, workflowId: true, type: true } }),
  ]);
  const taskType = new Map(tasks.map((t) => [t.id, t.type]));
  const contexts = new Map<string, DeadLetterContext>();
  for (const row of rows) {
    const workflow = workflows.find((w) => w.id === row.workflow_id);
    if (!workflow || !row.workflow_id) continue;
    const type = (row.task_id ? taskType.get(row.task_id) : undefined) ?? (workflow.currentTaskId ? taskType.get(workflow.currentTaskId) : undefined) ?? null;
    contexts.set(`${row.workflow_id}:${row.task_id ?? ""}`, { customerId: workflow.customerId, taskType: type, process: processOf(workflow.processName, workflow.processVersion) });
  }
  return contexts;
}
