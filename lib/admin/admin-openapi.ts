// The admin API's entries in the OpenAPI document (lib/api/openapi.ts merges
// them): routes under /api/admin answer only an admin session cookie from the
// Genesys sign-in at /admin, never a data-action token.
import { z } from "zod";
import type { JsonSchema, OperationAuth, PathItemSpec } from "@/lib/http/operation-spec";
import { adminAuditQuerySchema, adminDeadLettersQuerySchema, adminUninstallBodySchema, deadLetterRetriedSchema, deadLettersSchema, deliveryIdParamsSchema, workflowIdParamsSchema } from "@/lib/api/schemas";
import { adminSettingsBodySchema } from "@/lib/admin/admin-settings";
import { slaQuerySchema } from "@/lib/admin/sla-report";
import { workflowSearchSchema } from "@/lib/admin/workflow-search";
import { taskStatuses, workflowStatuses } from "@/lib/domain/workflow-machine";
import { installSteps } from "@/lib/genesys/install-steps";
import { orgSettingsSchema } from "@/lib/orgs/org-settings";
import { noticeIdParamsSchema, noticesQuerySchema, resolveNoticeBodySchema } from "@/lib/notices/customer-notices";

export const adminSecuritySchemes: Record<string, JsonSchema> = {
  adminSession: {
    type: "apiKey",
    in: "cookie",
    name: "next-auth.session-token",
    description: "The admin session from signing in at /admin with Genesys Cloud (next-auth; __Secure- prefixed on https). Writes must come from Longrun's own origin.",
  },
};

const admin: OperationAuth = { kind: "scheme", requirement: { adminSession: [] } };
const uuid = z.uuid();
const iso = z.iso.datetime();

// Requests are described by the very validators the admin routes run
// (lib/admin/*, lib/api/schemas.ts); responses by strict shapes of what the
// routes return, which test/api/openapi-admin.test.ts checks against real
// answers — an added or renamed field fails there.

const stepResultSchema = z.object({
  step: z.enum(installSteps),
  status: z.enum(["created", "found", "updated", "failed"]),
  summary: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number()])),
  at: iso,
  actor: z.string(),
  secret: z.string().optional().describe("The webhook signing secret, only in the answer of the run that created it"),
});

const settingsViewSchema = z.object({
  orchestratorUrl: z.string().nullable(),
  settings: orgSettingsSchema,
  sourceCidrs: z.array(z.string()),
  warnings: z.array(z.string()),
  signingSecrets: z.array(z.object({ id: uuid, createdAt: iso, revokedAt: iso.nullable(), keyId: z.string().nullable() })),
  genesysClientId: z.string().nullable(),
});

const deliveryFailureSchema = z
  .object({ kind: z.enum(["DISPATCH_TASK", "ESCALATE", "LATE_RESULT", "RESULT_FOLLOW_UP"]), error: z.string().nullable(), http_status: z.int().nullable(), at: iso })
  .nullable()
  .describe("The dispatch or escalation the workflow waits on, or the follow-up that was to pass its result on to a customer who left, when it became a dead letter");

const workflowRowSchema = z.object({
  id: uuid,
  customerId: z.string(),
  conversationId: z.string().nullable(),
  status: z.enum(workflowStatuses),
  version: z.int(),
  deadlineAt: iso.nullable(),
  createdAt: iso,
  updatedAt: iso,
  taskType: z.string().nullable(),
  taskStatus: z.enum(taskStatuses).nullable(),
  deliveryFailure: deliveryFailureSchema,
});

// The detail page reads stored rows as they are; the keys it relies on are required, new columns may appear.
const storedRow = (shape: Record<string, z.ZodType>) => z.looseObject({ id: z.string(), orgId: uuid, createdAt: iso, ...shape });

export const adminApiOperations: Record<string, PathItemSpec> = {
  "/api/auth/{nextauth}": {
    get: {
      operationId: "adminAuthGet",
      summary: "next-auth endpoints of the admin sign-in (session, csrf, providers, callback/genesys, signin, signout)",
      tags: ["admin"],
      auth: { kind: "none" },
      pathParams: z.object({ nextauth: z.string() }),
      responses: { 200: { description: "JSON (session, csrf, providers) or a page" }, 302: { description: "Redirect (to Genesys login, or back to /admin after the callback)" } },
      errors: [],
    },
    post: {
      operationId: "adminAuthPost",
      summary: "next-auth sign-in and sign-out (form posts with the csrf token)",
      tags: ["admin"],
      auth: { kind: "none" },
      pathParams: z.object({ nextauth: z.string() }),
      responses: { 200: { description: "JSON with the URL to go to" }, 302: { description: "Redirect" } },
      errors: [],
    },
  },
  "/api/admin/install": {
    get: {
      operationId: "adminInstallState",
      summary: "Where the install wizard stands: the latest outcome of each step",
      tags: ["admin"],
      auth: admin,
      responses: { 200: { description: "Steps", schema: z.object({ installed: z.boolean(), complete: z.boolean(), steps: z.array(z.strictObject({ step: z.enum(installSteps).describe("The step id; its title in each language is the catalogue key wizard.steps.<id>."), result: stepResultSchema.nullable() })) }) } },
      errors: [],
    },
  },
  "/api/admin/install/{step}": {
    post: {
      operationId: "adminRunInstallStep",
      summary: "Run (or re-run) one install step with the admin's Genesys token",
      description: "Creates the object in Genesys Cloud, or finds it again by name. A Genesys failure answers 200 with status \"failed\"; run the step again to retry it alone.",
      tags: ["admin"],
      auth: admin,
      pathParams: z.object({ step: z.enum(installSteps) }),
      responses: { 200: { description: "The step's outcome", schema: stepResultSchema } },
      errors: [404, 409],
    },
  },
  "/api/admin/uninstall": {
    post: {
      operationId: "adminUninstall",
      summary: "Remove what the wizard created in Genesys, then delete all of the org's data",
      tags: ["admin"],
      auth: admin,
      body: { schema: adminUninstallBodySchema, required: true },
      responses: { 200: { description: "Uninstalled", schema: z.object({ removed: z.array(z.string()), failed: z.array(z.string()), dataDeleted: z.boolean() }) } },
      errors: [400, 409, 415],
    },
  },
  "/api/admin/settings": {
    get: {
      operationId: "adminGetSettings",
      summary: "The org's settings, allowlist and signing secrets (ids only)",
      tags: ["admin"],
      auth: admin,
      responses: { 200: { description: "Settings", schema: settingsViewSchema } },
      errors: [],
    },
    put: {
      operationId: "adminPutSettings",
      summary: "Replace the org's settings; audited",
      tags: ["admin"],
      auth: admin,
      body: { schema: adminSettingsBodySchema, required: true },
      responses: { 200: { description: "Saved, with warnings (e.g. a task timeout past the flow session limit)", schema: settingsViewSchema } },
      errors: [400, 413, 415],
    },
  },
  "/api/admin/signing-secrets": {
    post: {
      operationId: "adminRotateSigningSecret",
      summary: "Add a new webhook signing secret (shown once); the others stay active",
      tags: ["admin"],
      auth: admin,
      responses: { 201: { description: "The new secret", schema: z.object({ id: uuid, secret: z.string(), stillActive: z.array(uuid) }) } },
      errors: [404],
    },
  },
  "/api/admin/signing-secrets/{id}": {
    delete: {
      operationId: "adminRevokeSigningSecret",
      summary: "Revoke one signing secret (not the last active one)",
      tags: ["admin"],
      auth: admin,
      pathParams: z.object({ id: uuid }),
      responses: { 200: { description: "Revoked", schema: z.object({ revoked: uuid }) } },
      errors: [404, 409],
    },
  },
  "/api/admin/audit": {
    get: {
      operationId: "adminAuditLog",
      summary: "The org's audit log, newest first",
      tags: ["admin"],
      auth: admin,
      query: adminAuditQuerySchema,
      responses: { 200: { description: "Entries", schema: z.object({ entries: z.array(z.object({ id: z.string(), actor: z.string(), action: z.string(), data: z.unknown(), createdAt: iso })), nextBefore: z.string().nullable() }) } },
      errors: [],
    },
  },
  "/api/admin/workflows": {
    get: {
      operationId: "adminSearchWorkflows",
      summary: "Search workflows by status, task type, customer, conversation and time; keyset pages",
      tags: ["admin"],
      auth: admin,
      query: workflowSearchSchema,
      responses: { 200: { description: "A page", schema: z.object({ workflows: z.array(workflowRowSchema), nextCursor: z.string().nullable() }) } },
      errors: [400],
    },
  },
  "/api/admin/workflows/{id}": {
    get: {
      operationId: "adminWorkflowDetail",
      summary: "A workflow with its tasks, full event history and deliveries",
      tags: ["admin"],
      auth: admin,
      pathParams: workflowIdParamsSchema,
      responses: {
        200: {
          description: "The workflow",
          schema: z.object({
            workflow: storedRow({ status: z.enum(workflowStatuses), version: z.int(), customerId: z.string() }),
            tasks: z.array(storedRow({ workflowId: uuid, type: z.string(), status: z.enum(taskStatuses) })),
            events: z.array(storedRow({ workflowId: uuid, type: z.string(), version: z.int(), actor: z.string() })),
            deliveries: z.array(storedRow({ kind: z.string(), status: z.string(), attempts: z.int() })),
            deliveryFailure: deliveryFailureSchema,
          }),
        },
      },
      errors: [404],
    },
  },
  "/api/admin/dead-letters": {
    get: {
      operationId: "adminListDeadLetters",
      summary: "The org's dead letters with their errors",
      tags: ["admin"],
      auth: admin,
      query: adminDeadLettersQuerySchema,
      responses: { 200: { description: "A page", schema: deadLettersSchema } },
      errors: [],
    },
  },
  "/api/admin/dead-letters/{id}/retry": {
    post: {
      operationId: "adminRedriveDeadLetter",
      summary: "Re-drive a dead letter now; audited",
      tags: ["admin"],
      auth: admin,
      pathParams: deliveryIdParamsSchema,
      responses: { 200: { description: "The delivery after the new attempt", schema: deadLetterRetriedSchema } },
      errors: [404, 409],
    },
  },
  "/api/admin/notices": {
    get: {
      operationId: "adminListNotices",
      summary: "Notices for customers no flow or callback reached: SENT (Longrun messaged them), OPEN (nobody has told them yet), RESOLVED",
      tags: ["admin"],
      auth: admin,
      query: noticesQuerySchema,
      responses: { 200: { description: "Notices (open ones oldest first) and the open count", schema: z.object({ notices: z.array(z.looseObject({ id: uuid, status: z.string() })), open_count: z.int() }) } },
      errors: [400],
    },
  },
  "/api/admin/notices/{id}/resolve": {
    post: {
      operationId: "adminResolveNotice",
      summary: "Close an open notice with what was done for the customer; audited",
      tags: ["admin"],
      auth: admin,
      pathParams: noticeIdParamsSchema,
      body: { schema: resolveNoticeBodySchema, required: true },
      responses: { 200: { description: "The resolved notice", schema: z.looseObject({ id: uuid, status: z.literal("RESOLVED") }) } },
      errors: [400, 404, 409],
    },
  },
  "/api/admin/sla": {
    get: {
      operationId: "adminSlaReport",
      summary: "Time to result p50/p95 per task type, timeouts and late results over time (from the event log)",
      description:
        "Every figure counts the events that happened in the range: tasks dispatched in it, results that arrived in it (whatever the dispatch time) with their time to result, timeouts and late results that happened in it. p50/p95 are read from a log-scale histogram: within 9 % of the exact percentile_cont. Live: what the SLA rollup job has not added yet is read from the event log.",
      tags: ["admin"],
      auth: admin,
      query: slaQuerySchema,
      responses: {
        200: {
          description: "The report",
          schema: z.object({
            from: iso,
            to: iso,
            bucket: z.enum(["hour", "day"]),
            perTaskType: z.array(z.object({ taskType: z.string(), dispatched: z.int(), results: z.int(), p50Seconds: z.number().nullable(), p95Seconds: z.number().nullable(), timedOut: z.int(), lateResults: z.int() })),
            overTime: z.array(z.object({ start: iso, dispatched: z.int(), timedOut: z.int(), lateResults: z.int(), timeoutRate: z.number().nullable() })),
          }),
        },
      },
      errors: [400],
    },
  },
};
