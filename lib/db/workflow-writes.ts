// The one writer. Every statement that writes Workflow, Task, Event, Delivery
// or WebhookReceipt rows is built here, as named builders in the manner of
// pg-boss's plans.ts; nothing else in lib/ writes those tables.
//
// One compare-and-swap rule: a workflow row is written only if its `revision`
// is the one the writer read, and every write moves `revision` on by one. Every
// other row of a change (task rows, events, outbox rows, the webhook receipt,
// superseded escalations, the NOTIFY for the panels) hangs on that swap in the
// same statement, so a change is written whole or not at all, in one round trip.
//
// `revision` is the writer's; `version` is the domain's (the one callback URLs
// carry, moved only by transitions that change what a callback may settle).
// Status lists come from lib/domain, never from here.
import { randomUUID } from "node:crypto";
import { Prisma } from "@/lib/generated/prisma/client";
import { sqlNow, type Tx } from "@/lib/db/client";
import { log } from "@/lib/log";
import { activeTaskPredicate } from "@/lib/db/status-checks";
import { effectKinds, effectPayload, type DeliveryStatus, type Effect } from "@/lib/domain/effects";
import type { ProcessState } from "@/lib/domain/process-machine";
import { type DomainEvent, type TaskWrite, type TransitionOk } from "@/lib/domain/workflow-machine";

/** Channel on which every committed workflow change is announced (the agent panel listens). */
export const workflowChangedChannel = "longrun_workflow_changed";
/** application_name of an instance's listening connection (lib/realtime/workflow-changes.ts): announcements go out only while one is connected. */
export const workflowChangedListenerName = "longrun-panel-listener";

export type Actor = "data-action" | "callback" | "cron" | "agent" | "admin" | "outbox";

export interface CommandMeta {
  actor: Actor;
  requestId: string | null;
}

/** The first answer to a webhook-id, stored by the write that makes the change it reports. */
export interface ReceiptRow {
  webhookId: string;
  statusCode: number;
  responseBody: unknown;
}

/** The data of a new workflow row that the domain does not decide. */
export interface NewWorkflowRow {
  customerId: string;
  context: unknown;
  requestHash: string;
}

/** One transition's outcome for one workflow, ready to write. */
export interface WorkflowChange {
  orgId: string;
  workflowId: string;
  /** The revision read (the compare-and-swap); null for a new workflow. */
  expectedRevision: number | null;
  /** For a new workflow (workflowWrite "insert"). */
  created?: NewWorkflowRow;
  outcome: TransitionOk;
  meta: CommandMeta;
  /** Extra fields every outbox row of this change carries (e.g. the base URL callbacks reach us on). */
  deliveryPayload?: Record<string, string>;
  receipt?: ReceiptRow | null;
  now: Date;
}

export interface AppliedRow {
  orgId: string;
  id: string;
  revision: number;
  updatedAt: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A workflow's process columns as the domain left them (all null for a single-task workflow). */
function processRecord(p: ProcessState | null) {
  return {
    processName: p?.name ?? null, processVersion: p?.version ?? null, currentStep: p?.step ?? null, stepIndex: p?.stepIndex ?? null,
    stepCount: p?.stepCount ?? null, attempt: p?.attempt ?? null, processPhase: p?.phase ?? null, wakeAt: iso(p?.wakeAt ?? null), stepResults: p?.results ?? null,
  };
}
const processColumnList = `"processName", "processVersion", "currentStep", "stepIndex", "stepCount", "attempt", "processPhase", "wakeAt", "stepResults"`;
/** A process's moving parts; a change without a process state (a single-task workflow) leaves them as they are. */
const processUpdates = ["currentStep", "stepIndex", "stepCount", "attempt", "processPhase", "wakeAt", "stepResults"]
  .map((c) => `"${c}" = CASE WHEN r."processName" IS NULL THEN t."${c}" ELSE r."${c}" END`)
  .join(", ");
const processColumnTypes = `"processName" text, "processVersion" int, "currentStep" text, "stepIndex" int, "stepCount" int, "attempt" int, "processPhase" text, "wakeAt" timestamp(3), "stepResults" jsonb`;
const uuidList = (values: string[]) => Prisma.sql`${values}::uuid[]`;

function taskRecord(orgId: string, workflowId: string, write: TaskWrite, now: Date) {
  const t = write.task;
  return {
    id: t.id,
    orgId,
    workflowId,
    type: t.type,
    payload: write.payload ?? {},
    status: t.status,
    dispatch: t.dispatch,
    timeoutSeconds: t.timeoutSeconds,
    heartbeatTimeoutSeconds: t.heartbeatTimeoutSeconds,
    deadlineAt: iso(t.deadlineAt),
    lastHeartbeatAt: iso(t.lastHeartbeatAt),
    callbackVersion: t.callbackVersion,
    resultStatus: t.resultStatus,
    resultData: t.resultData ?? null,
    failureReason: t.failureReason,
    resultSuccess: t.resultSuccess,
    lateResult: t.lateResult,
    completedAt: iso(t.completedAt),
    timedOutAt: iso(t.timedOutAt),
    step: t.step,
    attempt: t.attempt,
    now: iso(now),
  };
}

function eventRecords(change: WorkflowChange, events: DomainEvent[]) {
  return events.map((e, n) => ({
    orgId: change.orgId,
    workflowId: change.workflowId,
    n,
    taskId: e.taskId,
    type: e.type,
    fromStatus: e.from,
    toStatus: e.to,
    version: change.outcome.state.version,
    actor: change.meta.actor,
    requestId: change.meta.requestId,
    data: e.data ?? null,
    now: iso(change.now),
  }));
}

function deliveryRecords(change: WorkflowChange, effects: Effect[]) {
  return effects.map((effect) => ({
    id: randomUUID(),
    orgId: change.orgId,
    workflowId: change.workflowId,
    taskId: effect.taskId,
    kind: effect.kind,
    payload: { ...change.deliveryPayload, ...effectPayload(effect) },
    now: iso(change.now),
  }));
}

type Column = readonly [name: string, type: string];
const columnCache = new Map<string, Column[]>();

/** `"orgId" uuid, "n" int, …` → its columns (parsed once per spec). */
function columnsOf(spec: string): Column[] {
  let columns = columnCache.get(spec);
  if (!columns) {
    columns = [...spec.matchAll(/"([^"]+)"\s+([a-z]+(?:\(\d+\))?)/g)].map((m) => [m[1]!, m[2]!] as const);
    columnCache.set(spec, columns);
  }
  return columns;
}

/**
 * The rows a CTE writes, as a relation `r` with typed columns: one row as
 * plain bind parameters (the hot path: a callback, a heartbeat), several as
 * one array parameter per column, zipped by unnest (a sweep batch) — the same
 * SQL around it. Typed arrays cost PostgreSQL a third of what parsing the
 * same rows from one jsonb document did (measured on a batch of 500; see
 * bench/README.md, the sweep). Every element travels as text (or NULL) and is
 * cast by the column's array type.
 */
function rowsOf(rows: Array<Record<string, unknown>>, spec: string): Prisma.Sql {
  const columns = columnsOf(spec);
  if (rows.length === 1) {
    const row = rows[0]!;
    const values = columns.map(([name, type]) => {
      const value = row[name] ?? null;
      const param = type === "jsonb" && value !== null ? JSON.stringify(value) : value;
      return Prisma.sql`${param}::${Prisma.raw(type)}`;
    });
    return Prisma.sql`(VALUES (${Prisma.join(values)})) AS r(${Prisma.raw(columns.map(([name]) => `"${name}"`).join(", "))})`;
  }
  const arrays = columns.map(([name, type]) => {
    const values = rows.map((row) => {
      const value = row[name] ?? null;
      return value === null ? null : type === "jsonb" ? JSON.stringify(value) : `${value as string | number | boolean}`;
    });
    return Prisma.sql`${values}::${Prisma.raw(type)}[]`;
  });
  return Prisma.sql`unnest(${Prisma.join(arrays)}) AS r(${Prisma.raw(columns.map(([name]) => `"${name}"`).join(", "))})`;
}
/** Joins a recordset row to the workflows whose swap succeeded. */
/**
 * A delivery status as an SQL literal: typed against the domain's list (a
 * status that is not in it does not compile; the CHECK constraint built from
 * the same list refuses it in the database), and a literal rather than a bind
 * parameter so that the planner matches the partial indexes on "status".
 */
const deliveryStatus = (status: DeliveryStatus) => Prisma.raw(`'${status}'`);

const appliedTo = (alias: string) => Prisma.raw(`JOIN w ON w."orgId" = ${alias}."orgId" AND w."id" = ${alias}."workflowId"`);

/**
 * Builds the statement that writes `changes` (one workflow each) whole or not
 * at all per workflow: data-modifying CTEs that all hang on `w`, the rows whose
 * insert or compare-and-swap succeeded. Returns those rows.
 */
export function writeChangesPlan(changes: WorkflowChange[], options: { notify?: boolean } = {}): Prisma.Sql {
  const { notify = true } = options;
  const inserts = changes.filter((c) => c.outcome.workflowWrite === "insert");
  const updates = changes.filter((c) => c.outcome.workflowWrite === "update");
  const ctes: Prisma.Sql[] = [];
  const wParts: string[] = [];

  if (inserts.length > 0) {
    const rows = inserts.map((c) => {
      const s = c.outcome.state;
      if (!c.created) throw new Error("a new workflow needs its row data");
      return {
        orgId: c.orgId, id: c.workflowId, customerId: c.created.customerId, conversationId: s.conversationId, status: s.status, version: s.version,
        context: c.created.context ?? null, requestHash: c.created.requestHash, initiatedAt: iso(s.initiatedAt), deadlineAt: iso(s.deadlineAt),
        sessionState: s.sessionState, currentTaskId: s.task?.id ?? null, ...processRecord(s.process), now: iso(c.now),
      };
    });
    // An id taken already writes nothing (idempotent initiate): the caller compares bodies.
    ctes.push(Prisma.sql`wi AS (
      INSERT INTO "Workflow" ("orgId", "id", "customerId", "conversationId", "status", "version", "context", "requestHash", "initiatedAt", "deadlineAt", "sessionState", "currentTaskId", ${Prisma.raw(processColumnList)}, "revision", "createdAt", "updatedAt")
      SELECT r."orgId", r."id", r."customerId", r."conversationId", r."status", r."version", r."context", r."requestHash", r."initiatedAt", r."deadlineAt", r."sessionState", r."currentTaskId",
        ${Prisma.raw(processColumnList.split(", ").map((c) => `r.${c}`).join(", "))}, 0, r."now", r."now"
      FROM ${rowsOf(rows, `"orgId" uuid, "id" uuid, "customerId" text, "conversationId" text, "status" text, "version" int, "context" jsonb, "requestHash" text, "initiatedAt" timestamp(3), "deadlineAt" timestamp(3), "sessionState" text, "currentTaskId" uuid, ${processColumnTypes}, "now" timestamp(3)`)}
      ON CONFLICT DO NOTHING
      RETURNING "orgId", "id", "revision", "updatedAt")`);
    wParts.push(`SELECT * FROM wi`);
  }
  if (updates.length > 0) {
    const rows = updates.map((c) => {
      const s = c.outcome.state;
      return {
        orgId: c.orgId, id: c.workflowId, expectedRevision: c.expectedRevision, status: s.status, version: s.version,
        currentTaskId: s.task?.id ?? null, deadlineAt: iso(s.deadlineAt), sessionState: s.sessionState, ...processRecord(s.process), now: iso(c.now),
      };
    });
    // The one compare-and-swap: the revision read, moved on by one.
    ctes.push(Prisma.sql`wu AS (
      UPDATE "Workflow" AS t SET "status" = r."status", "version" = r."version", "currentTaskId" = r."currentTaskId", "deadlineAt" = r."deadlineAt",
        "sessionState" = r."sessionState", ${Prisma.raw(processUpdates)}, "revision" = t."revision" + 1, "updatedAt" = r."now"
      FROM ${rowsOf(rows, `"orgId" uuid, "id" uuid, "expectedRevision" int, "status" text, "version" int, "currentTaskId" uuid, "deadlineAt" timestamp(3), "sessionState" text, ${processColumnTypes}, "now" timestamp(3)`)}
      WHERE t."orgId" = r."orgId" AND t."id" = r."id" AND t."revision" = r."expectedRevision"
      RETURNING t."orgId", t."id", t."revision", t."updatedAt")`);
    wParts.push(`SELECT * FROM wu`);
  }
  ctes.push(Prisma.raw(`w AS (${wParts.join(" UNION ALL ")})`));

  const taskInserts = changes.flatMap((c) => c.outcome.tasks.filter((t) => t.kind === "insert").map((t) => taskRecord(c.orgId, c.workflowId, t, c.now)));
  if (taskInserts.length > 0) {
    ctes.push(Prisma.sql`ti AS (
      INSERT INTO "Task" ("id", "orgId", "workflowId", "type", "payload", "status", "dispatch", "timeoutSeconds", "heartbeatTimeoutSeconds", "deadlineAt", "callbackVersion", "step", "attempt", "createdAt", "updatedAt")
      SELECT r."id", r."orgId", r."workflowId", r."type", r."payload", r."status", r."dispatch", r."timeoutSeconds", r."heartbeatTimeoutSeconds", r."deadlineAt", r."callbackVersion", r."step", r."attempt", r."now", r."now"
      FROM ${rowsOf(taskInserts, `"id" uuid, "orgId" uuid, "workflowId" uuid, "type" text, "payload" jsonb, "status" text, "dispatch" boolean, "timeoutSeconds" int, "heartbeatTimeoutSeconds" int, "deadlineAt" timestamp(3), "callbackVersion" int, "step" text, "attempt" int, "now" timestamp(3)`)}
      ${appliedTo("r")})`);
  }
  const taskUpdates = changes.flatMap((c) => c.outcome.tasks.filter((t) => t.kind === "update").map((t) => taskRecord(c.orgId, c.workflowId, t, c.now)));
  if (taskUpdates.length > 0) {
    ctes.push(Prisma.sql`tu AS (
      UPDATE "Task" AS t SET "status" = r."status", "deadlineAt" = r."deadlineAt", "lastHeartbeatAt" = r."lastHeartbeatAt", "lateResult" = r."lateResult",
        "timedOutAt" = r."timedOutAt", "resultStatus" = r."resultStatus", "resultData" = r."resultData", "failureReason" = r."failureReason",
        "resultSuccess" = r."resultSuccess", "completedAt" = r."completedAt", "updatedAt" = r."now"
      FROM ${rowsOf(taskUpdates, `"id" uuid, "orgId" uuid, "workflowId" uuid, "status" text, "deadlineAt" timestamp(3), "lastHeartbeatAt" timestamp(3), "lateResult" boolean, "timedOutAt" timestamp(3), "resultStatus" text, "resultData" jsonb, "failureReason" text, "resultSuccess" boolean, "completedAt" timestamp(3), "now" timestamp(3)`)}
      ${appliedTo("r")}
      WHERE t."id" = r."id" AND t."orgId" = r."orgId")`);
  }
  const events = changes.flatMap((c) => eventRecords(c, c.outcome.events));
  if (events.length > 0) {
    // Event ids follow the order of the domain's events.
    ctes.push(Prisma.sql`e AS (
      INSERT INTO "Event" ("orgId", "workflowId", "taskId", "type", "fromStatus", "toStatus", "version", "actor", "requestId", "data", "createdAt")
      SELECT r."orgId", r."workflowId", r."taskId", r."type", r."fromStatus", r."toStatus", r."version", r."actor", r."requestId", r."data", r."now"
      FROM ${rowsOf(events, `"orgId" uuid, "workflowId" uuid, "n" int, "taskId" uuid, "type" text, "fromStatus" text, "toStatus" text, "version" int, "actor" text, "requestId" text, "data" jsonb, "now" timestamp(3)`)}
      ${appliedTo("r")}
      ORDER BY r."workflowId", r."n")`);
  }
  const deliveries = changes.flatMap((c) => deliveryRecords(c, c.outcome.effects));
  if (deliveries.length > 0) {
    ctes.push(Prisma.sql`d AS (
      INSERT INTO "Delivery" ("id", "orgId", "workflowId", "taskId", "kind", "payload", "nextAttemptAt", "createdAt", "updatedAt")
      SELECT r."id", r."orgId", r."workflowId", r."taskId", r."kind", r."payload", r."now", r."now", r."now"
      FROM ${rowsOf(deliveries, `"id" uuid, "orgId" uuid, "workflowId" uuid, "taskId" uuid, "kind" text, "payload" jsonb, "now" timestamp(3)`)}
      ${appliedTo("r")})`);
  }
  const superseded = changes.flatMap((c) => c.outcome.supersedeEscalationsOf.map((taskId) => ({ orgId: c.orgId, workflowId: c.workflowId, taskId, now: iso(c.now) })));
  if (superseded.length > 0) {
    const escalate: (typeof effectKinds)[number] = "ESCALATE";
    ctes.push(Prisma.sql`s AS (
      UPDATE "Delivery" AS t SET "status" = ${deliveryStatus("SUPERSEDED")}, "lockedUntil" = NULL, "updatedAt" = r."now"
      FROM ${rowsOf(superseded, `"orgId" uuid, "workflowId" uuid, "taskId" uuid, "now" timestamp(3)`)}
      ${appliedTo("r")}
      WHERE t."orgId" = r."orgId" AND t."taskId" = r."taskId" AND t."kind" = ${escalate} AND t."status" IN (${deliveryStatus("PENDING")}, ${deliveryStatus("DEAD")}))`);
  }
  const receipts = changes.flatMap((c) =>
    c.receipt ? [{ orgId: c.orgId, workflowId: c.workflowId, webhookId: c.receipt.webhookId, statusCode: c.receipt.statusCode, responseBody: c.receipt.responseBody, now: iso(c.now) }] : [],
  );
  if (receipts.length > 0) {
    // No ON CONFLICT: a webhook-id answered meanwhile makes the whole statement fail, so its change is not written twice.
    ctes.push(Prisma.sql`rc AS (
      INSERT INTO "WebhookReceipt" ("orgId", "webhookId", "statusCode", "responseBody", "createdAt")
      SELECT r."orgId", r."webhookId", r."statusCode", r."responseBody", r."now"
      FROM ${rowsOf(receipts, `"orgId" uuid, "workflowId" uuid, "webhookId" text, "statusCode" int, "responseBody" jsonb, "now" timestamp(3)`)}
      ${appliedTo("r")})`);
  }
  if (!notify) {
    return Prisma.sql`
    WITH ${Prisma.join(ctes, ",\n")}
    SELECT w."orgId"::text AS "orgId", w."id"::text AS "id", w."revision", w."updatedAt" FROM w`;
  }
  // Listeners hear of a change only if it commits; `n` modifies nothing, so it runs only because the final SELECT reads it.
  ctes.push(Prisma.sql`n AS (SELECT pg_notify(${workflowChangedChannel}, w."orgId"::text || ':' || w."id"::text) FROM w)`);
  return Prisma.sql`
    WITH ${Prisma.join(ctes, ",\n")}
    SELECT w."orgId"::text AS "orgId", w."id"::text AS "id", w."revision", w."updatedAt", (SELECT count(*) FROM n)::int AS "notified" FROM w`;
}

/**
 * Writes the changes inside the caller's transaction, the NOTIFY in the same
 * statement (it goes out when the transaction commits); returns the
 * workflows whose insert or swap succeeded (the others wrote nothing).
 */
export async function writeChanges(client: Tx, changes: WorkflowChange[]): Promise<AppliedRow[]> {
  if (changes.length === 0) return [];
  const rows = await client.$queryRaw<Array<AppliedRow & { notified: number }>>(writeChangesPlan(changes));
  return rows.map(({ notified: _notified, ...row }) => row);
}

/**
 * The hot path (a callback, a heartbeat, an initiate): the same statement as
 * one autocommit on the process's pool, straight through node-postgres, and
 * the NOTIFY after it committed, coalesced with the other changes committed
 * meanwhile (announceCommitted). A NOTIFY in the statement made every
 * committing callback queue on PostgreSQL's one notification lock, held
 * through the commit's flush — with nobody listening, most of the time.
 */
export async function writeChangesNow(changes: WorkflowChange[]): Promise<AppliedRow[]> {
  if (changes.length === 0) return [];
  const rows = await sqlNow<AppliedRow>(writeChangesPlan(changes, { notify: false }));
  announceCommitted(rows.map((r) => `${r.orgId}:${r.id}`));
  return rows;
}

// ---------------------------------------------------------------------------
// Announcements of committed changes, coalesced.

/** NOTIFY payloads must stay under 8000 bytes; a line is "<orgId>:<workflowId>" (73 bytes). */
const maxPayloadBytes = 7_900;
const announcer = { pending: new Set<string>(), flushing: false };

/**
 * Announces changes that committed: one NOTIFY per ~100 of them (lines
 * "<orgId>:<workflowId>"), sent on the next turn of the event loop together
 * with whatever else committed meanwhile, and only while some instance has
 * its listening connection open (a panel is watching). A change committed
 * just before a first panel connected, or announced by a process that died
 * right after its commit, is caught by the panel's polling fallback.
 */
export function announceCommitted(keys: string[]): void {
  for (const key of keys) announcer.pending.add(key);
  if (!announcer.flushing && announcer.pending.size > 0) {
    announcer.flushing = true;
    setImmediate(() => void flushAnnouncements());
  }
}

async function flushAnnouncements(): Promise<void> {
  try {
    while (announcer.pending.size > 0) {
      const payloads: string[] = [];
      let current = "";
      for (const key of announcer.pending) {
        if (current && current.length + 1 + key.length > maxPayloadBytes) {
          payloads.push(current);
          current = "";
        }
        current = current ? `${current}\n${key}` : key;
      }
      if (current) payloads.push(current);
      announcer.pending.clear();
      try {
        await sqlNow(announcePlan(payloads));
      } catch (error) {
        log.warn("realtime.announce.failed", { message: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    announcer.flushing = false;
  }
}

export function announcePlan(payloads: string[]): Prisma.Sql {
  return Prisma.sql`
    SELECT pg_notify(${workflowChangedChannel}, p) FROM unnest(${payloads}::text[]) AS p
    WHERE EXISTS (SELECT 1 FROM pg_stat_activity WHERE "datname" = current_database() AND "application_name" = ${workflowChangedListenerName})`;
}

// ---------------------------------------------------------------------------
// The timeout sweep's claim.

export interface ClaimedTask {
  taskId: string;
  orgId: string;
  workflowId: string;
  /** The claim's keyset position: the next batch of the same run starts after it. */
  deadlineAt: Date;
}

/** Where a run's previous batch ended, in the claim's order (deadline, then task id). */
export interface SweepCursor {
  deadlineAt: Date;
  taskId: string;
}

/**
 * Overdue active tasks whose workflows we could lock, oldest deadline first.
 * One range scan of the partial index on the active tasks' (deadlineAt, id)
 * (lib/db/status-checks.ts): settled tasks are not in it, so a batch reads
 * about its own size of index entries, whatever the number of waiting or
 * settled tasks. `after` is the keyset: a run's next batch starts where its
 * previous one ended instead of walking the entries it has just timed out
 * again (they stay in the index as dead entries until vacuum). A row skipped
 * because a callback held it is behind the cursor: the next run takes it.
 * Workflow rows are locked in the order a callback locks them (workflow, then
 * task), so the two never deadlock. The statuses are literals so that
 * PostgreSQL can prove the partial index applies.
 */
export function claimOverdueTasksPlan(now: Date, batchSize: number, after: SweepCursor | null = null): Prisma.Sql {
  const limit = batchSize * 4;
  const keyset = after ? Prisma.sql`AND ("deadlineAt", "id") > (${after.deadlineAt}, ${after.taskId}::uuid)` : Prisma.empty;
  return Prisma.sql`
    SELECT t."id"::text AS "taskId", t."orgId"::text AS "orgId", t."workflowId"::text AS "workflowId", t."deadlineAt"
    FROM (
      SELECT "id", "orgId", "workflowId", "deadlineAt" FROM "Task"
      WHERE ${Prisma.raw(activeTaskPredicate())} AND "deadlineAt" <= ${now} ${keyset}
      ORDER BY "deadlineAt", "id"
      LIMIT ${limit}
    ) t
    JOIN "Workflow" w ON w."orgId" = t."orgId" AND w."id" = t."workflowId"
    ORDER BY t."deadlineAt", t."id"
    LIMIT ${batchSize}
    FOR UPDATE OF w SKIP LOCKED`;
}

export function claimOverdueTasks(tx: Tx, now: Date, batchSize: number, after: SweepCursor | null = null): Promise<ClaimedTask[]> {
  return tx.$queryRaw<ClaimedTask[]>(claimOverdueTasksPlan(now, batchSize, after));
}

/**
 * Process workflows whose RETRY or WAIT is due, oldest first, locked for this
 * transaction (other sweeps skip them). A range scan on the "wakeAt" index: the
 * cost follows the due rows, not the table. Only waking phases set "wakeAt".
 */
export function claimDueProcessWakesPlan(now: Date, batchSize: number): Prisma.Sql {
  return Prisma.sql`
    SELECT "orgId"::text AS "orgId", "id"::text AS "id" FROM "Workflow"
    WHERE "wakeAt" <= ${now}
    ORDER BY "wakeAt"
    LIMIT ${batchSize}
    FOR UPDATE SKIP LOCKED`;
}

export function claimDueProcessWakes(tx: Tx, now: Date, batchSize: number): Promise<Array<{ orgId: string; id: string }>> {
  return tx.$queryRaw<Array<{ orgId: string; id: string }>>(claimDueProcessWakesPlan(now, batchSize));
}

// ---------------------------------------------------------------------------
// The outbox: claims with FOR UPDATE SKIP LOCKED plus a lease (lockedUntil),
// settled under the lease's guard (status PENDING and the attempt claimed).

export interface DeliveryFilter {
  ids?: string[];
  kinds?: string[];
}

export function claimDeliveriesPlan(limit: number, now: Date, leaseSeconds: number, only: DeliveryFilter = {}): Prisma.Sql {
  const until = new Date(now.getTime() + leaseSeconds * 1000);
  const onlyIds = only.ids ? Prisma.sql`AND "id" = ANY(${uuidList(only.ids)})` : Prisma.empty;
  const onlyKinds = only.kinds ? Prisma.sql`AND "kind" = ANY(${only.kinds}::text[])` : Prisma.empty;
  return Prisma.sql`
    UPDATE "Delivery" SET "lockedUntil" = ${until}, "attempts" = "attempts" + 1, "updatedAt" = ${now}
    WHERE "id" IN (
      SELECT "id" FROM "Delivery"
      WHERE "status" = ${deliveryStatus("PENDING")} AND "nextAttemptAt" <= ${now}
        AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
        ${onlyIds}
        ${onlyKinds}
      ORDER BY "nextAttemptAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`;
}

export type DeliverySettlement =
  | { outcome: "delivered"; status: number | null }
  | { outcome: "retry"; status: number | null; error: string; nextAttemptAt: Date }
  | { outcome: "dead"; status: number | null; error: string };

/** One claimed attempt and what became of it. */
export interface AttemptSettlement {
  delivery: { id: string; attempts: number };
  settlement: DeliverySettlement;
}

/**
 * Settles a batch of attempts in one statement (one row per attempt, zipped
 * by unnest), each guarded by its lease: a row settles only while it is still
 * PENDING at the attempt that was claimed, so a run whose lease expired never
 * overwrites a newer attempt. Returns the rows that settled. A dead letter
 * wakes its workflow's panels (the panel shows it as a failure), in the same
 * statement so that it is announced only if it commits.
 */
export function settleDeliveriesPlan(attempts: AttemptSettlement[], now: Date): Prisma.Sql {
  const rows = attempts.map(({ delivery, settlement }) => ({
    id: delivery.id,
    attempts: delivery.attempts,
    outcome: settlement.outcome,
    lastStatus: settlement.status,
    lastError: settlement.outcome === "delivered" ? null : settlement.error,
    nextAttemptAt: settlement.outcome === "retry" ? iso(settlement.nextAttemptAt) : null,
    now: iso(now),
  }));
  return Prisma.sql`
    WITH d AS (
      UPDATE "Delivery" AS t SET
        "status" = CASE r."outcome" WHEN 'delivered' THEN ${deliveryStatus("DELIVERED")} WHEN 'dead' THEN ${deliveryStatus("DEAD")} ELSE t."status" END,
        "deliveredAt" = CASE WHEN r."outcome" = 'delivered' THEN r."now" ELSE t."deliveredAt" END,
        "nextAttemptAt" = CASE WHEN r."outcome" = 'retry' THEN r."nextAttemptAt" ELSE t."nextAttemptAt" END,
        "lockedUntil" = NULL, "lastStatus" = r."lastStatus", "lastError" = r."lastError", "updatedAt" = r."now"
      FROM ${rowsOf(rows, `"id" uuid, "attempts" int, "outcome" text, "lastStatus" int, "lastError" text, "nextAttemptAt" timestamp(3), "now" timestamp(3)`)}
      WHERE t."id" = r."id" AND t."status" = ${deliveryStatus("PENDING")} AND t."attempts" = r."attempts"
      RETURNING t."id", t."orgId", t."workflowId", r."outcome"
    ),
    n AS (SELECT pg_notify(${workflowChangedChannel}, d."orgId"::text || ':' || d."workflowId"::text) FROM d WHERE d."outcome" = 'dead' AND d."workflowId" IS NOT NULL)
    SELECT d."id"::text AS "id", d."outcome", (SELECT count(*) FROM n)::int AS "notified" FROM d`;
}

/** Settles the attempts (one statement on the process's pool); returns the ids that settled (a lost lease settles nothing). */
export async function settleDeliveries(attempts: AttemptSettlement[], now: Date): Promise<Set<string>> {
  if (attempts.length === 0) return new Set();
  const rows = await sqlNow<{ id: string }>(settleDeliveriesPlan(attempts, now));
  return new Set(rows.map((r) => r.id));
}

/** One row per updated delivery (so counts stay what the UPDATE alone would say), notifying its workflow's panels in the same statement. */
function announceDeliveryChange(update: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    WITH d AS (${update} RETURNING "orgId", "workflowId")
    SELECT CASE WHEN d."workflowId" IS NOT NULL THEN pg_notify(${workflowChangedChannel}, d."orgId"::text || ':' || d."workflowId"::text) END FROM d`;
}

/**
 * A dead letter back to PENDING with a fresh set of attempts (by hand, or by
 * the scheduled re-drive, which counts its rounds in the payload). The row
 * and its id stay, so the message keeps its webhook-id.
 */
export function requeueDeadLetterPlan(orgId: string | null, id: string, now: Date, options: { countAutomaticRedrive?: boolean } = {}): Prisma.Sql {
  const org = orgId ? Prisma.sql`AND "orgId" = ${orgId}::uuid` : Prisma.empty;
  const payload = options.countAutomaticRedrive
    ? Prisma.sql`, "payload" = "payload" || jsonb_build_object('automaticRedrives', COALESCE(("payload"->>'automaticRedrives')::int, 0) + 1)`
    : Prisma.empty;
  // Re-driven: the panel stops showing it as a failure.
  return announceDeliveryChange(Prisma.sql`
    UPDATE "Delivery" SET "status" = ${deliveryStatus("PENDING")}, "attempts" = 0, "nextAttemptAt" = ${now}, "lockedUntil" = NULL, "updatedAt" = ${now} ${payload}
    WHERE "id" = ${id}::uuid AND "status" = ${deliveryStatus("DEAD")} ${org}`);
}

// ---------------------------------------------------------------------------
// Webhook receipts that no change carried (refusals), and their pruning.

export function storeReceiptPlan(orgId: string, receipt: ReceiptRow, now: Date): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "WebhookReceipt" ("orgId", "webhookId", "statusCode", "responseBody", "createdAt")
    VALUES (${orgId}::uuid, ${receipt.webhookId}, ${receipt.statusCode}, ${JSON.stringify(receipt.responseBody)}::jsonb, ${now})`;
}

export function pruneReceiptsPlan(before: Date): Prisma.Sql {
  return Prisma.sql`DELETE FROM "WebhookReceipt" WHERE "createdAt" < ${before}`;
}
