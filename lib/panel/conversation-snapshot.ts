// Reads everything the panel shows for one conversation of one org, in a few
// indexed queries: workflows by (orgId, conversationId), those the
// conversation carries (a callback Longrun created, or a participant
// attribute `workflow_id` read from Genesys by the caller), their current
// tasks, their latest events, and the dispatch or escalation that became a
// dead letter.
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import type { Delivery, Event, Notice, Task, Workflow } from "@/lib/generated/prisma/client";
import { latestNoticesOf } from "@/lib/notices/customer-notices";
import { linkedWorkflows, type LinkedWorkflow } from "@/lib/conversations/workflow-conversations";
import type { EscalationPath, TaskStatus, WorkflowStatus } from "@/lib/domain/workflow-machine";
import type { PanelDeliveryFailure, PanelEvent, PanelNotice, PanelProcess, PanelSnapshot, PanelTask, PanelWorkflow } from "@/lib/panel/panel-types";
import type { ProcessDefinition } from "@/lib/domain/process-definition";
import { pinnedDefinition } from "@/lib/processes/process-inputs";
import { processHistory, processHistoryEventTypes } from "@/lib/panel/process-history";
import { readOrgSettings, settingsForTaskType, taskTypeDisplayNames, type EffectiveTaskSettings, type OrgSettings } from "@/lib/orgs/org-settings";
import { latestDeliveriesOf, type FailureDeliveryKind } from "@/lib/outbox/delivery-state";

/** A conversation rarely has more than a handful; the newest are the ones an agent cares about. */
export const maxWorkflowsPerConversation = 20;
/** Enough for a long story on a narrow panel; older events stay in the audit log. */
export const maxEventsPerWorkflow = 50;

function isPath(value: unknown): value is EscalationPath {
  return value === "FLOW" || value === "CALLBACK" || value === "NOTICE";
}

function toPanelEvent(e: Event): PanelEvent {
  const data = e.data !== null && typeof e.data === "object" && !Array.isArray(e.data) ? (e.data as Record<string, unknown>) : null;
  return { id: e.id.toString(), type: e.type, from_status: e.fromStatus, to_status: e.toStatus, actor: e.actor, created_at: e.createdAt.toISOString(), data };
}

function toPanelTask(task: Task): PanelTask {
  return {
    id: task.id,
    type: task.type,
    status: task.status as TaskStatus,
    created_at: task.createdAt.toISOString(),
    deadline_at: task.deadlineAt.toISOString(),
    last_heartbeat_at: task.lastHeartbeatAt?.toISOString() ?? null,
    completed_at: task.completedAt?.toISOString() ?? null,
    timed_out_at: task.timedOutAt?.toISOString() ?? null,
    result_status: task.resultStatus,
    // The domain's verdict, stored with the result (the same one the API and Genesys get).
    success: task.resultSuccess,
    failure_reason: task.failureReason,
    late_result: task.lateResult,
    result_data: task.resultData ?? null,
  };
}

export function toPanelNotice(notice: Notice | null | undefined): PanelNotice | null {
  if (!notice) return null;
  return {
    state: notice.status === "SENT" ? "sent" : notice.status === "RESOLVED" ? "resolved" : "open",
    channel: notice.channel === "sms" || notice.channel === "email" ? notice.channel : null,
    recipient: notice.recipient,
    reason: notice.reason,
    resolution: notice.resolution,
    resolved_by: notice.resolvedBy,
    at: (notice.resolvedAt ?? notice.createdAt).toISOString(),
  };
}

/**
 * Only a dead letter the workflow still waits on is shown: a dispatch that
 * never reached the external system while the task is still queued, an
 * escalation Genesys refused while the workflow is timed out, or a follow-up
 * that was to pass the result on to a customer who left (it is the latest
 * delivery of the task until a re-drive takes it back; a cancel ends it).
 * Once a result, a re-drive or a cancel moved the workflow on, its status
 * says it all.
 */
export function toDeliveryFailure(
  workflow: Pick<Workflow, "status">,
  task: Pick<Task, "status"> | null,
  delivery: (Pick<Delivery, "status" | "lastError" | "lastStatus" | "updatedAt"> & { kind: FailureDeliveryKind }) | null | undefined,
): PanelDeliveryFailure | null {
  if (!delivery || delivery.status !== "DEAD" || !task) return null;
  const waitsOnIt = waitsOn[delivery.kind](workflow, task);
  if (!waitsOnIt) return null;
  return { kind: delivery.kind, error: delivery.lastError, http_status: delivery.lastStatus, at: delivery.updatedAt.toISOString() };
}

function nonEmpty(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/**
 * The callback queue's name: the one saved with the callback's event, else
 * the settings' name when the settings still point at the same queue
 * (callbacks scheduled before names were saved). Never a name for another queue.
 */
function callbackQueueName(data: Record<string, unknown>, settings: PanelWorkflowExtras["callbackQueue"]): string | null {
  const saved = nonEmpty(data.queue_name);
  if (saved) return saved;
  return settings?.name && settings.id === data.queue_id ? settings.name : null;
}

const waitsOn: Record<FailureDeliveryKind, (workflow: Pick<Workflow, "status">, task: Pick<Task, "status">) => boolean> = {
  DISPATCH_TASK: (w, t) => w.status === "PENDING" && t.status === "QUEUED",
  ESCALATE: (w) => w.status === "TIMED_OUT",
  LATE_RESULT: (w) => w.status !== "CANCELLED",
  RESULT_FOLLOW_UP: (w) => w.status !== "CANCELLED",
};

/** How the panel came to show a workflow of another conversation. */
export interface CarriedBy {
  kind: "callback" | "attribute";
  fromConversationId: string | null;
}

export interface PanelWorkflowExtras {
  notice?: Notice | null;
  process?: PanelProcess | null;
  carriedBy?: CarriedBy | null;
  deliveryFailure?: PanelDeliveryFailure | null;
  specialistQueue?: string | null;
  /** The task type's callback queue in the settings now (id and name). */
  callbackQueue?: { id: string | null; name: string | null } | null;
}

export function toPanelWorkflow(workflow: Workflow, task: Task | null, newestFirstEvents: Event[], truncated: boolean, extras: PanelWorkflowExtras = {}): PanelWorkflow {
  const events = [...newestFirstEvents].reverse().map(toPanelEvent);
  const forTask = (e: PanelEvent) => task !== null && newestFirstEvents.some((raw) => raw.id.toString() === e.id && raw.taskId === task.id);
  const escalated = [...events].reverse().find((e) => e.type === "ESCALATED" && forTask(e) && isPath(e.data?.path));
  const timedOut = [...events].reverse().find((e) => e.type === "TASK_TIMED_OUT" && forTask(e) && isPath(e.data?.path));
  return {
    workflow_id: workflow.id,
    customer_id: workflow.customerId,
    status: workflow.status as WorkflowStatus,
    version: workflow.version,
    created_at: workflow.createdAt.toISOString(),
    updated_at: workflow.updatedAt.toISOString(),
    session_state: workflow.sessionState,
    task: task ? toPanelTask(task) : null,
    escalation: escalated
      ? {
          path: escalated.data!.path as EscalationPath,
          at: escalated.created_at,
          callback_number: nonEmpty(escalated.data!.callback_number),
          callback_queue: escalated.data!.path === "CALLBACK" ? callbackQueueName(escalated.data!, extras.callbackQueue) : null,
        }
      : null,
    escalation_planned: timedOut ? (timedOut.data!.path as EscalationPath) : null,
    notice: toPanelNotice(extras.notice),
    came_from: extras.carriedBy ? { kind: extras.carriedBy.kind, conversation_id: extras.carriedBy.fromConversationId } : null,
    process: extras.process ?? null,
    delivery_failure: extras.deliveryFailure ?? null,
    specialist_queue: extras.specialistQueue ?? null,
    events,
    events_truncated: truncated,
  };
}

function queuesOf(settings: EffectiveTaskSettings): Pick<PanelWorkflowExtras, "specialistQueue" | "callbackQueue"> {
  return { specialistQueue: settings.specialistQueueName, callbackQueue: { id: settings.callbackQueueId, name: settings.callbackQueueName } };
}

export interface SnapshotOptions {
  /**
   * Workflow ids the conversation's participant attribute `workflow_id` names
   * (read from Genesys with the agent's token). Only the org's own are shown:
   * every query below filters by orgId.
   */
  attributeWorkflowIds?: readonly string[];
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadConversationSnapshot(orgId: string, conversationId: string, options: SnapshotOptions = {}): Promise<PanelSnapshot> {
  const prisma = await db();
  const named = (options.attributeWorkflowIds ?? []).filter((id) => uuidPattern.test(id)).slice(0, maxWorkflowsPerConversation);
  // Its own workflows, and those it carries as a callback Longrun created (read side by side).
  const [own, links] = await Promise.all([
    prisma.workflow.findMany({ where: { orgId, conversationId }, orderBy: [{ createdAt: "desc" }, { id: "asc" }], take: maxWorkflowsPerConversation }),
    linkedWorkflows(orgId, conversationId),
  ]);
  const carriedBy = new Map<string, CarriedBy>(links.map((l: LinkedWorkflow) => [l.workflowId, { kind: "callback", fromConversationId: l.fromConversationId }]));
  const foreignIds = [...new Set([...links.map((l) => l.workflowId), ...named])].filter((id) => !own.some((o) => o.id === id));
  const carried = foreignIds.length > 0 ? await prisma.workflow.findMany({ where: { orgId, id: { in: foreignIds } } }) : [];
  // Named by the attribute only: it came from the conversation that started it.
  for (const w of carried) if (!carriedBy.has(w.id)) carriedBy.set(w.id, { kind: "attribute", fromConversationId: w.conversationId });
  const workflows = [...carried, ...own].slice(0, maxWorkflowsPerConversation);
  const taskIds = workflows.map((w) => w.currentTaskId).filter((id): id is string => id !== null);
  const [tasks, eventLists, notices, deliveries, org] = await Promise.all([
    taskIds.length > 0 ? prisma.task.findMany({ where: { orgId, id: { in: taskIds } } }) : Promise.resolve([] as Task[]),
    Promise.all(
      workflows.map((w) =>
        prisma.event.findMany({ where: { orgId, workflowId: w.id }, orderBy: { id: "desc" }, take: maxEventsPerWorkflow + 1 }),
      ),
    ),
    latestNoticesOf(orgId, workflows.filter((w) => w.status === "NOTIFIED" || w.status === "COMPLETED" || w.status === "FAILED").map((w) => w.id)),
    latestDeliveriesOf(orgId, taskIds),
    workflows.length > 0 ? prisma.org.findUnique({ where: { id: orgId }, select: { settings: true } }) : Promise.resolve(null),
  ]);
  const settings: OrgSettings | null = org ? readOrgSettings(org.settings) : null;
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const processes = await processHistories(orgId, workflows);
  return {
    conversation_id: conversationId,
    generated_at: clock.now().toISOString(),
    workflows: workflows.map((w, i) => {
      const events = eventLists[i] ?? [];
      const task = w.currentTaskId ? (taskById.get(w.currentTaskId) ?? null) : null;
      return toPanelWorkflow(w, task, events.slice(0, maxEventsPerWorkflow), events.length > maxEventsPerWorkflow, {
        notice: notices.get(w.id) ?? null,
        process: processes.get(w.id) ?? null,
        carriedBy: carriedBy.get(w.id) ?? null,
        deliveryFailure: task ? toDeliveryFailure(w, task, deliveries.get(task.id)) : null,
        ...(task && settings ? queuesOf(settingsForTaskType(settings, task.type)) : {}),
      });
    }),
    // The names the org gave its task types; the panel picks the agent's language (lib/panel/status-words.ts taskTypeNamesIn).
    task_type_names: settings ? taskTypeDisplayNames(settings) : {},
  };
}

/**
 * The step history of the workflows that run a process: every step task and
 * process event of theirs (a process has at most 50 steps and their retries,
 * so these stay small), whatever the timeline's limit left out.
 */
async function processHistories(orgId: string, workflows: Workflow[]): Promise<Map<string, PanelProcess>> {
  const running = workflows.filter((w) => w.processName !== null && w.processVersion !== null);
  const histories = new Map<string, PanelProcess>();
  if (running.length === 0) return histories;
  const prisma = await db();
  const ids = running.map((w) => w.id);
  const [tasks, events, definitions] = await Promise.all([
    prisma.task.findMany({ where: { orgId, workflowId: { in: ids }, step: { not: null } } }),
    prisma.event.findMany({ where: { orgId, workflowId: { in: ids }, type: { in: [...processHistoryEventTypes] } }, orderBy: { id: "asc" } }),
    Promise.all(running.map((w) => pinnedDefinition(prisma, orgId, w.processName!, w.processVersion!).catch((): ProcessDefinition | null => null))),
  ]);
  running.forEach((w, i) => {
    const history = processHistory(w, definitions[i] ?? null, tasks.filter((t) => t.workflowId === w.id), events.filter((e) => e.workflowId === w.id));
    if (history) histories.set(w.id, history);
  });
  return histories;
}

/** The conversation a workflow belongs to (immutable, so callers may cache it). */
export async function conversationOfWorkflow(orgId: string, workflowId: string): Promise<string | null> {
  const prisma = await db();
  const row = await prisma.workflow.findUnique({ where: { orgId_id: { orgId, id: workflowId } }, select: { conversationId: true } });
  return row?.conversationId ?? null;
}
