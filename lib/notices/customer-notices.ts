// Notices that are real (issue 14, part 3): when neither the timeout-handler
// flow nor a callback can reach the customer, Longrun messages them (agentless
// SMS, else email) where the org configured a sender; otherwise the notice is
// an OPEN item that admins see and resolve, and the agent's panel says that
// nobody has told the customer yet. Every notice is a row, so "Longrun told
// the customer" is only ever said when Genesys accepted the message.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { clock } from "@/lib/clock";
import { db, transactionOptions } from "@/lib/db/client";
import type { Notice, Org, Task, Workflow } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors/app-error";
import { GenesysError } from "@/lib/genesys/genesys-error";
import { sendAgentlessEmail, sendAgentlessSms, type SentMessage } from "@/lib/genesys/genesys-messaging";
import { log } from "@/lib/log";
import { pickNoticeTemplate, renderNotice, type NoticeKind } from "@/lib/notices/notice-templates";
import { readOrgSettings } from "@/lib/orgs/org-settings";
import { taskTypeWords } from "@/lib/panel/status-words";
import { writeAudit } from "@/lib/security/security-audit";

export type NoticeStatus = "SENT" | "OPEN" | "RESOLVED";

/** TIMED_OUT → delayed; a result → completed or failed (escalation-handlers' resultStatus). */
export function noticeKindOf(timeoutStatus: string): NoticeKind {
  if (timeoutStatus === "TIMED_OUT") return "delayed";
  return timeoutStatus.endsWith("SUCCESS") ? "completed" : "failed";
}

function contextString(workflow: Workflow, keys: string[]): string | null {
  const context = (workflow.context ?? {}) as Record<string, unknown>;
  for (const key of keys) {
    const value = context[key];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return null;
}

const e164 = /^\+[1-9]\d{6,14}$/;
const emailish = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NoticeRequest {
  org: Org;
  workflow: Workflow;
  task: Task;
  /** The outbox delivery on whose behalf it is sent: a retry finds the notice again and sends nothing twice. */
  deliveryId: string;
  kind: NoticeKind;
  /** The customer's number, as the escalation found it (context or the conversation's ANI). */
  phone: string | null;
  customerName: string | null;
  /** Why no flow or callback reached the customer. */
  why: string;
}

/** The detail recorded on the ESCALATED / RESULT_FOLLOWED_UP event, which the panel reads. */
export function noticeDetail(notice: Notice): Record<string, string> {
  return {
    notice_id: notice.id,
    notice: notice.status === "SENT" ? "sent" : "open",
    ...(notice.channel ? { channel: notice.channel } : {}),
    ...(notice.recipient ? { recipient: notice.recipient } : {}),
    reason: notice.reason ?? "",
  };
}

/**
 * Tells the customer, or opens a notice for a person to do it. A Genesys
 * failure a retry can fix (429, 5xx) is thrown so that the delivery retries;
 * a refusal (e.g. the sender number is not provisioned) is written down and
 * the next channel, or an open notice, takes over.
 */
export async function deliverNotice(request: NoticeRequest): Promise<Notice> {
  const { org, workflow, task, kind } = request;
  const prisma = await db();
  const earlier = await prisma.notice.findUnique({ where: { orgId_deliveryId: { orgId: org.id, deliveryId: request.deliveryId } } });
  if (earlier) return earlier;

  const settings = readOrgSettings(org.settings).notices;
  const language = contextString(workflow, ["language", "lang", "langTag", "locale"]);
  const { template, language: usedLanguage } = pickNoticeTemplate(settings?.templates ?? {}, kind, language, settings?.defaultLanguage ?? "en");
  const values = { customer_name: request.customerName ?? contextString(workflow, ["customer_name", "customerName", "name"]) ?? "", task: taskTypeWords(task.type), reference: workflow.id.slice(0, 8).toUpperCase() };
  const text = renderNotice(template.text, values);
  const phone = request.phone && e164.test(request.phone.replace(/[\s()-]/g, "")) ? request.phone.replace(/[\s()-]/g, "") : null;
  const email = contextString(workflow, ["email", "customer_email", "customerEmail"]);
  const refusals: string[] = [request.why];

  let sent: { channel: "sms" | "email"; recipient: string; message: SentMessage } | null = null;
  const attempt = async (channel: "sms" | "email", recipient: string, run: () => Promise<SentMessage>) => {
    try {
      sent = { channel, recipient, message: await run() };
    } catch (error) {
      if (error instanceof GenesysError && !error.retryable) {
        refusals.push(`${channel === "sms" ? "SMS" : "email"} refused: ${error.message}`);
        return;
      }
      throw error;
    }
  };

  if (org.genesysClientId && settings?.smsFromAddress && phone) {
    await attempt("sms", phone, () => sendAgentlessSms(org, { fromAddress: settings.smsFromAddress!, toAddress: phone, textBody: text }));
  } else if (settings?.smsFromAddress && !phone) {
    refusals.push("no SMS: no mobile number in E.164 form known");
  }
  if (!sent && org.genesysClientId && settings?.emailFromAddress && email && emailish.test(email)) {
    const subject = renderNotice(template.subject ?? "", values) || values.reference;
    await attempt("email", email, () =>
      sendAgentlessEmail(org, {
        from: { email: settings.emailFromAddress!, ...(settings.emailFromName ? { name: settings.emailFromName } : {}) },
        to: { email, ...(values.customer_name ? { name: values.customer_name } : {}) },
        subject,
        textBody: text,
      }),
    );
  } else if (!sent && settings?.emailFromAddress && !email) {
    refusals.push("no email: no address in the workflow's context");
  }
  if (!sent && !settings?.smsFromAddress && !settings?.emailFromAddress) refusals.push("no SMS number or email sender configured for notices");

  const done = sent as { channel: "sms" | "email"; recipient: string; message: SentMessage } | null;
  const row = {
    id: randomUUID(),
    orgId: org.id,
    workflowId: workflow.id,
    taskId: task.id,
    deliveryId: request.deliveryId,
    conversationId: workflow.conversationId,
    customerId: workflow.customerId,
    kind,
    status: done ? "SENT" : "OPEN",
    channel: done?.channel ?? null,
    recipient: done?.recipient ?? null,
    language: usedLanguage,
    message: text,
    externalId: done?.message.id ?? null,
    reason: refusals.join("; "),
    createdAt: clock.now(),
  };
  try {
    return await prisma.notice.create({ data: row });
  } catch (error) {
    // A concurrent attempt of the same delivery wrote it first.
    const winner = await prisma.notice.findUnique({ where: { orgId_deliveryId: { orgId: org.id, deliveryId: request.deliveryId } } });
    if (winner) return winner;
    throw error;
  } finally {
    if (done) log.info("notice.sent", { orgId: org.id, workflowId: workflow.id, channel: done.channel, messageId: done.message.id });
  }
}

export interface NoticeView {
  id: string;
  workflow_id: string;
  task_id: string | null;
  conversation_id: string | null;
  customer_id: string;
  kind: string;
  status: NoticeStatus;
  channel: string | null;
  recipient: string | null;
  language: string | null;
  message: string | null;
  reason: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  resolution: string | null;
  created_at: string;
}

export function toNoticeView(n: Notice): NoticeView {
  return {
    id: n.id,
    workflow_id: n.workflowId,
    task_id: n.taskId,
    conversation_id: n.conversationId,
    customer_id: n.customerId,
    kind: n.kind,
    status: n.status as NoticeStatus,
    channel: n.channel,
    recipient: n.recipient,
    language: n.language,
    message: n.message,
    reason: n.reason,
    resolved_by: n.resolvedBy,
    resolved_at: n.resolvedAt?.toISOString() ?? null,
    resolution: n.resolution,
    created_at: n.createdAt.toISOString(),
  };
}

export async function countOpenNotices(orgId: string): Promise<number> {
  const prisma = await db();
  return prisma.notice.count({ where: { orgId, status: "OPEN" } });
}

export async function listNotices(orgId: string, options: { status?: NoticeStatus; limit?: number } = {}): Promise<NoticeView[]> {
  const prisma = await db();
  const rows = await prisma.notice.findMany({
    where: { orgId, ...(options.status ? { status: options.status } : {}) },
    // Open ones first and oldest first: the customer who has waited longest comes first.
    orderBy: options.status === "OPEN" ? [{ createdAt: "asc" }] : [{ createdAt: "desc" }],
    take: options.limit ?? 100,
  });
  return rows.map(toNoticeView);
}

/** The latest notice of each workflow, for the agent's panel. */
export async function latestNoticesOf(orgId: string, workflowIds: string[]): Promise<Map<string, Notice>> {
  if (workflowIds.length === 0) return new Map();
  const prisma = await db();
  const rows = await prisma.notice.findMany({ where: { orgId, workflowId: { in: workflowIds } }, orderBy: { createdAt: "asc" } });
  return new Map(rows.map((n) => [n.workflowId, n]));
}

/** A person told the customer (or decided nobody needs to): the notice is closed with what they did, audited. */
export async function resolveNotice(orgId: string, noticeId: string, comment: string, actor: string): Promise<NoticeView> {
  const prisma = await db();
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const updated = await tx.notice.updateMany({
      where: { orgId, id: noticeId, status: "OPEN" },
      data: { status: "RESOLVED", resolvedBy: actor, resolvedAt: now, resolution: comment, updatedAt: now },
    });
    const notice = await tx.notice.findFirst({ where: { orgId, id: noticeId } });
    if (!notice) throw new AppError("NOT_FOUND", "notice not found");
    if (updated.count === 0) throw new AppError("CONFLICT", notice.status === "RESOLVED" ? `already resolved by ${notice.resolvedBy ?? "someone"}` : "only an open notice can be resolved");
    await writeAudit({ orgId, actor, action: "notice.resolved", data: { noticeId, workflowId: notice.workflowId, customerId: notice.customerId, comment } }, tx);
    return toNoticeView(notice);
  }, transactionOptions);
}

export const noticeStatuses = ["SENT", "OPEN", "RESOLVED"] as const satisfies readonly NoticeStatus[];

export const noticesQuerySchema = z.strictObject({ status: z.enum(noticeStatuses).optional() });

export const resolveNoticeBodySchema = z.strictObject({
  comment: z.string().trim().min(3, "say what was done, e.g. \"called the customer, told them the card is blocked\"").max(2000),
});

export const noticeIdParamsSchema = z.object({ id: z.uuid({ error: "must be a UUID" }) });
