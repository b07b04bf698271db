// The database enforces the domain's status lists: a CHECK constraint per
// status or kind column, built from lib/domain's lists. A migration carries
// this SQL (`npm run db:status-checks -- <name>` writes one when a list
// changes), and test/api/status-checks.test.ts compares the constraints in
// the database with the lists, so the two cannot drift apart.
import { deliveryStatuses, effectKinds } from "@/lib/domain/effects";
import { processPhases } from "@/lib/domain/process-machine";
import { activeTaskStatuses, sessionStates, taskStatuses, workflowStatuses } from "@/lib/domain/workflow-machine";

export const statusChecks: ReadonlyArray<{ table: string; column: string; values: readonly string[] }> = [
  { table: "Workflow", column: "status", values: workflowStatuses },
  { table: "Workflow", column: "sessionState", values: sessionStates },
  { table: "Workflow", column: "processPhase", values: processPhases },
  { table: "Task", column: "status", values: taskStatuses },
  { table: "Delivery", column: "status", values: deliveryStatuses },
  { table: "Delivery", column: "kind", values: effectKinds },
];

export function checkConstraintName(table: string, column: string): string {
  return `${table}_${column}_check`;
}

export function statusChecksSql(): string {
  return statusChecks
    .map(({ table, column, values }) => {
      const name = checkConstraintName(table, column);
      const list = values.map((v) => `'${v}'`).join(", ");
      return `ALTER TABLE "${table}" DROP CONSTRAINT IF EXISTS "${name}";\nALTER TABLE "${table}" ADD CONSTRAINT "${name}" CHECK ("${column}" IN (${list}));`;
    })
    .join("\n");
}

/**
 * The timeout sweep's index: the deadlines of active tasks only (a partial
 * index), so a task leaves it when it settles and the sweep's range scan reads
 * the due rows alone, however many tasks wait or are done. The predicate is
 * the domain's list; the claim (lib/db/workflow-writes.ts) repeats it as
 * literals so that PostgreSQL can prove the index applies.
 */
export const activeDeadlineIndex = { name: "Task_active_deadlineAt_idx", table: "Task", columns: ["deadlineAt", "id"], statuses: activeTaskStatuses } as const;

/** `"status" IN ('QUEUED', 'ACCEPTED')`: the active tasks, as the index and the claim state it. */
export function activeTaskPredicate(alias?: string): string {
  const column = alias ? `${alias}."status"` : `"status"`;
  return `${column} IN (${activeDeadlineIndex.statuses.map((s) => `'${s}'`).join(", ")})`;
}

export function activeDeadlineIndexSql(): string {
  const { name, table, columns } = activeDeadlineIndex;
  return `CREATE INDEX "${name}" ON "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) WHERE ${activeTaskPredicate()};`;
}
