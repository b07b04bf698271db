// Use cases behind the data-action API. Each takes the org from the caller's
// principal; nothing here reads another org's rows.
import { createHash, randomUUID } from "node:crypto";
import { currentDeliveryFacts, type DeliveryFacts } from "@/lib/outbox/delivery-state";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { writeChangesNow } from "@/lib/db/workflow-writes";
import type { Task, Workflow } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors/app-error";
import { processAndContextOf, type CreateWorkflowBody, type DispatchTaskBody, type WorkflowView } from "@/lib/api/schemas";
import { readOrgSettings, settingsForTaskType } from "@/lib/orgs/org-settings";
import { transition, type TaskStatus, type WorkflowStatus } from "@/lib/domain/workflow-machine";
import { getProcess } from "@/lib/processes/process-store";
import { pinnedDefinition, processInputsOf } from "@/lib/processes/process-inputs";
import type { ProcessDefinition } from "@/lib/domain/process-definition";
import { processViewFields } from "@/lib/processes/process-views";
import { appliedRows, applyCommand, domainErrorToAppError, loadWorkflow, type CommandMeta } from "@/lib/workflows/workflow-store";
import { canonicalJson } from "@/lib/json/canonical-json";

export function requestHash(body: CreateWorkflowBody): string {
  // The status field is a constant; leaving it out lets a flow omit it on a retry.
  const { status: _status, ...rest } = body;
  return createHash("sha256").update(canonicalJson(rest)).digest("hex");
}

export function callbackUrl(baseUrl: string, workflowId: string, taskId: string, version: number): string {
  const url = new URL(`/api/v1/webhooks/flow/callback/${workflowId}`, baseUrl);
  url.searchParams.set("task_id", taskId);
  url.searchParams.set("version", String(version));
  return url.toString();
}

/** The process a new workflow runs: the version asked for (or the latest), with what its first step needs. */
async function processToStart(orgId: string, body: CreateWorkflowBody) {
  const { process, context, problems } = processAndContextOf(body);
  if (problems.length > 0) throw new AppError("VALIDATION_FAILED", `request body is invalid: ${problems[0]!.path} ${problems[0]!.message}`, { details: problems });
  if (!process) return undefined;
  const prisma = await db();
  const org = await prisma.org.findUnique({ where: { id: orgId }, select: { orchestratorUrl: true, settings: true } });
  if (!org?.orchestratorUrl) throw new AppError("UNPROCESSABLE", "this org has no orchestrator URL configured; a process dispatches its steps there");
  const stored = await getProcess(orgId, process.name, process.version);
  return { name: stored.name, version: stored.version, inputs: processInputsOf(stored.definition, context ?? null, org.settings), firstTaskId: randomUUID() };
}

export async function initiateWorkflow(orgId: string, body: CreateWorkflowBody, meta: CommandMeta, baseUrl?: string): Promise<{ created: boolean; workflow: Workflow }> {
  const prisma = await db();
  const hash = requestHash(body);
  const now = clock.now();
  const process = await processToStart(orgId, body);
  const outcome = transition(null, { type: "INITIATE", conversationId: body.conversation_id ?? null, initiatedAt: body.timestamp ? new Date(body.timestamp) : null, process }, now);
  if (!outcome.ok) throw new AppError(domainErrorToAppError[outcome.error.code], outcome.error.message);
  // The row, its first event, a process's first step (task, outbox row) and the NOTIFY in one statement: all or nothing, one round trip.
  const [written] = await writeChangesNow([
    {
      orgId, workflowId: body.workflow_id, expectedRevision: null, created: { customerId: body.customer_id, context: processAndContextOf(body).context ?? null, requestHash: hash }, outcome, meta, now,
      ...(baseUrl ? { deliveryPayload: { baseUrl } } : {}),
    },
  ]);
  if (written) {
    const { workflow } = appliedRows(null, null, outcome, written, orgId, body.workflow_id, now);
    return { created: true, workflow: { ...workflow, customerId: body.customer_id, context: (processAndContextOf(body).context ?? null) as Workflow["context"], requestHash: hash } };
  }
  // The id is taken: the same body again is the same workflow; another body is a mistake.
  const existing = await prisma.workflow.findUnique({ where: { orgId_id: { orgId, id: body.workflow_id } } });
  if (!existing) throw new AppError("CONFLICT", "the workflow was created and removed meanwhile; retry");
  if (existing.requestHash !== hash) {
    throw new AppError("IDEMPOTENCY_CONFLICT", "a workflow with this workflow_id exists with a different body; use a new uuid()");
  }
  return { created: false, workflow: existing };
}

export function toWorkflowView(workflow: Workflow, task: Task | null, baseUrl: string, definition: ProcessDefinition | null = null, delivery: DeliveryFacts | null = null): WorkflowView {
  return {
    workflow_id: workflow.id,
    customer_id: workflow.customerId,
    conversation_id: workflow.conversationId,
    status: workflow.status as WorkflowStatus,
    version: workflow.version,
    created_at: workflow.createdAt.toISOString(),
    updated_at: workflow.updatedAt.toISOString(),
    deadline_at: workflow.deadlineAt?.toISOString() ?? null,
    session_state: workflow.sessionState,
    task_id: task?.id ?? null,
    task_type: task?.type ?? null,
    task_status: (task?.status as TaskStatus | undefined) ?? null,
    task_deadline_at: task?.deadlineAt.toISOString() ?? null,
    task_result_status: task?.resultStatus ?? null,
    task_result_success: task?.resultSuccess ?? null,
    task_failure_reason: task?.failureReason ?? null,
    task_late_result: task?.lateResult ?? false,
    task_result_json: task?.resultData === null || task?.resultData === undefined ? null : JSON.stringify(task.resultData),
    task_result_data: task?.resultData ?? null,
    callback_url: task ? callbackUrl(baseUrl, workflow.id, task.id, task.callbackVersion) : null,
    ...processViewFields(workflow, definition),
    delivery_state: delivery?.delivery_state ?? null,
    delivery_kind: delivery?.delivery_kind ?? null,
    delivery_error: delivery?.delivery_error ?? null,
    delivery_next_step: delivery?.delivery_next_step ?? null,
  };
}

export async function getWorkflowView(orgId: string, workflowId: string, baseUrl: string): Promise<WorkflowView> {
  const prisma = await db();
  // Side by side: the delivery query finds the current task through the workflow row itself.
  const [{ workflow, task }, delivery] = await Promise.all([loadWorkflow(prisma, orgId, workflowId), currentDeliveryFacts(orgId, workflowId)]);
  const definition = workflow.processName && workflow.processVersion !== null ? await pinnedDefinition(prisma, orgId, workflow.processName, workflow.processVersion) : null;
  return toWorkflowView(workflow, task, baseUrl, definition, delivery);
}

export async function listWorkflowEvents(orgId: string, workflowId: string) {
  const prisma = await db();
  await loadWorkflow(await db(), orgId, workflowId);
  const events = await prisma.event.findMany({ where: { orgId, workflowId }, orderBy: { id: "asc" }, take: 1000 });
  return events.map((e) => ({
    id: e.id.toString(),
    type: e.type,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    version: e.version,
    actor: e.actor,
    request_id: e.requestId,
    task_id: e.taskId,
    data: e.data ?? null,
    created_at: e.createdAt.toISOString(),
  }));
}

export async function cancelWorkflow(orgId: string, workflowId: string, reason: string | null, meta: CommandMeta) {
  const applied = await applyCommand(orgId, workflowId, { type: "CANCEL", reason }, meta);
  return applied;
}

export async function dispatchTask(orgId: string, workflowId: string, body: DispatchTaskBody, meta: CommandMeta, baseUrl: string) {
  const prisma = await db();
  const org = await prisma.org.findUnique({ where: { id: orgId } });
  if (!org) throw new AppError("NOT_FOUND", "org not found");
  if (body.dispatch && !org.orchestratorUrl) {
    throw new AppError("UNPROCESSABLE", "this org has no orchestrator URL configured; set one in the settings or send dispatch: false");
  }
  const effective = settingsForTaskType(readOrgSettings(org.settings), body.task_type);
  const timeoutSeconds = body.timeout ?? effective.timeoutSeconds;
  const warnings =
    timeoutSeconds > effective.flowSessionLimitSeconds
      ? [`timeout ${timeoutSeconds}s exceeds the flow session limit of ${effective.flowSessionLimitSeconds}s: if it times out, Longrun schedules a callback (or a notice) instead of returning to the live flow`]
      : [];
  const taskId = randomUUID();
  const applied = await applyCommand(
    orgId,
    workflowId,
    {
      type: "DISPATCH_TASK",
      taskId,
      taskType: body.task_type,
      payload: body.payload,
      timeoutSeconds,
      heartbeatTimeoutSeconds: body.heartbeat_timeout ?? effective.heartbeatTimeoutSeconds,
      dispatch: body.dispatch,
    },
    meta,
    { deliveryPayload: { baseUrl } },
  );
  const task = applied.task!;
  return {
    task_id: task.id,
    workflow_id: workflowId,
    status: "ACCEPTED" as const,
    task_status: task.status as TaskStatus,
    version: applied.workflow.version,
    deadline_at: task.deadlineAt.toISOString(),
    callback_url: callbackUrl(baseUrl, workflowId, task.id, task.callbackVersion),
    warnings,
  };
}
