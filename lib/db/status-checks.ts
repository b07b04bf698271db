// The database enforces the domain's status lists: a CHECK constraint per
// status or kind column, built from lib/domain's lists. A migration carries
// this SQL (`npm run db:status-checks -- <name>` writes one when a list
// changes), and test/api/status-checks.test.ts compares the constraints in
// the database with the lists, so the two cannot drift apart.
import { deliveryStatuses, effectKinds } from "@/lib/domain/effects";
import { processPhases } from "@/lib/domain/process-machine";
import { sessionStates, taskStatuses, workflowStatuses } from "@/lib/domain/workflow-machine";

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
