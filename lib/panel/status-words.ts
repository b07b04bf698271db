// The words and colours an agent reads at a glance. One place, so the card,
// the timeline, the screen-reader announcements and the desktop toasts say
// the same thing.
import type { EscalationPath, TaskStatus, WorkflowStatus } from "@/lib/domain/workflow-machine";
import type { PanelEvent, PanelWorkflow } from "@/lib/panel/panel-types";

/** Colour families; the stylesheet maps each to a foreground/background pair with AA contrast. */
export type Tone = "progress" | "success" | "danger" | "warning" | "neutral";

export interface StatusWords {
  label: string;
  tone: Tone;
}

export const workflowStatusWords: Record<WorkflowStatus, StatusWords> = {
  INITIATED: { label: "Started", tone: "neutral" },
  PENDING: { label: "In progress", tone: "progress" },
  COMPLETED: { label: "Completed", tone: "success" },
  FAILED: { label: "Failed", tone: "danger" },
  TIMED_OUT: { label: "Timed out", tone: "warning" },
  ESCALATED: { label: "Escalated", tone: "warning" },
  CALLBACK_SCHEDULED: { label: "Callback scheduled", tone: "warning" },
  NOTIFIED: { label: "Notice", tone: "warning" },
  CANCELLED: { label: "Cancelled", tone: "neutral" },
};

export const taskStatusWords: Record<TaskStatus, string> = {
  QUEUED: "Sending to the external system",
  ACCEPTED: "Accepted, waiting for the result",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  TIMED_OUT: "No answer by the deadline",
  CANCELLED: "Cancelled",
};

/** What Longrun did (past tense) for each escalation path. */
export const escalationDoneWords: Record<EscalationPath, string> = {
  FLOW: "launched the timeout flow while the customer is still connected",
  CALLBACK: "scheduled a callback to the customer",
  NOTICE: "could reach the customer neither by flow nor by callback",
};

/**
 * What became of the notice, said plainly: only a message Genesys accepted
 * counts as telling the customer; an open notice says who must act.
 */
export function noticeWords(workflow: PanelWorkflow): string {
  const notice = workflow.notice;
  if (!notice) return "Longrun recorded a notice for the customer.";
  const how = notice.channel === "email" ? "an email" : "an SMS";
  switch (notice.state) {
    case "sent":
      return `Longrun sent the customer ${how}${notice.recipient ? ` (${notice.recipient})` : ""}.`;
    case "resolved":
      return `${notice.resolved_by ? notice.resolved_by.replace(/^admin:/, "").replace(/\s*\(.*\)$/, "") : "An admin"} followed up with the customer: ${notice.resolution ?? "resolved"}.`;
    case "open":
      return `Nobody has told the customer yet (${notice.reason ?? "no way to reach them"}). If you can, call the customer back and tell them; otherwise tell your supervisor — it is on the admins' open-notices list.`;
  }
}

/** The badge: for a notice, whether the customer was really told. */
export function statusWordsOf(workflow: PanelWorkflow): StatusWords {
  if (workflow.status === "NOTIFIED" && workflow.notice) {
    if (workflow.notice.state === "sent") return { label: "Customer notified", tone: "warning" };
    if (workflow.notice.state === "open") return { label: "Customer not told yet", tone: "danger" };
    return { label: "Followed up", tone: "warning" };
  }
  return workflowStatusWords[workflow.status];
}

const smallWords = new Set(["a", "an", "and", "by", "for", "in", "of", "on", "or", "the", "to"]);

/** FRAUD_VERIFICATION → "Fraud verification"; ERP_ORDER_LOOKUP → "ERP order lookup" (short all-caps words read as acronyms). */
export function taskTypeWords(type: string): string {
  const shouting = type === type.toUpperCase();
  const words = type
    .replace(/[_\-.]+/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => (shouting && word.length <= 3 && /^[A-Z]+$/.test(word) && !smallWords.has(word.toLowerCase()) ? word : word.toLowerCase()));
  if (words.length === 0) return type;
  const [first, ...rest] = words as [string, ...string[]];
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(" ");
}

function isEscalationPath(value: unknown): value is EscalationPath {
  return value === "FLOW" || value === "CALLBACK" || value === "NOTICE";
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** One line that tells the agent what is going on, and what to tell the customer. */
export function headline(workflow: PanelWorkflow): string {
  const task = workflow.task;
  const what = task ? taskTypeWords(task.type) : "The workflow";
  switch (workflow.status) {
    case "INITIATED":
      return "Started; no task has been sent yet.";
    case "PENDING":
      return task?.status === "QUEUED" ? `${what}: sending to the external system.` : `Waiting for the result: ${what}.`;
    case "COMPLETED":
      return task?.late_result ? `${what} succeeded (late).` : `${what} succeeded.`;
    case "FAILED": {
      const reason = task?.failure_reason;
      const late = task?.late_result ? " (late)" : "";
      return reason ? `${what} failed${late}: ${reason}` : `${what} failed${late}.`;
    }
    case "TIMED_OUT":
      return `${what} did not answer in time; Longrun is escalating.`;
    case "ESCALATED":
    case "CALLBACK_SCHEDULED":
    case "NOTIFIED": {
      const path = workflow.escalation?.path ?? (workflow.status === "ESCALATED" ? "FLOW" : workflow.status === "CALLBACK_SCHEDULED" ? "CALLBACK" : "NOTICE");
      if (path === "NOTICE") return `${what} did not answer in time. ${noticeWords(workflow)}`;
      return `${what} did not answer in time; Longrun ${escalationDoneWords[path]}.`;
    }
    case "CANCELLED": {
      const cancelled = [...workflow.events].reverse().find((e) => e.type === "WORKFLOW_CANCELLED");
      const reason = text(cancelled?.data?.reason);
      return reason ? `Cancelled: ${reason}` : "Cancelled.";
    }
  }
}

/** The timeline's sentence for one audit event. */
export function eventWords(event: PanelEvent): string {
  const data = event.data ?? {};
  switch (event.type) {
    case "WORKFLOW_INITIATED":
      return "Workflow started";
    case "TASK_DISPATCHED": {
      const type = text(data.task_type);
      return type ? `${taskTypeWords(type)} requested` : "Task requested";
    }
    case "TASK_ACCEPTED":
      return "External system accepted the task";
    case "TASK_HEARTBEAT":
      return "External system is still working; deadline extended";
    case "TASK_SUCCEEDED":
      return "Result: success";
    case "TASK_FAILED": {
      const reason = text(data.reason) ?? text(data.status);
      return reason ? `Result: failed (${reason})` : "Result: failed";
    }
    case "TASK_TIMED_OUT":
      return "No result by the deadline";
    case "ESCALATED":
    case "RESULT_FOLLOWED_UP": {
      if (data.path === "NOTICE") {
        if (data.notice === "sent") return `Longrun sent the customer ${data.channel === "email" ? "an email" : "an SMS"}`;
        if (data.notice === "open") return "Nobody could reach the customer: notice opened for the admins";
      }
      if (event.type === "RESULT_FOLLOWED_UP") return data.path === "CALLBACK" ? "Result passed to the callback" : data.path === "FLOW" ? "Result passed to the timeout flow" : "Result followed up";
      return isEscalationPath(data.path) ? `Longrun ${escalationDoneWords[data.path]}` : "Longrun escalated";
    }
    case "LATE_RESULT": {
      const outcome = data.success === true ? "success" : data.success === false ? "failed" : "received";
      const reason = data.success === false ? text(data.reason) : null;
      return `Late result: ${outcome}${reason ? ` (${reason})` : ""}`;
    }
    case "WORKFLOW_CANCELLED": {
      const reason = text(data.reason);
      return reason ? `Cancelled: ${reason}` : "Cancelled";
    }
    default:
      return taskTypeWords(event.type.toLowerCase());
  }
}

export const actorWords: Record<string, string> = {
  "data-action": "Architect flow",
  callback: "external system",
  cron: "Longrun (timeout check)",
  agent: "agent",
  admin: "admin",
  outbox: "Longrun",
};

/** Final outcomes worth a desktop toast; null for anything else. */
export function outcomeOf(workflow: PanelWorkflow): "completed" | "failed" | "timed-out" | null {
  switch (workflow.status) {
    case "COMPLETED":
      return "completed";
    case "FAILED":
      return "failed";
    case "TIMED_OUT":
    case "ESCALATED":
    case "CALLBACK_SCHEDULED":
    case "NOTIFIED":
      return "timed-out";
    default:
      return null;
  }
}
