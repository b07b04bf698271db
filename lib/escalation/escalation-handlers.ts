// What Longrun does in Genesys Cloud when a task times out or a result comes
// back to a customer who may have gone: launch the timeout-handler flow while
// they are connected, otherwise schedule a callback, otherwise leave a notice
// that admins and agents see. Nothing is dropped (rules 5 and 6).
import type { Delivery, Org, Task, Workflow } from "@/lib/generated/prisma/client";
import { escalationStillDue, resultSignal, type EscalationPath, type WorkflowCommand } from "@/lib/domain/workflow-machine";
import { conversationStateFor } from "@/lib/conversations/conversation-state";
import { linkCallbackConversation } from "@/lib/conversations/workflow-conversations";
import { createCallback, launchFlow, type ConversationState } from "@/lib/genesys/genesys-client";
import { GenesysError } from "@/lib/genesys/genesys-error";
import { deliverNotice, noticeDetail, noticeKindOf } from "@/lib/notices/customer-notices";
import { readOrgSettings, settingsForTaskType, type EffectiveTaskSettings } from "@/lib/orgs/org-settings";
import type { DeliveryChange, DeliveryOutcome } from "@/lib/outbox/delivery-outcome";
import type { DeliveryBatch } from "@/lib/outbox/delivery-batch";
import { toState, toTaskState, type LoadedWorkflow } from "@/lib/workflows/workflow-store";

interface Subject {
  org: Org;
  workflow: Workflow;
  task: Task;
  /** The workflow and its current task as read, when the delivery's task is the current one: the write after the Genesys call starts from it (a compare-and-swap, so a change meanwhile is simply decided again on a fresh read). */
  loaded: LoadedWorkflow | undefined;
  settings: EffectiveTaskSettings;
}

/**
 * The org, the workflow, its current task and the delivery's task if it is
 * not the current one (rare: a follow-up of a task a process has moved
 * past), as the batch read them for all its deliveries.
 */
async function loadSubject(delivery: Delivery, batch: DeliveryBatch): Promise<Subject | null> {
  const [org, found] = await Promise.all([batch.org(delivery.orgId), batch.task(delivery)]);
  if (!org || !found) return null;
  const { loaded, task } = found;
  return { org, workflow: loaded.workflow, task, loaded: loaded.task?.id === task.id ? loaded : undefined, settings: settingsForTaskType(readOrgSettings(org.settings), task.type) };
}

/** The command a delivered follow-up records on its workflow, written with the rest of the batch's (DeliveryChange). */
function recorded(subject: Subject, delivery: Delivery, command: WorkflowCommand): DeliveryChange {
  return { orgId: subject.org.id, workflowId: subject.workflow.id, command, meta: { actor: "cron", requestId: delivery.id }, loaded: subject.loaded };
}

/** The number to call back: the conversation's customer, else what the flow put in the context. */
function callbackNumber(workflow: Workflow, conversation: ConversationState | null): string | null {
  const context = (workflow.context ?? {}) as Record<string, unknown>;
  for (const key of ["callback_number", "callbackNumber", "phone", "customer_phone", "ani"]) {
    const value = context[key];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return conversation?.customerAddress ?? null;
}

interface Reached {
  path: EscalationPath;
  detail: Record<string, string>;
}

/** What every channel may look at when it decides whether it can reach the customer. */
interface Situation {
  /** The result signal Genesys gets (the domain's verdict, stored with the result). */
  status: string;
  conversation: ConversationState | null;
  /** False when the flow session is known to be over (deadline past the session limit). */
  preferFlow: boolean;
  /** The number a callback or SMS would go to. */
  number: string | null;
  deliveryId: string;
}

/**
 * A way to reach the customer: `reach` does it and answers the event's detail,
 * or answers null when it cannot apply (the next channel is tried).
 */
interface Channel {
  path: EscalationPath;
  reach(subject: Subject, situation: Situation): Promise<Record<string, string> | null>;
}

/**
 * The channels in order of preference; the last always applies, so nothing is
 * dropped (rules 5 and 6). Adding one: its path in EscalationPath
 * (lib/domain/effects.ts) and the status it leaves the workflow in
 * (escalatedStatus in lib/domain/workflow-machine.ts, which does not compile
 * without it), then its entry here.
 */
const channels: Channel[] = [
  {
    // The timeout-handler flow, while the customer is still connected.
    path: "FLOW",
    async reach({ org, workflow, task, settings }, { status, conversation, preferFlow }) {
      if (!preferFlow || !conversation?.customerConnected || !settings.timeoutHandlerFlowId) return null;
      const launched = await launchFlow(org, {
        flowId: settings.timeoutHandlerFlowId,
        name: `Longrun ${task.type} ${workflow.id}`.slice(0, 100),
        inputData: {
          "Flow.workflow_id": workflow.id,
          "Flow.timeout_status": status,
          "Flow.conversation_id": workflow.conversationId ?? "",
          "Flow.task_type": task.type,
          ...(settings.specialistQueueName ? { "Flow.specialist_queue": settings.specialistQueueName } : {}),
        },
      });
      return { flow_execution_id: launched.id, flow_id: settings.timeoutHandlerFlowId, timeout_status: status };
    },
  },
  {
    // A Genesys callback to the customer's number, in the org's callback queue.
    path: "CALLBACK",
    async reach({ org, workflow, task, settings }, { status, conversation, number }) {
      if (!settings.callbackQueueId || !number || !org.genesysClientId) return null;
      const created = await createCallback(org, {
        queueId: settings.callbackQueueId,
        callbackNumbers: [number],
        ...(conversation?.customerName ? { callbackUserName: conversation.customerName } : {}),
        data: { workflow_id: workflow.id, customer_id: workflow.customerId, task_type: task.type, timeout_status: status, ...(workflow.conversationId ? { original_conversation_id: workflow.conversationId } : {}) },
      });
      // The callback is a new conversation: its panel finds the workflow through this link.
      if (created.conversationId) await linkCallbackConversation(org.id, workflow.id, created.conversationId, workflow.conversationId);
      // The number goes into the event too: the agent tells the customer which number Genesys will call.
      // So is the queue's name, as the settings page's picker saved it: the agent can say who will call.
      return {
        callback_conversation_id: created.conversationId ?? "",
        queue_id: settings.callbackQueueId,
        ...(settings.callbackQueueName ? { queue_name: settings.callbackQueueName } : {}),
        callback_number: number,
        timeout_status: status,
      };
    },
  },
  {
    // A message the customer really gets, or an open notice a person must handle (lib/notices).
    path: "NOTICE",
    async reach({ org, workflow, task, settings }, { status, conversation, number, deliveryId }) {
      const why = !org.genesysClientId ? "Genesys credentials not configured" : !settings.callbackQueueId ? "no callback queue configured" : "no callback number known";
      const notice = await deliverNotice({ org, workflow, task, deliveryId, kind: noticeKindOf(status), phone: number, customerName: conversation?.customerName ?? null, why });
      return { ...noticeDetail(notice), timeout_status: status };
    },
  },
];

/** Reaches the customer by the first channel still open. */
async function reachCustomer(subject: Subject, preferFlow: boolean, deliveryId: string): Promise<Reached> {
  const conversation = await conversationStateFor(subject.org, subject.workflow);
  const situation: Situation = { status: resultSignal(toTaskState(subject.task)), conversation, preferFlow, number: callbackNumber(subject.workflow, conversation), deliveryId };
  for (const channel of channels) {
    const detail = await channel.reach(subject, situation);
    if (detail) return { path: channel.path, detail };
  }
  throw new Error("no escalation channel applied; the last one must always apply");
}

function failureOutcome(error: unknown): DeliveryOutcome {
  if (error instanceof GenesysError) return error.toOutcome();
  throw error;
}

/** ESCALATE: a task timed out. */
export async function deliverEscalation(delivery: Delivery, batch: DeliveryBatch): Promise<DeliveryOutcome> {
  const subject = await loadSubject(delivery, batch);
  if (!subject) return { ok: false, retryable: false, error: "workflow or task no longer exists" };
  // A late result or a cancel got there first: nothing to escalate any more.
  const current = subject.workflow.currentTaskId === subject.task.id ? subject.task : null;
  if (!escalationStillDue(toState(subject.workflow, current), subject.task.id)) {
    return { ok: true, detail: { skipped: `workflow is ${subject.workflow.status}` } };
  }
  const planned = (delivery.payload as { path?: EscalationPath } | null)?.path ?? "FLOW";
  try {
    const reached = await reachCustomer(subject, planned === "FLOW", delivery.id);
    return { ok: true, detail: reached.detail, change: recorded(subject, delivery, { type: "ESCALATION_DELIVERED", taskId: subject.task.id, path: reached.path, detail: reached.detail }) };
  } catch (error) {
    return failureOutcome(error);
  }
}

/**
 * LATE_RESULT (after an escalation went out) and RESULT_FOLLOW_UP (a result
 * for a conversation that may have ended): while the customer is connected
 * the flow reads the result itself (GET /api/v1/workflows/{id}), and a late
 * one is pushed to the timeout-handler flow; once they are gone, a callback
 * or a notice carries it.
 */
export async function deliverResultFollowUp(delivery: Delivery, batch: DeliveryBatch): Promise<DeliveryOutcome> {
  const subject = await loadSubject(delivery, batch);
  if (!subject) return { ok: false, retryable: false, error: "workflow or task no longer exists" };
  const { org, workflow, task } = subject;
  if (workflow.status === "CANCELLED") return { ok: true, detail: { skipped: "workflow cancelled" } };
  const late = delivery.kind === "LATE_RESULT";
  if (late && (delivery.payload as { escalatedAs?: string } | null)?.escalatedAs === "CALLBACK_SCHEDULED") {
    // The scheduled callback carries the workflow id; its flow and agent read the result from Longrun.
    const detail = { attached_to: "scheduled callback" };
    return { ok: true, detail, change: recorded(subject, delivery, { type: "RESULT_FOLLOWED_UP", taskId: task.id, path: "CALLBACK", detail }) };
  }
  try {
    if (!late && workflow.conversationId && org.genesysClientId) {
      const conversation = await conversationStateFor(org, workflow);
      if (conversation?.customerConnected) return { ok: true, detail: { skipped: "customer still connected; the flow reads the result" } };
    }
    if (!late && !org.genesysClientId) return { ok: true, detail: { skipped: "Genesys credentials not configured" } };
    const reached = await reachCustomer(subject, late, delivery.id);
    return { ok: true, detail: reached.detail, change: recorded(subject, delivery, { type: "RESULT_FOLLOWED_UP", taskId: task.id, path: reached.path, detail: reached.detail }) };
  } catch (error) {
    return failureOutcome(error);
  }
}
