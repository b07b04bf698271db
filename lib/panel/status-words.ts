// The words and colours an agent reads at a glance. One place maps each
// state to its catalogue key, so the card, the timeline, the screen-reader
// announcements and the desktop toasts say the same thing in every language.
// A new state (a step of a process, a dead letter, a guidance line) gets a
// tone here and its words in lib/i18n/catalogues/*.
import type { EscalationPath, WorkflowStatus } from "@/lib/domain/workflow-machine";
import type { AppLocale } from "@/lib/i18n/locales";
import type { Translator } from "@/lib/i18n/messages";
import type { PanelDeliveryFailure, PanelEvent, PanelWorkflow } from "@/lib/panel/panel-types";
import { shortError } from "@/lib/panel/panel-glance";

/** Colour families; the stylesheet maps each to Spark's tokens with AA contrast. */
export type Tone = "progress" | "success" | "danger" | "warning" | "neutral";

export const workflowTone: Record<WorkflowStatus, Tone> = {
  INITIATED: "neutral",
  PENDING: "progress",
  COMPLETED: "success",
  FAILED: "danger",
  TIMED_OUT: "warning",
  ESCALATED: "warning",
  CALLBACK_SCHEDULED: "warning",
  NOTIFIED: "warning",
  CANCELLED: "neutral",
};

/** Spark's gux-badge accents for each tone. */
export const badgeAccent: Record<Tone, "info" | "success" | "warning" | "error" | "inherit"> = {
  progress: "info",
  success: "success",
  danger: "error",
  warning: "warning",
  neutral: "inherit",
};

/**
 * The badge's words and tone. A notice counts as telling the customer only
 * when Genesys accepted the SMS or email; an open one needs someone to act.
 */
export function statusOf(workflow: PanelWorkflow, t: Translator): { label: string; tone: Tone } {
  // A dead letter is a failure, whatever the workflow's status still says.
  if (workflow.delivery_failure) return { label: t(`status.failure.${workflow.delivery_failure.kind}`), tone: "danger" };
  if (workflow.status === "NOTIFIED" && workflow.notice) {
    if (workflow.notice.state === "sent") return { label: t("status.notice.sent"), tone: "warning" };
    if (workflow.notice.state === "open") return { label: t("status.notice.open"), tone: "danger" };
    return { label: t("status.notice.resolved"), tone: "warning" };
  }
  return { label: t(`status.workflow.${workflow.status}`), tone: workflowTone[workflow.status] };
}

/** What became of the notice, said plainly: only a message Genesys accepted counts; an open notice says who must act. */
export function noticeWords(workflow: PanelWorkflow, t: Translator): string {
  const notice = workflow.notice;
  if (!notice) return t("notice.recorded");
  switch (notice.state) {
    case "sent":
      return t(notice.channel === "email" ? "notice.sentEmail" : "notice.sentSms", { recipient: notice.recipient ?? "none" });
    case "resolved": {
      // Audit actors read "admin:Name (user id)": the agent needs the name.
      const who = notice.resolved_by ? notice.resolved_by.replace(/^admin:/, "").replace(/\s*\(.*\)$/, "") : t("notice.anAdmin");
      return t("notice.resolved", { who, resolution: notice.resolution ?? t("notice.resolvedDefault") });
    }
    case "open":
      return t("notice.open", { reason: notice.reason ?? t("notice.noWay") });
  }
}

/** Task types the org named (settings) win; otherwise FRAUD_VERIFICATION → "Fraud verification". */
export type TaskTypeNames = Readonly<Record<string, string>>;

/**
 * The org's names in one language: the name for that language, else the
 * org's name for all languages (lib/orgs/org-settings.ts taskTypeDisplayNames).
 */
export function taskTypeNamesIn(displayNames: Readonly<Record<string, { all: string | null; languages: Partial<Record<AppLocale, string>> }>>, locale: AppLocale): TaskTypeNames {
  const names: Record<string, string> = {};
  for (const [type, name] of Object.entries(displayNames)) {
    const chosen = name.languages[locale] ?? name.all;
    if (chosen) names[type] = chosen;
  }
  return names;
}

const smallWords = new Set(["a", "an", "and", "by", "for", "in", "of", "on", "or", "the", "to"]);

/** FRAUD_VERIFICATION → "Fraud verification"; ERP_ORDER_LOOKUP → "ERP order lookup" (short all-caps words read as acronyms). */
export function taskTypeWords(type: string, names: TaskTypeNames = {}): string {
  const named = names[type];
  if (named && named.trim() !== "") return named.trim();
  const shouting = type === type.toUpperCase();
  const words = type
    .replace(/[_\-.:]+/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => (shouting && word.length <= 3 && /^[A-Z]+$/.test(word) && !smallWords.has(word.toLowerCase()) ? word : word.toLowerCase()));
  if (words.length === 0) return type;
  const [first, ...rest] = words as [string, ...string[]];
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(" ");
}

/** A process workflow is named after its process (card-fraud → "Card fraud"); a single task after its task type. */
export function workflowTitle(workflow: PanelWorkflow, t: Translator, names: TaskTypeNames = {}): string {
  if (workflow.process) return taskTypeWords(workflow.process.name);
  return workflow.task ? taskTypeWords(workflow.task.type, names) : t("taskType.unnamed");
}

/** "Step 2 of 3 · Credit check". */
export function processStepLine(workflow: PanelWorkflow, t: Translator): string | null {
  const process = workflow.process;
  if (!process) return null;
  return t("process.stepOf", { position: process.step_position, count: process.step_count, title: process.step_title });
}

/** While a process runs, the headline says what its current step is doing. */
function processHeadline(workflow: PanelWorkflow, t: Translator): string | null {
  const process = workflow.process;
  if (!process || workflow.status !== "PENDING") return null;
  const step = process.step_title;
  switch (process.phase) {
    case "RETRY": {
      const visit = process.steps.findLast((s) => s.step === process.step);
      const reason = visit?.next_attempt?.reason ?? visit?.attempts.at(-1)?.reason ?? "FAILED";
      return t("process.headlineRetry", { step, reason: shortError(reason).short });
    }
    case "WAIT":
      return t("process.headlineWait", { step });
    case "RUNNING":
      return workflow.task?.status === "QUEUED" ? t("process.headlineSending", { step }) : t("process.headlineRunning", { step });
    default:
      return null;
  }
}

function isEscalationPath(value: unknown): value is EscalationPath {
  return value === "FLOW" || value === "CALLBACK" || value === "NOTICE";
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

export function escalationPathOf(workflow: PanelWorkflow): EscalationPath {
  return workflow.escalation?.path ?? (workflow.status === "ESCALATED" ? "FLOW" : workflow.status === "CALLBACK_SCHEDULED" ? "CALLBACK" : "NOTICE");
}

const escalatedHeadline = { FLOW: "headline.escalatedFlow", CALLBACK: "headline.escalatedCallback", NOTICE: "headline.escalatedNotice" } as const;
const escalatedEvent = { FLOW: "event.ESCALATED_FLOW", CALLBACK: "event.ESCALATED_CALLBACK", NOTICE: "event.ESCALATED_NOTICE" } as const;

/** One line that tells the agent what is going on, and what to tell the customer. An external system's error appears here, shortened, and nowhere else on the card. */
export function headline(workflow: PanelWorkflow, t: Translator, names: TaskTypeNames = {}): string {
  const task = workflow.task;
  const what = workflowTitle(workflow, t, names);
  const failure = workflow.delivery_failure;
  if (failure) {
    const queue = workflow.specialist_queue ?? "none";
    if (failure.kind === "ESCALATE") return t("headline.escalationFailed", { task: what, queue });
    // The result is in, but it never reached the customer who left: not "Longrun called them back".
    if (isFollowUp(failure)) return t("headline.followUpFailed", { task: what, outcome: task?.success ? "success" : "failure" });
    return t(refused(failure.http_status) ? "headline.dispatchRefused" : "headline.dispatchUnreachable", { task: what, queue });
  }
  switch (workflow.status) {
    case "INITIATED":
      return t("headline.started");
    case "PENDING":
      return processHeadline(workflow, t) ?? (task?.status === "QUEUED" ? t("headline.sending", { task: what }) : t("headline.waiting", { task: what }));
    case "COMPLETED":
      return task?.late_result ? t("headline.succeededLate", { task: what }) : t("headline.succeeded", { task: what });
    case "FAILED": {
      const reason = task?.failure_reason ? shortError(task.failure_reason).short : null;
      if (task?.late_result) return reason ? t("headline.failedLateReason", { task: what, reason }) : t("headline.failedLate", { task: what });
      return reason ? t("headline.failedReason", { task: what, reason }) : t("headline.failed", { task: what });
    }
    case "TIMED_OUT":
      return t("headline.timedOut", { task: what });
    case "ESCALATED":
    case "CALLBACK_SCHEDULED":
    case "NOTIFIED": {
      const path = escalationPathOf(workflow);
      if (path === "NOTICE") return t("headline.noticed", { task: what, notice: noticeWords(workflow, t) });
      return t(escalatedHeadline[path], { task: what });
    }
    case "CANCELLED": {
      const cancelled = [...workflow.events].reverse().find((e) => e.type === "WORKFLOW_CANCELLED");
      const reason = text(cancelled?.data?.reason);
      return reason ? t("headline.cancelledReason", { reason }) : t("headline.cancelled");
    }
  }
}

/** A follow-up that was to pass a result on to a customer who had left (a late result or a result after they hung up). */
function isFollowUp(failure: PanelDeliveryFailure): boolean {
  return failure.kind === "LATE_RESULT" || failure.kind === "RESULT_FOLLOW_UP";
}

/** A 4xx is a refusal; no answer or a 5xx means the other side could not be reached or broke. */
function refused(status: number | null): boolean {
  return status !== null && status >= 400 && status < 500;
}

/** What went wrong with a dead letter, for the card: the error as the other side gave it, and who can re-drive it. */
export function failureWords(workflow: PanelWorkflow, t: Translator): string | null {
  return workflow.delivery_failure ? deliveryFailureWords(workflow.delivery_failure, t) : null;
}

/** The same words for the admin dashboard's row. */
export function deliveryFailureWords(failure: PanelDeliveryFailure, t: Translator): string {
  const error = failure.error ? shortError(failure.error).short : t("card.failureNoError");
  const status = failure.http_status === null ? "none" : String(failure.http_status);
  if (isFollowUp(failure)) return t("card.followUpFailedDetail", { status, error });
  return t(failure.kind === "ESCALATE" ? "card.escalationFailedDetail" : refused(failure.http_status) ? "card.dispatchRefusedDetail" : "card.dispatchUnreachableDetail", { status, error });
}

/** What happens next and what to tell the customer: one line each, or null when there is nothing to say. */
export interface Guidance {
  next: string;
  tell: string;
}

/**
 * Guidance for the agent with the customer on the line (issue 14, part 5):
 * in every state, what Longrun or Genesys does next and what to say — the
 * queue the call goes to (by name, where the settings have it), the number a
 * callback rings and when it was requested, what a late result changes, and
 * that an open notice means nobody told the customer yet.
 */
export function guidance(workflow: PanelWorkflow, t: Translator, time: (iso: string) => string): Guidance | null {
  const task = workflow.task;
  const queue = workflow.specialist_queue ?? "none";
  const failure = workflow.delivery_failure;
  if (failure && isFollowUp(failure)) {
    return { next: t("guidance.followUpFailedNext"), tell: t("guidance.followUpFailedTell", { outcome: task?.success ? "success" : "failure" }) };
  }
  if (failure) {
    return failure.kind === "ESCALATE"
      ? { next: t("guidance.escalationFailedNext"), tell: t("guidance.escalationFailedTell", { queue }) }
      : { next: t("guidance.dispatchFailedNext"), tell: t("guidance.dispatchFailedTell", { queue }) };
  }
  if (task?.late_result) {
    const path = workflow.escalation?.path ?? workflow.escalation_planned ?? "none";
    return task.success
      ? { next: t("guidance.lateSuccessNext", { path }), tell: t("guidance.lateSuccessTell") }
      : { next: t("guidance.lateFailedNext", { path }), tell: t("guidance.lateFailedTell") };
  }
  switch (workflow.status) {
    case "INITIATED":
      return null;
    case "PENDING":
      return task ? { next: t("guidance.pendingNext", { time: time(task.deadline_at) }), tell: t("guidance.pendingTell", { time: time(task.deadline_at) }) } : null;
    case "COMPLETED":
      return { next: t("guidance.succeededNext"), tell: t("guidance.succeededTell") };
    case "FAILED":
      return { next: t("guidance.failedNext"), tell: t("guidance.failedTell") };
    case "TIMED_OUT":
      return (workflow.escalation_planned ?? "FLOW") === "FLOW"
        ? { next: t("guidance.timedOutFlowNext", { queue }), tell: t("guidance.flowTell", { queue }) }
        : { next: t("guidance.timedOutOtherNext"), tell: t("guidance.timedOutOtherTell") };
    case "ESCALATED":
    case "CALLBACK_SCHEDULED":
    case "NOTIFIED": {
      const path = escalationPathOf(workflow);
      if (path === "FLOW") return { next: t("guidance.flowNext", { queue }), tell: t("guidance.flowTell", { queue }) };
      if (path === "CALLBACK") {
        const number = workflow.escalation?.callback_number ?? "none";
        const at = workflow.escalation ? time(workflow.escalation.at) : "—";
        // The queue by the name the settings saved with it; "the callback queue" when nobody knows it.
        const callbackQueue = workflow.escalation?.callback_queue ?? "none";
        return { next: t("guidance.callbackNext", { number, queue: callbackQueue, time: at }), tell: t("guidance.callbackTell", { number }) };
      }
      const notice = workflow.notice;
      if (notice?.state === "sent") return { next: t("guidance.noticeSentNext"), tell: t("guidance.noticeSentTell") };
      if (notice?.state === "resolved") return { next: t("guidance.noticeResolvedNext"), tell: t("guidance.noticeSentTell") };
      return { next: t("guidance.noticeOpenNext"), tell: t("guidance.noticeOpenTell") };
    }
    case "CANCELLED":
      return null;
  }
}

/** The timeline's sentence for one audit event (heartbeats are summarised by the timeline itself). */
export function eventWords(event: PanelEvent, t: Translator, names: TaskTypeNames = {}): string {
  const data = event.data ?? {};
  switch (event.type) {
    case "WORKFLOW_INITIATED":
      return t("event.WORKFLOW_INITIATED");
    case "TASK_DISPATCHED": {
      const step = text(data.step_title) ?? text(data.step);
      if (step) return t("process.eventStepDispatched", { step, attempt: typeof data.attempt === "number" ? data.attempt : 1 });
      const type = text(data.task_type);
      return type ? t("event.TASK_DISPATCHED", { task: taskTypeWords(type, names) }) : t("event.TASK_DISPATCHED_UNNAMED");
    }
    case "TASK_ACCEPTED":
      return t("event.TASK_ACCEPTED");
    case "TASK_HEARTBEAT":
      return t("event.heartbeats", { count: 1 });
    case "TASK_PROGRESS": {
      // The vendor's own word, as it sent it (PROCESSING, UNDER_REVIEW…), with its message if any.
      const word = text(data.word) ?? "…";
      const message = text(data.message);
      // "deadline extended" only when it did move (the event records whether).
      const extended = data.extended === true ? "true" : "false";
      return message ? t("event.TASK_PROGRESS_MESSAGE", { word, message, extended }) : t("event.TASK_PROGRESS", { word, extended });
    }
    case "CUSTOMER_ENDED":
      return t("event.CUSTOMER_ENDED");
    case "TASK_SUCCEEDED":
      return t("event.TASK_SUCCEEDED");
    case "TASK_FAILED":
      // The reason is on the card's headline already: shown once.
      return t("event.TASK_FAILED");
    case "TASK_TIMED_OUT":
      return t("event.TASK_TIMED_OUT");
    case "ESCALATED":
    case "RESULT_FOLLOWED_UP": {
      if (data.path === "NOTICE") {
        if (data.notice === "sent") return t(data.channel === "email" ? "event.NOTICE_SENT_EMAIL" : "event.NOTICE_SENT_SMS");
        if (data.notice === "open") return t("event.NOTICE_OPEN");
      }
      if (event.type === "RESULT_FOLLOWED_UP") return data.path === "CALLBACK" ? t("event.FOLLOWED_UP_CALLBACK") : data.path === "FLOW" ? t("event.FOLLOWED_UP_FLOW") : t("event.RESULT_FOLLOWED_UP");
      if (data.path === "NOTICE") return t("event.ESCALATED_NOTICE_UNREACHED");
      return isEscalationPath(data.path) ? t(escalatedEvent[data.path]) : t("event.ESCALATED");
    }
    case "LATE_RESULT":
      return data.success === true ? t("event.LATE_RESULT_SUCCESS") : data.success === false ? t("event.LATE_RESULT_FAILED") : t("event.LATE_RESULT");
    case "WORKFLOW_CANCELLED": {
      const reason = text(data.reason);
      return reason ? t("event.WORKFLOW_CANCELLED_REASON", { reason }) : t("event.WORKFLOW_CANCELLED");
    }
    case "STEP_RETRY_SCHEDULED":
      return t("process.eventRetry", { step: taskTypeWords(text(data.step) ?? "…"), reason: text(data.reason) ?? "FAILED" });
    case "STEP_WAITING":
      return t("process.eventWaiting", { step: text(data.step_title) ?? text(data.step) ?? "…" });
    case "STEP_ESCALATED":
      return t("process.eventEscalated", { step: taskTypeWords(text(data.step) ?? "…"), reason: text(data.reason) ?? text(data.cause) ?? "—" });
    case "PROCESS_ENDED":
      return t("process.eventEnded", { outcome: data.outcome === "COMPLETED" ? t("status.workflow.COMPLETED") : data.outcome === "FAILED" ? t("status.workflow.FAILED") : (text(data.outcome) ?? "—") });
    default:
      return t("event.other", { type: taskTypeWords(event.type.toLowerCase()) });
  }
}

const knownActors = ["data-action", "callback", "cron", "agent", "admin", "outbox"] as const;

export function actorWords(actor: string, t: Translator): string {
  const known = knownActors.find((a) => a === actor);
  return known ? t(`actor.${known}`) : t("actor.other", { actor });
}

/** Final outcomes worth a desktop toast; null for anything else. */
export function outcomeOf(workflow: PanelWorkflow): "completed" | "failed" | "timed-out" | "not-passed-on" | null {
  // A follow-up dead letter: the result may be a success, but the customer who left never heard it.
  if (workflow.delivery_failure && isFollowUp(workflow.delivery_failure)) return "not-passed-on";
  if (workflow.delivery_failure) return "failed";
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
