// Request and response schemas of the public API. The same schemas validate
// requests, generate the OpenAPI document and the Architect data-action
// contracts, so the three cannot drift apart.
import { z } from "zod";
import { taskStatuses, workflowStatuses } from "@/lib/domain/workflow-machine";
import { processNamePattern } from "@/lib/domain/process-definition";
import { processPhases } from "@/lib/domain/process-machine";

const uuid = z.uuid({ error: "must be a UUID" });
/** Architect flows and orchestrators use short identifiers; bound them all. */
const identifier = z.string().trim().min(1).max(200);
const taskType = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only");
const jsonObject = z.record(z.string(), z.unknown());

export const workflowIdParamsSchema = z.object({ id: uuid });
export const taskParamsSchema = z.object({ id: uuid, taskId: uuid });

export const createWorkflowBodySchema = z
  .strictObject({
    workflow_id: uuid.describe("Made by the flow with uuid(); creating it again with the same body is idempotent."),
    customer_id: identifier,
    conversation_id: uuid.optional().describe("The Genesys conversation, so agents see the workflow in their panel."),
    timestamp: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("When the caller started the workflow (ISO-8601 with an offset or Z); Longrun's own clock when absent."),
    status: z.literal("INITIATED").optional(),
    context: jsonObject.optional().describe("Free-form data kept with the workflow."),
    process: z
      .strictObject({
        name: z.string().regex(processNamePattern, "a process name (PUT /api/v1/processes/{name})"),
        version: z.int().min(1).optional().describe("A stored version; the latest when absent. The workflow keeps it to the end."),
      })
      .optional()
      .describe("Run this process: Longrun dispatches its first step in the same change that creates the workflow, and each next step itself."),
    process_name: z
      .union([z.literal(""), z.string().regex(processNamePattern, "a process name (PUT /api/v1/processes/{name})")])
      .optional()
      .describe("For Architect's flat inputs: the same as process.name (latest version); an empty string runs none."),
    context_json: z.string().max(32 * 1024).optional().describe("For Architect's flat inputs: context as JSON object text; an empty string is none."),
  })
  .meta({ id: "CreateWorkflowBody" });

function isJsonObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value);
  } catch {
    return false;
  }
}

type FieldProblem = { path: string; message: string };

/**
 * The process and context a new workflow starts with, whichever form the caller
 * used (objects, or Architect's flat text fields); the problems of mixing them.
 */
export function processAndContextOf(body: CreateWorkflowBody): {
  process: { name: string; version?: number | undefined } | undefined;
  context: Record<string, unknown> | undefined;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  if (body.process && body.process_name) problems.push({ path: "process_name", message: "send process or process_name, not both" });
  if (body.context && body.context_json) problems.push({ path: "context_json", message: "send context or context_json, not both" });
  if (body.context_json && !isJsonObjectText(body.context_json)) problems.push({ path: "context_json", message: "must be JSON object text, e.g. {\"amount\": 1200}" });
  const process = body.process ?? (body.process_name ? { name: body.process_name } : undefined);
  const context = body.context ?? (body.context_json && problems.length === 0 ? (JSON.parse(body.context_json) as Record<string, unknown>) : undefined);
  return { process, context, problems };
}
export type CreateWorkflowBody = z.infer<typeof createWorkflowBodySchema>;

export const workflowCreatedSchema = z
  .object({
    workflow_id: uuid,
    status: z.enum(workflowStatuses),
    version: z.int(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: "WorkflowCreated" });

/** A workflow and its latest task as the service builds it: a field with no value is null. */
const workflowRecordViewSchema = z.object({
  workflow_id: uuid,
  customer_id: z.string(),
  conversation_id: z.string().nullable(),
  status: z.enum(workflowStatuses),
  version: z.int(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  deadline_at: z.iso.datetime().nullable(),
  session_state: z.string(),
  task_id: z.string().nullable(),
  task_type: z.string().nullable(),
  task_status: z.enum(taskStatuses).nullable(),
  task_deadline_at: z.iso.datetime().nullable(),
  task_result_status: z.string().nullable(),
  task_result_success: z.boolean().nullable(),
  task_failure_reason: z.string().nullable(),
  task_late_result: z.boolean(),
  /** result_data as a JSON string, for Architect (which cannot hold objects). */
  task_result_json: z.string().nullable(),
  task_result_data: z.unknown().nullable(),
  callback_url: z.string().nullable(),
  process: z.string().nullable().describe("The process the workflow runs; absent for a single task."),
  process_version: z.int().nullable().describe("The version it runs, kept to the end."),
  current_step: z.string().nullable().describe("The step running, retrying or waiting (the last one once the process ended)."),
  step_title: z.string().nullable().describe("What people read for the step, e.g. Credit check."),
  step_index: z.int().nullable().describe("1-based: step_index of step_count (Step 2 of 3)."),
  step_count: z.int().nullable(),
  attempt: z.int().nullable().describe("The current step's attempt (1 for the first)."),
  process_phase: z.enum(processPhases).nullable().describe("RUNNING, RETRY (backing off), WAIT (a wait step), ESCALATING or ENDED."),
  wake_at: z.iso.datetime().nullable().describe("When a retry's next attempt starts or a wait step wakes."),
  /** What became of the current task's dispatch, escalation or follow-up: DEAD and FOLLOW_UP_DEAD are failures, with the error and the next step in words. */
  delivery_state: z
    .enum(["PENDING", "DELIVERED", "DEAD", "FOLLOW_UP_DEAD"])
    .nullable()
    .describe(
      "What became of the current task's deliveries. PENDING, DELIVERED or DEAD: its dispatch to the external system or its escalation (DEAD: the task never started, or nobody was routed to the customer). FOLLOW_UP_DEAD: the task ended, but the follow-up that was to pass the result on to a customer who had left (RESULT_FOLLOW_UP, LATE_RESULT) was dead-lettered, so nobody has told them. Absent when the task has no such delivery.",
    ),
  delivery_kind: z.string().nullable().describe("DISPATCH_TASK or ESCALATE; RESULT_FOLLOW_UP or LATE_RESULT with FOLLOW_UP_DEAD."),
  delivery_error: z.string().nullable(),
  delivery_next_step: z.string().nullable(),
});
export type WorkflowView = z.infer<typeof workflowRecordViewSchema>;

type Unnulled<T extends z.ZodRawShape> = { [K in keyof T]: T[K] extends z.ZodNullable<infer Inner> ? z.ZodOptional<Inner> : T[K] };

/**
 * The wire form, flat on purpose (an Architect translation map reads top-level fields best): a
 * field with no value is left out, never JSON null, because Genesys applies a data action's
 * translationMapDefaults only when the JSONPath finds nothing — a present null goes through and
 * breaks the output contract (GENESYS.md §0, "Translation-map defaults").
 */
export const workflowViewSchema = z
  .object(
    Object.fromEntries(
      Object.entries(workflowRecordViewSchema.shape).map(([name, field]) => [name, field instanceof z.ZodNullable ? (field.unwrap() as z.ZodType).optional() : field]),
    ) as Unnulled<typeof workflowRecordViewSchema.shape>,
  )
  .meta({ id: "WorkflowView" });
export type WorkflowViewBody = z.infer<typeof workflowViewSchema>;

/** The response body of a workflow view: its null fields left out (see workflowViewSchema). */
export function workflowViewBody(view: WorkflowView): WorkflowViewBody {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== null && value !== undefined)) as WorkflowViewBody;
}

export const dispatchTaskBodySchema = z
  .strictObject({
    task_type: taskType.describe("e.g. FRAUD_VERIFICATION; its timeouts come from the org's settings unless given here."),
    payload: jsonObject.default({}),
    timeout: z.int().min(5).max(7 * 24 * 3600).optional().describe("Seconds until the task times out."),
    heartbeat_timeout: z.int().min(5).max(7 * 24 * 3600).optional().describe("Seconds a heartbeat extends the deadline by."),
    dispatch: z.boolean().default(true).describe("false: only register the task; the flow calls the orchestrator itself."),
  })
  .meta({ id: "DispatchTaskBody" });
export type DispatchTaskBody = z.infer<typeof dispatchTaskBodySchema>;

export const taskAcceptedSchema = z
  .object({
    task_id: uuid,
    workflow_id: uuid,
    status: z.literal("ACCEPTED"),
    task_status: z.enum(taskStatuses),
    version: z.int(),
    deadline_at: z.iso.datetime(),
    callback_url: z.string(),
    warnings: z.array(z.string()).describe("e.g. a timeout longer than the flow session limit"),
  })
  .meta({ id: "TaskAccepted" });

export const cancelWorkflowBodySchema = z
  .strictObject({ reason: z.string().trim().max(500).optional() })
  .meta({ id: "CancelWorkflowBody" });

/**
 * What an external system posts back. Unknown top-level fields are ignored
 * rather than refused: a vendor adding a field must not make a result bounce.
 */
export const callbackBodySchema = z
  .object({
    workflow_id: uuid.optional(),
    task_id: uuid.optional(),
    version: z.int().min(1).optional(),
    status: z.string().trim().min(1).max(64).optional(),
    result: z.string().trim().min(1).max(64).optional(),
    status_code: z.int().min(100).max(599).optional(),
    result_data: z.unknown().optional(),
    reason: z.string().max(2000).optional(),
    error: z.string().max(2000).optional(),
    message: z.string().max(2000).optional().describe("Free text shown with a progress word (e.g. PROCESSING) in the agent's timeline."),
  })
  .meta({ id: "CallbackBody" });
export type CallbackBody = z.infer<typeof callbackBodySchema>;

export const callbackQuerySchema = z.object({
  task_id: uuid.optional(),
  version: z.coerce.number().int().min(1).optional(),
});

export const callbackAppliedSchema = z
  .object({
    workflow_id: uuid,
    task_id: uuid,
    status: z.enum(workflowStatuses),
    task_status: z.enum(taskStatuses),
    version: z.int(),
    late_result: z.boolean(),
    progress: z
      .object({ word: z.string(), message: z.string().nullable(), deadline_at: z.iso.datetime() })
      .optional()
      .describe("Present when the body reported progress (e.g. PROCESSING): recorded, deadline extended, the task still runs."),
  })
  .meta({ id: "CallbackApplied" });

export const heartbeatAcceptedSchema = z
  .object({ workflow_id: uuid, task_id: uuid, task_status: z.enum(taskStatuses), deadline_at: z.iso.datetime() })
  .meta({ id: "HeartbeatAccepted" });

export const workflowEventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    from_status: z.string().nullable(),
    to_status: z.string().nullable(),
    version: z.int(),
    actor: z.string(),
    request_id: z.string().nullable(),
    task_id: z.string().nullable(),
    data: z.unknown().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: "WorkflowEvent" });

export const workflowEventsSchema = z.object({ workflow_id: uuid, events: z.array(workflowEventSchema) }).meta({ id: "WorkflowEvents" });

export const tokenRequestSchema = z.object({
  grant_type: z.literal("client_credentials", { error: "must be client_credentials" }),
  client_id: z.string().min(1).max(200).optional(),
  client_secret: z.string().min(1).max(500).optional(),
  scope: z.string().max(500).optional(),
});

export const tokenResponseSchema = z
  .object({ access_token: z.string(), token_type: z.literal("Bearer"), expires_in: z.int(), scope: z.string() })
  .meta({ id: "TokenResponse" });

export const errorResponseSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: "ErrorResponse" });

export const healthSchema = z
  .object({ status: z.enum(["ok", "degraded"]), database: z.enum(["reachable", "unreachable"]), time: z.iso.datetime() })
  .meta({ id: "Health" });

export const deliveryIdParamsSchema = z.object({ id: uuid });

export const deadLettersQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime().optional().describe("Cursor: next_cursor of the previous page."),
});

export const deadLetterSchema = z
  .object({
    id: uuid,
    kind: z.string(),
    workflow_id: z.string().nullable(),
    task_id: z.string().nullable(),
    attempts: z.int(),
    last_status: z.int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    automatic_redrives: z.int(),
  })
  .meta({ id: "DeadLetter" });

export const deadLettersSchema = z
  .object({ dead_letters: z.array(deadLetterSchema), next_cursor: z.string().nullable() })
  .meta({ id: "DeadLetters" });

/** The Genesys conversation a customer left (the trigger's Flow.conversationId). */
export const conversationEndedParamsSchema = z.object({
  conversationId: uuid.describe("The Genesys conversation id (customer.end event's conversationId)."),
});

export const conversationEndedBodySchema = z
  .strictObject({
    ended_at: z.iso.datetime({ offset: true }).optional().describe("When the customer left; default: when Longrun hears of it."),
    ani: z.string().trim().max(200).optional().describe("The customer's address from the event (e.g. tel:+15551234567), used to call them back; empty when unknown."),
  })
  .meta({ id: "ConversationEndedBody" });

/** Flat for Architect: the trigger's workflow only needs to know it was heard. */
export const conversationEndedSchema = z
  .object({
    conversation_id: uuid,
    session_state: z.literal("ENDED"),
    ended_at: z.iso.datetime(),
    already_known: z.boolean().describe("true when Longrun had already heard of this end (a redelivered event): nothing changed."),
    open_workflows: z.int().describe("Open workflows of the conversation, which now take the session-ended path."),
  })
  .meta({ id: "ConversationEnded" });

/** A dead letter queued again (API and admin re-drive answer with it). */
export const deadLetterRetriedSchema = deadLetterSchema
  .extend({ status: z.string().describe("The delivery's status now (PENDING: queued again).") })
  .meta({ id: "DeadLetterRetried" });

// --- admin routes' validators (lib/admin/admin-openapi.ts documents them) -------------

const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);

export const adminUninstallBodySchema = z.strictObject({ confirm: z.string().max(300).describe("The organization's name, typed by the admin") });

export const adminAuditQuerySchema = z.object({
  before: z.preprocess(blankToUndefined, z.string().regex(/^\d{1,19}$/, "must be nextBefore of the previous page").optional()).describe("nextBefore of the previous page"),
});

export const adminDeadLettersQuerySchema = z.object({
  before: z.preprocess(blankToUndefined, z.iso.datetime({ offset: true }).optional()).describe("next_cursor of the previous page"),
});
