// What the database alone can do for one callback, through the app's driver
// and without Next.js or Prisma, in two shapes:
// - before: the 12 statements the app sent for a callback at commit
//   4ff4041 (counted on the wire by the profile pass), one round trip each,
//   inside BEGIN … COMMIT;
// - collapsed, the shape the app uses: one read (workflow, task, secrets,
//   earlier answer) and the one writer's statement (lib/db/workflow-writes.ts,
//   imported, not copied) whose data-modifying CTEs do the compare-and-swap,
//   the task, the event, the receipt and the NOTIFY.
// Each client works on a workflow and task of its own.
import { randomUUID } from "node:crypto";
import { writeChangesPlan } from "../../lib/db/workflow-writes";
import { transition, type WorkflowState } from "../../lib/domain/workflow-machine";
import type { SqlDriver, SqlQuery } from "./sql-driver";

export interface RawCallbackRow {
  orgId: string;
  workflowId: string;
  taskId: string;
  version: number;
}

export async function prepareRawCallbackRows(driver: SqlDriver, orgId: string, count: number): Promise<RawCallbackRow[]> {
  const rows: RawCallbackRow[] = [];
  for (let i = 0; i < count; i++) {
    const workflowId = randomUUID();
    const taskId = randomUUID();
    await driver.query(
      `INSERT INTO "Workflow" ("orgId", id, "customerId", status, version, "requestHash", "initiatedAt", "sessionState", "currentTaskId", "updatedAt")
       VALUES ($1, $2, 'BENCH-RAW', 'PENDING', 1, 'bench', now(), 'NONE', $3, now())`,
      [orgId, workflowId, taskId],
    );
    await driver.query(
      `INSERT INTO "Task" (id, "orgId", "workflowId", type, payload, status, dispatch, "timeoutSeconds", "deadlineAt", "callbackVersion", "updatedAt")
       VALUES ($1, $2, $3, 'BENCH', '{}', 'ACCEPTED', false, 3600, now() + interval '1 hour', 1, now())`,
      [taskId, orgId, workflowId],
    );
    rows.push({ orgId, workflowId, taskId, version: 1 });
  }
  return rows;
}

const resultData = JSON.stringify({ score: 712 });

function answerOf(row: RawCallbackRow): string {
  return JSON.stringify({ workflow_id: row.workflowId, task_id: row.taskId, status: "COMPLETED", task_status: "SUCCEEDED", version: row.version + 1, late_result: false });
}

function nextStatus(row: RawCallbackRow): string {
  // Alternating keeps the status index in every write, as in the app.
  return row.version % 2 === 0 ? "PENDING" : "COMPLETED";
}

async function casTail(query: SqlQuery, row: RawCallbackRow, webhookId: string): Promise<void> {
  const { affected } = await query(
    `UPDATE "Workflow" SET status = $4, version = $3::int + 1, "currentTaskId" = $5, "deadlineAt" = NULL, "updatedAt" = now()
     WHERE "orgId" = $1 AND id = $2 AND version = $3`,
    [row.orgId, row.workflowId, row.version, nextStatus(row), row.taskId],
  );
  if (affected !== 1) throw new Error(`raw callback: compare-and-swap on ${row.workflowId} at version ${row.version} changed ${affected} rows`);
  await query(
    `UPDATE "Task" SET status = 'SUCCEEDED', "deadlineAt" = now(), "lastHeartbeatAt" = NULL, "lateResult" = false, "resultStatus" = 'SUCCESS',
       "resultData" = $2::jsonb, "failureReason" = NULL, "completedAt" = now(), "updatedAt" = now()
     WHERE id = $1 RETURNING *`,
    [row.taskId, resultData],
  );
  await query(
    `INSERT INTO "Event" ("orgId", "workflowId", "taskId", type, "fromStatus", "toStatus", version, actor, "requestId", data, "createdAt")
     VALUES ($1, $2, $3, 'TASK_SUCCEEDED', 'PENDING', 'COMPLETED', $4, 'callback', $5, NULL, now())`,
    [row.orgId, row.workflowId, row.taskId, row.version + 1, randomUUID()],
  );
  await query(`SELECT pg_notify($1, $2)`, ["longrun_workflow_changed", `${row.orgId}:${row.workflowId}`]);
  await query(
    `INSERT INTO "WebhookReceipt" ("orgId", "webhookId", "statusCode", "responseBody", "createdAt") VALUES ($1, $2, 200, $3::jsonb, now()) RETURNING *`,
    [row.orgId, webhookId, answerOf(row)],
  );
}

/** Today's shape: three reads, then BEGIN, two reads, five writes, COMMIT (12 round trips). */
export async function rawCallbackAsToday(driver: SqlDriver, row: RawCallbackRow): Promise<void> {
  const webhookId = `msg_${randomUUID()}`;
  await driver.query(`SELECT "orgId", id FROM "Workflow" WHERE id = $1 ORDER BY "orgId" LIMIT 10`, [row.workflowId]);
  await driver.query(`SELECT * FROM "SigningSecret" WHERE "orgId" = $1 AND "revokedAt" IS NULL ORDER BY "createdAt" DESC`, [row.orgId]);
  await driver.query(`SELECT * FROM "WebhookReceipt" WHERE "orgId" = $1 AND "webhookId" = $2 LIMIT 1`, [row.orgId, webhookId]);
  await driver.transaction(async (query) => {
    await query(`SELECT * FROM "Workflow" WHERE "orgId" = $1 AND id = $2 LIMIT 1`, [row.orgId, row.workflowId]);
    await query(`SELECT * FROM "Task" WHERE id = $1 AND "orgId" = $2 LIMIT 1`, [row.taskId, row.orgId]);
    await casTail(query, row, webhookId);
  });
  row.version++;
}

/** What the callback's one read returns: the workflow, its task, the org's sealed secrets, an earlier answer. */
export interface CallbackRead {
  orgId: string;
  version: number;
  /** The writer's compare-and-swap counter. */
  revision: number;
  initiatedAt: Date;
  deadlineAt: Date | null;
  status: string;
  taskId: string | null;
  taskStatus: string | null;
  secrets: Array<{ id: string; secretEnc: string }> | null;
  earlier: { status: number; body: unknown } | null;
}

/** The callback's one read (workflow, task, secrets and an earlier answer to this webhook-id). */
export async function rawCallbackRead(query: SqlQuery, workflowId: string, webhookId: string): Promise<CallbackRead | undefined> {
  const { rows } = await query(
    `SELECT w."orgId", w.version, w."revision", w."initiatedAt", w.status, t.id AS "taskId", t.status AS "taskStatus", t."deadlineAt",
       (SELECT json_agg(json_build_object('id', s.id, 'secretEnc', s."secretEnc") ORDER BY s."createdAt" DESC)
          FROM "SigningSecret" s WHERE s."orgId" = w."orgId" AND s."revokedAt" IS NULL) AS secrets,
       (SELECT json_build_object('status', r."statusCode", 'body', r."responseBody")
          FROM "WebhookReceipt" r WHERE r."orgId" = w."orgId" AND r."webhookId" = $2) AS earlier
     FROM "Workflow" w LEFT JOIN "Task" t ON t."orgId" = w."orgId" AND t.id = w."currentTaskId"
     WHERE w.id = $1 LIMIT 10`,
    [workflowId, webhookId],
  );
  return rows[0] as CallbackRead | undefined;
}

/**
 * The callback's one autocommit write, built by the app's own writer
 * (lib/db/workflow-writes.ts, imported, not copied) from the state machine's
 * outcome: compare-and-swap on the revision read, the task, the event, the
 * receipt and the NOTIFY. The row is re-settled from the same PENDING state
 * each time so that it can be written again and again. False when it moved.
 */
export async function rawCallbackWrite(query: SqlQuery, row: RawCallbackRow, webhookId: string, read: CallbackRead): Promise<boolean> {
  const now = new Date();
  const deadlineAt = read.deadlineAt ?? new Date(now.getTime() + 3_600_000);
  const before: WorkflowState = {
    status: "PENDING", version: row.version, conversationId: null, sessionState: "NONE", initiatedAt: new Date(read.initiatedAt), deadlineAt,
    task: {
      id: row.taskId, type: "BENCH", status: "ACCEPTED", dispatch: false, timeoutSeconds: 3600, heartbeatTimeoutSeconds: null, deadlineAt, lastHeartbeatAt: null,
      callbackVersion: row.version, resultStatus: null, resultData: null, failureReason: null, resultSuccess: null, lateResult: false, completedAt: null, timedOutAt: null,
      step: null, attempt: 1,
    },
    process: null,
  };
  const outcome = transition(before, { type: "RECORD_RESULT", taskId: row.taskId, expectedVersion: row.version, result: { success: true, status: "SUCCESS", data: { score: 712 }, reason: null } }, now);
  if (!outcome.ok) throw new Error(`raw callback: ${outcome.error.message}`);
  const plan = writeChangesPlan([
    {
      orgId: row.orgId, workflowId: row.workflowId, expectedRevision: read.revision, outcome, meta: { actor: "callback", requestId: randomUUID() }, now,
      receipt: { webhookId, statusCode: 200, responseBody: JSON.parse(answerOf(row)) as unknown },
    },
  ]);
  // `.text` has PostgreSQL placeholders ($1 …); `.sql` has `?` ones.
  const { rows } = await query(plan.text, plan.values);
  return rows.length === 1;
}

/** The answer the write stored for `row` at its version (what the lean server sends back). */
export function rawCallbackAnswer(row: RawCallbackRow): string {
  return answerOf(row);
}

/** The collapsed shape: one read, the writer's one autocommit write (2 round trips). */
export async function rawCallbackCollapsed(driver: SqlDriver, row: RawCallbackRow): Promise<void> {
  const webhookId = `msg_${randomUUID()}`;
  const read = await rawCallbackRead(driver.query, row.workflowId, webhookId);
  if (!read || !(await rawCallbackWrite(driver.query, row, webhookId, read))) {
    throw new Error(`raw callback: compare-and-swap on ${row.workflowId} changed nothing`);
  }
}
