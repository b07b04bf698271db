// Delivers a dispatched task to the org's orchestrator. The target's 2xx
// (typically 202) means "queued": the task becomes ACCEPTED, never done.
import { clock } from "@/lib/clock";
import type { Delivery } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { signOutgoing } from "@/lib/webhooks/signing-secrets";
import { callbackUrl } from "@/lib/workflows/workflow-service";
import { needsDispatch } from "@/lib/domain/workflow-machine";
import { toTaskState } from "@/lib/workflows/workflow-store";
import { parseRetryAfter } from "@/lib/outbox/backoff";
import { deliveryBatch, type DeliveryBatch } from "@/lib/outbox/delivery-batch";
import { outcomeFromHttpStatus, type DeliveryOutcome } from "@/lib/outbox/delivery-outcome";

const requestTimeoutMs = 10_000;

export function publicBaseUrl(fallback?: string): string {
  return env().PUBLIC_BASE_URL ?? fallback ?? "http://localhost:3000";
}

/** The webhook-id of a dispatch: derived from its delivery, never random. */
export function dispatchWebhookId(deliveryId: string): string {
  return `dispatch_${deliveryId}`;
}

export async function deliverTaskDispatch(delivery: Delivery, batch: DeliveryBatch = deliveryBatch()): Promise<DeliveryOutcome> {
  const [found, org] = await Promise.all([batch.task(delivery), batch.org(delivery.orgId)]);
  if (!found) return { ok: false, retryable: false, error: "task no longer exists" };
  const { task, loaded } = found;
  const workflow = loaded.workflow;
  if (!needsDispatch(toTaskState(task))) return { ok: true, detail: { skipped: `task is ${task.status}` } };
  if (!org?.orchestratorUrl) return { ok: false, retryable: false, error: "org has no orchestrator URL configured" };

  const callback = callbackUrl(publicBaseUrl((delivery.payload as { baseUrl?: string } | null)?.baseUrl), workflow.id, task.id, task.callbackVersion);
  const body = JSON.stringify({
    workflow_id: workflow.id,
    task_id: task.id,
    task_type: task.type,
    payload: task.payload,
    customer_id: workflow.customerId,
    conversation_id: workflow.conversationId,
    version: task.callbackVersion,
    deadline_at: task.deadlineAt.toISOString(),
    callback_url: callback,
  });
  // During a rotation every active secret signs, so receivers holding the old or the new one both verify.
  const secrets = (await batch.signingSecrets(org.id)).map((s) => s.secret);
  // One message, one webhook-id for its whole life (Standard Webhooks: the same on every resend): the
  // delivery row is the message, kept across retries, a re-drive by hand and a crash, so receivers dedupe on it.
  const signature = secrets.length > 0 ? signOutgoing(secrets, dispatchWebhookId(delivery.id), body, clock.now()) : {};

  let response: Response;
  try {
    response = await fetch(org.orchestratorUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-callback-url": callback,
        "x-workflow-id": workflow.id,
        "x-workflow-version": String(task.callbackVersion),
        "x-task-id": task.id,
        "idempotency-key": task.id,
        ...signature,
      },
      body,
      signal: AbortSignal.timeout(requestTimeoutMs),
      redirect: "error",
    });
  } catch (error) {
    return { ok: false, retryable: true, error: `network: ${error instanceof Error ? error.message : String(error)}` };
  }
  const text = await response.text().catch(() => "");
  const outcome = outcomeFromHttpStatus(response.status, text, parseRetryAfter(response.headers.get("retry-after"), clock.now()));
  if (!outcome.ok) return outcome;
  return {
    ...outcome,
    // The task may have moved on meanwhile (result already in, cancelled): the delivery itself still succeeded.
    change: {
      orgId: delivery.orgId,
      workflowId: workflow.id,
      command: { type: "TASK_DELIVERED", taskId: task.id },
      meta: { actor: "outbox", requestId: delivery.id },
      loaded: loaded.task?.id === task.id ? loaded : undefined,
      refusalIsFine: true,
    },
  };
}
