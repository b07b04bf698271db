// Results and heartbeats from external systems. Every answer to a webhook-id
// is stored with the change it made, so a redelivery gets the first answer and
// changes nothing (rule 3).
import { randomUUID } from "node:crypto";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { storeReceiptPlan } from "@/lib/db/workflow-writes";
import { AppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log";
import { parseJson, validate } from "@/lib/http/read-body";
import { callbackBodySchema, callbackQuerySchema } from "@/lib/api/schemas";
import { interpretCallback } from "@/lib/domain/callback-result";
import { readOrgSettings, settingsForTaskType } from "@/lib/orgs/org-settings";
import type { TaskStatus } from "@/lib/domain/workflow-machine";
import { applyCommand, type Applied, type ReceiptRow } from "@/lib/workflows/workflow-store";
import { isUniqueViolation } from "@/lib/db/unique-violation";
import type { VerifiedRequest } from "@/lib/webhooks/signed-request";

export interface WebhookAnswer {
  status: number;
  body: unknown;
  replayed: boolean;
  /** This answer's change wrote a DISPATCH_TASK outbox row (never for a replay or a refusal). */
  dispatched?: boolean;
}

// Answers that depend only on the signed request are kept; 5xx never is, so a retry can succeed.
function isFinalAnswer(error: unknown): error is AppError {
  return error instanceof AppError && error.status >= 400 && error.status < 500 && error.status !== 429;
}

async function storedAnswer(orgId: string, webhookId: string): Promise<WebhookAnswer | null> {
  const prisma = await db();
  const receipt = await prisma.webhookReceipt.findUnique({ where: { orgId_webhookId: { orgId, webhookId } } });
  return receipt ? { status: receipt.statusCode, body: receipt.responseBody, replayed: true } : null;
}

async function storeAnswer(orgId: string, webhookId: string, status: number, body: unknown): Promise<void> {
  const prisma = await db();
  await prisma.$executeRaw(storeReceiptPlan(orgId, { webhookId, statusCode: status, responseBody: body }, clock.now()));
}

/**
 * The first answer to a webhook-id is the answer. `work` gets the receipt to
 * store with its change (in the same statement); a refusal is stored after.
 */
async function answerOnce(
  verified: VerifiedRequest,
  context: { workflowId: string; requestId: string },
  work: (receipt: (status: number, body: unknown) => ReceiptRow) => Promise<{ status: number; body: unknown; dispatched?: boolean }>,
): Promise<WebhookAnswer> {
  const { orgId, webhookId } = verified;
  const earlier = verified.earlierAnswer;
  if (earlier) return { status: earlier.statusCode, body: earlier.responseBody, replayed: true };
  try {
    const answer = await work((statusCode, responseBody) => ({ webhookId, statusCode, responseBody }));
    return { ...answer, replayed: false };
  } catch (error) {
    if (isUniqueViolation(error)) {
      // The same webhook-id raced us and won; its answer is the answer.
      const winner = await storedAnswer(orgId, webhookId);
      if (winner) return winner;
    }
    if (!isFinalAnswer(error)) throw error;
    if (error.code === "STALE_VERSION") {
      log.warn("callback.conflict", { orgId, workflowId: context.workflowId, webhookId, requestId: context.requestId, message: error.message });
    }
    try {
      await storeAnswer(orgId, webhookId, error.status, error.toBody());
    } catch (storeError) {
      if (!isUniqueViolation(storeError)) throw storeError;
      const winner = await storedAnswer(orgId, webhookId);
      if (winner) return winner;
    }
    return { status: error.status, body: error.toBody(), replayed: false };
  }
}

/**
 * Whether a callback's change wrote a process's next dispatch (a
 * DISPATCH_TASK outbox row, decided by the state machine): the route then
 * delivers it right after its response, as the task route does, instead of
 * leaving the next step to the next outbox run. A result that leaves the
 * process waiting (a RETRY backoff, a WAIT step), a progress word or a
 * replay wrote none, and kicks nothing.
 */
export function mayHaveDispatched(answer: WebhookAnswer): boolean {
  return answer.status === 200 && !answer.replayed && answer.dispatched === true;
}

export async function applyCallback(verified: VerifiedRequest, workflowId: string, query: URLSearchParams, requestId: string): Promise<WebhookAnswer> {
  return answerOnce(verified, { workflowId, requestId }, async (receipt) => {
    const body = validate(callbackBodySchema, parseJson(verified.body));
    const fromUrl = validate(callbackQuerySchema, Object.fromEntries(query), "callback URL query");
    if (body.workflow_id && body.workflow_id !== workflowId) {
      throw new AppError("UNPROCESSABLE", "workflow_id in the body differs from the one in the URL");
    }
    const version = body.version ?? fromUrl.version;
    if (version === undefined) {
      throw new AppError("UNPROCESSABLE", "no version: send the version from X-Callback-URL (query) or a version field in the body");
    }
    const taskId = body.task_id ?? fromUrl.task_id;
    // The words are the current task type's (the preloaded task is the one a result can still settle).
    const taskType = verified.loaded.task?.type ?? "";
    const meaning = interpretCallback(body, settingsForTaskType(readOrgSettings(verified.orgSettings), taskType).statusWords);
    if (meaning.kind === "silent") throw new AppError("UNPROCESSABLE", "the body states no result: send result, status or status_code");
    if (meaning.kind === "unknown") {
      throw new AppError("UNPROCESSABLE", `unknown status word ${meaning.words.map((w) => `"${w}"`).join(", ")}: send one of the accepted words, or map it in the settings of task type ${taskType || "(none)"}`, {
        details: { unknown_words: meaning.words, accepted: meaning.accepted },
      });
    }
    if (meaning.kind === "progress") {
      // Progress is a heartbeat that says what is going on: it extends the deadline, is recorded with its word, and never settles the task.
      const progressAnswer = (applied: Applied) => ({
        ...callbackAnswer(applied),
        progress: { word: meaning.word, message: meaning.message, deadline_at: applied.task!.deadlineAt.toISOString() },
      });
      const applied = await applyCommand(
        verified.orgId,
        workflowId,
        (state) => ({ type: "PROGRESS", taskId: taskId ?? state.task?.id ?? "(none)", expectedVersion: version, word: meaning.word, message: meaning.message }),
        { actor: "callback", requestId },
        { receipt: (applied) => receipt(200, progressAnswer(applied)), loaded: verified.loaded },
      );
      return { status: 200, body: progressAnswer(applied) };
    }
    const { result } = meaning;

    const applied = await applyCommand(
      verified.orgId,
      workflowId,
      // nextTaskId: a process's next step, if this result leads to one, is created in the same write.
      (state) => ({ type: "RECORD_RESULT", taskId: taskId ?? state.task?.id ?? "(none)", expectedVersion: version, result, nextTaskId: randomUUID() }),
      { actor: "callback", requestId },
      {
        receipt: (applied) => receipt(200, callbackAnswer(applied)),
        loaded: verified.loaded,
        orgSettings: verified.orgSettings,
      },
    );
    return { status: 200, body: callbackAnswer(applied), dispatched: applied.dispatches };
  });
}

function callbackAnswer(applied: Applied) {
  return {
    workflow_id: applied.workflow.id,
    task_id: applied.task!.id,
    status: applied.workflow.status,
    task_status: applied.task!.status as TaskStatus,
    version: applied.workflow.version,
    late_result: applied.task!.lateResult,
  };
}

export async function recordHeartbeat(verified: VerifiedRequest, workflowId: string, taskId: string, requestId: string): Promise<WebhookAnswer> {
  return answerOnce(verified, { workflowId, requestId }, async (receipt) => {
    if (verified.body.trim() !== "") parseJson(verified.body);
    const answer = (applied: Applied) => ({
      workflow_id: workflowId,
      task_id: taskId,
      task_status: applied.task!.status as TaskStatus,
      deadline_at: applied.task!.deadlineAt.toISOString(),
    });
    const applied = await applyCommand(verified.orgId, workflowId, { type: "HEARTBEAT", taskId }, { actor: "callback", requestId }, {
      receipt: (applied) => receipt(200, answer(applied)),
      loaded: verified.loaded,
    });
    return { status: 200, body: answer(applied) };
  });
}
