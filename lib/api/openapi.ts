// The OpenAPI 3.1 document of every route under app/api, generated from the
// same zod schemas that validate requests. The table `apiOperations` is the
// one place a route is described: a test fails while a route.ts under app/api
// exports a method that has no entry here, so add yours when you add a route.
import { z } from "zod";
import {
  callbackAppliedSchema,
  callbackBodySchema,
  callbackQuerySchema,
  cancelWorkflowBodySchema,
  conversationEndedBodySchema,
  conversationEndedParamsSchema,
  conversationEndedSchema,
  createWorkflowBodySchema,
  deadLetterRetriedSchema,
  deadLettersQuerySchema,
  deadLettersSchema,
  deliveryIdParamsSchema,
  dispatchTaskBodySchema,
  errorResponseSchema,
  healthSchema,
  heartbeatAcceptedSchema,
  taskAcceptedSchema,
  taskParamsSchema,
  tokenRequestSchema,
  tokenResponseSchema,
  workflowCreatedSchema,
  workflowEventsSchema,
  workflowIdParamsSchema,
  workflowViewSchema,
} from "@/lib/api/schemas";
import { adminApiOperations, adminSecuritySchemes } from "@/lib/admin/admin-openapi";
import { processApiOperations } from "@/lib/api/process-openapi";
import { conversationParamsSchema, streamQuerySchema } from "@/lib/panel/panel-schemas";
import { panelSnapshotSchema } from "@/lib/panel/panel-snapshot-schema";
import { scopeDescriptions, scopes } from "@/lib/auth/scopes";
import { operationScopes } from "@/lib/auth/route-scopes";
import { httpMethods, type HttpMethod, type JsonSchema, type OperationAuth, type OperationSpec, type PathItemSpec } from "@/lib/http/operation-spec";
import { errorStatus } from "@/lib/errors/app-error";

export { httpMethods, type HttpMethod, type JsonSchema, type OperationAuth, type OperationSpec, type PathItemSpec, type ResponseSpec } from "@/lib/http/operation-spec";

/** Extra security schemes other routes need (e.g. an admin session); merged into the document. */
export const extraSecuritySchemes: Record<string, JsonSchema> = {
  ...adminSecuritySchemes,
  metricsBearer: { type: "http", scheme: "bearer", description: "Authorization: Bearer $METRICS_SECRET, for Prometheus scrapers." },
};

const json = ["application/json"];

// Bodies built in lib/ without a schema of their own (the jobs' counters).
const outboxRunSchema = z
  .object({ claimed: z.int(), delivered: z.int(), retried: z.int(), dead: z.int() })
  .meta({ id: "OutboxRun", description: "Deliveries claimed, delivered, scheduled for retry and turned into dead letters." });
const timeoutJobRunSchema = z
  .object({
    timed_out: z.int(),
    skipped: z.int(),
    process_wakes: z.int().describe("Process retries and wait steps that came due and took their next step"),
    escalations: outboxRunSchema,
    outbox: outboxRunSchema,
    pruned: z.object({ webhook_receipts: z.int(), rate_limit_windows: z.int() }).describe("Webhook receipts past their retention and rate-limit windows older than an hour, deleted"),
  })
  .meta({ id: "TimeoutJobRun" });
const deadLetterJobRunSchema = z.object({ requeued: z.int(), outbox: outboxRunSchema }).meta({ id: "DeadLetterJobRun" });
const slaRollupJobRunSchema = z
  .object({
    orgs: z.int().describe("Orgs looked at"),
    chunks: z.int().describe("Chunks of at most a day of one org's events, one transaction each"),
    events: z.int().describe("SLA events added to the rollup"),
    behind: z.int().describe("Orgs not caught up by this run (out of time, or another run held them); the next run continues"),
    failed: z.int().describe("Orgs whose rollup failed (logged)"),
  })
  .meta({ id: "SlaRollupJobRun" });

const initiateWorkflowOperation: OperationSpec = {
  operationId: "initiateWorkflow",
  summary: "Start a workflow",
  description:
    "Idempotent on workflow_id: the same body again answers 200 with the stored workflow; another body for the same id is a 409. With `process`, a 404 for an unknown process or version and a 422 when it cannot start (the context lacks what its first step needs, or no orchestrator URL to dispatch its steps to).",
  tags: ["workflows"],
  auth: { kind: "client" },
  body: { schema: createWorkflowBodySchema, required: true },
  responses: {
    201: { description: "Created", schema: workflowCreatedSchema },
    200: { description: "Already created with this very body", schema: workflowCreatedSchema },
  },
  errors: [400, 404, 409, 413, 415, 422, 429],
};

export const apiOperations: Record<string, PathItemSpec> = {
  "/api/health": {
    get: {
      operationId: "getHealth",
      summary: "Liveness and database reachability",
      tags: ["ops"],
      auth: { kind: "none" },
      responses: {
        200: { description: "The app runs and reaches its database", schema: healthSchema },
        503: { description: "The app runs but the database is unreachable", schema: healthSchema },
      },
      errors: [],
    },
  },
  "/api/openapi.json": {
    get: {
      operationId: "getOpenApiDocument",
      summary: "This document",
      tags: ["ops"],
      auth: { kind: "none" },
      responses: { 200: { description: "The OpenAPI 3.1 document", schema: z.record(z.string(), z.unknown()) } },
      errors: [],
    },
  },
  "/api/metrics": {
    get: {
      operationId: "getMetrics",
      summary: "Live figures in Prometheus text format",
      description:
        "Requests and latency per route, callbacks applied and refused by reason, sweep runs and durations, outbox backlog and dead letters by kind, database pool, process figures. Counters are per process; the outbox gauges are read from the database at each scrape.",
      tags: ["ops"],
      auth: { kind: "scheme", requirement: { metricsBearer: [] } },
      responses: { 200: { description: "Prometheus text exposition format 0.0.4", contentType: "text/plain; version=0.0.4; charset=utf-8" } },
      errors: [],
    },
  },
  "/api/cron/timeouts": {
    get: {
      operationId: "runTimeoutJob",
      summary: "Time out overdue tasks, escalate them, deliver what the outbox has due, prune expired receipts and rate-limit windows",
      description: "For Vercel cron (vercel.json) or any scheduler; overlapping runs cooperate (FOR UPDATE SKIP LOCKED).",
      tags: ["ops"],
      auth: { kind: "cron" },
      responses: { 200: { description: "What this run did", schema: timeoutJobRunSchema } },
      errors: [],
    },
  },
  "/api/cron/dead-letters": {
    get: {
      operationId: "runDeadLetterJob",
      summary: "Re-drive dead letters that a retry can fix (429, 5xx, network)",
      tags: ["ops"],
      auth: { kind: "cron" },
      responses: { 200: { description: "What this run did", schema: deadLetterJobRunSchema } },
      errors: [],
    },
  },
  "/api/cron/sla-rollup": {
    get: {
      operationId: "runSlaRollupJob",
      summary: "Add the SLA events of every org to the hourly and daily rollups the admin SLA report reads",
      description: "For Vercel cron (vercel.json) or any scheduler. Events of the last two minutes wait for a later run; overlapping runs skip each other's orgs (FOR UPDATE SKIP LOCKED). The report is live without it, only slower.",
      tags: ["ops"],
      auth: { kind: "cron" },
      responses: { 200: { description: "What this run did", schema: slaRollupJobRunSchema } },
      errors: [],
    },
  },
  "/api/v1/dead-letters": {
    get: {
      operationId: "listDeadLetters",
      summary: "The org's dead letters, newest first",
      tags: ["dead-letters"],
      auth: { kind: "client" },
      query: deadLettersQuerySchema,
      responses: { 200: { description: "A page of dead letters", schema: deadLettersSchema } },
      errors: [400, 429],
    },
  },
  "/api/v1/dead-letters/{id}/retry": {
    post: {
      operationId: "retryDeadLetter",
      summary: "Queue a dead letter for delivery again",
      tags: ["dead-letters"],
      auth: { kind: "client" },
      pathParams: deliveryIdParamsSchema,
      responses: { 200: { description: "Queued again", schema: deadLetterRetriedSchema } },
      errors: [400, 404, 409, 429],
    },
  },
  "/api/oauth/token": {
    post: {
      operationId: "issueToken",
      summary: "Client-credentials token for data actions",
      description:
        "For Genesys \"User Defined (OAuth)\" credentials. Client id and secret in an HTTP Basic header or in the body; the body is form-encoded or JSON. Scopes: workflows:read, workflows:write, processes:read, processes:write (every scope of the client when none is asked for).",
      tags: ["auth"],
      auth: { kind: "none" },
      body: { schema: tokenRequestSchema, required: true, contentTypes: ["application/x-www-form-urlencoded", "application/json"] },
      responses: { 200: { description: "A bearer token", schema: tokenResponseSchema } },
      errors: [400, 401, 403, 413, 415, 429],
    },
  },
  "/api/v1/workflows": { post: initiateWorkflowOperation },
  "/api/v1/workflows/initiate": {
    post: { ...initiateWorkflowOperation, operationId: "initiateWorkflowAlias", summary: "Start a workflow (alias of POST /api/v1/workflows, the path of the common Genesys guide)" },
  },
  "/api/v1/workflows/{id}": {
    get: {
      operationId: "getWorkflow",
      summary: "A workflow's status, flat for Architect translation maps",
      tags: ["workflows"],
      auth: { kind: "client" },
      pathParams: workflowIdParamsSchema,
      responses: { 200: { description: "The workflow and its latest task", schema: workflowViewSchema } },
      errors: [400, 404, 429],
    },
  },
  "/api/v1/workflows/{id}/tasks": {
    post: {
      operationId: "dispatchTask",
      summary: "Dispatch an asynchronous task",
      description: "Answers at once; with dispatch=true Longrun then POSTs the task, signed, to the org's orchestrator with X-Callback-URL.",
      tags: ["workflows"],
      auth: { kind: "client" },
      pathParams: workflowIdParamsSchema,
      body: { schema: dispatchTaskBodySchema, required: true },
      responses: { 202: { description: "Accepted: the task is registered, not done", schema: taskAcceptedSchema } },
      errors: [400, 404, 409, 413, 415, 422, 429],
    },
  },
  "/api/v1/workflows/{id}/cancel": {
    post: {
      operationId: "cancelWorkflow",
      summary: "Cancel a workflow",
      tags: ["workflows"],
      auth: { kind: "client" },
      pathParams: workflowIdParamsSchema,
      body: { schema: cancelWorkflowBodySchema, required: false, description: "Optional; an empty body cancels without a reason." },
      responses: { 200: { description: "The cancelled workflow", schema: workflowViewSchema } },
      errors: [400, 404, 409, 413, 415, 429],
    },
  },
  "/api/v1/conversations/{conversationId}/ended": {
    post: {
      operationId: "conversationEnded",
      summary: "The customer left the conversation (Genesys customer.end)",
      description:
        "Called by the Architect workflow that the Process Automation trigger on v2.detail.events.conversation.{id}.customer.end starts (the install wizard creates both). Idempotent: a redelivered event answers already_known and changes nothing. Escalations of the conversation's workflows then take the session-ended path without reading the conversation from Genesys.",
      tags: ["workflows"],
      auth: { kind: "client" },
      pathParams: conversationEndedParamsSchema,
      body: { schema: conversationEndedBodySchema, required: false, description: "Optional; an empty body means now." },
      responses: { 200: { description: "The end is recorded", schema: conversationEndedSchema } },
      errors: [400, 413, 415, 429],
    },
  },
  "/api/v1/workflows/{id}/events": {
    get: {
      operationId: "listWorkflowEvents",
      summary: "The workflow's audit log",
      tags: ["workflows"],
      auth: { kind: "client" },
      pathParams: workflowIdParamsSchema,
      responses: { 200: { description: "Every transition, oldest first", schema: workflowEventsSchema } },
      errors: [400, 404, 429],
    },
  },
  "/api/v1/workflows/{id}/tasks/{taskId}/heartbeat": {
    post: {
      operationId: "heartbeatTask",
      summary: "Extend a task's deadline",
      description: "Signed like callbacks. The body is optional.",
      tags: ["webhooks"],
      auth: { kind: "webhookSignature" },
      pathParams: taskParamsSchema,
      body: { schema: z.record(z.string(), z.unknown()), required: false },
      responses: { 200: { description: "The new deadline", schema: heartbeatAcceptedSchema } },
      errors: [400, 404, 409, 413, 415, 422],
    },
  },
  "/api/v1/webhooks/flow/callback/{id}": {
    post: {
      operationId: "postCallback",
      summary: "A task's result from the external system",
      description:
        "Only a body that says success completes the task. The version comes from the body or from the callback URL's query. The same webhook-id again answers with the first answer (header webhook-replayed: true).",
      tags: ["webhooks"],
      auth: { kind: "webhookSignature" },
      pathParams: workflowIdParamsSchema,
      query: callbackQuerySchema,
      body: { schema: callbackBodySchema, required: true },
      responses: { 200: { description: "Applied (or kept as a late result)", schema: callbackAppliedSchema } },
      errors: [400, 404, 409, 413, 415, 422],
    },
  },
  "/api/v1/conversations/{conversationId}/workflows": {
    get: {
      operationId: "getConversationWorkflows",
      summary: "Every workflow of a conversation, for the agent panel",
      description: "The agent's Genesys token is checked with /api/v2/users/me; only the agent's own org is visible.",
      tags: ["panel"],
      auth: { kind: "agent" },
      pathParams: conversationParamsSchema,
      responses: { 200: { description: "The conversation's workflows with their tasks, results, escalations and events", schema: panelSnapshotSchema } },
      errors: [400, 429, 503],
    },
  },
  "/api/v1/conversations/{conversationId}/stream": {
    get: {
      operationId: "streamConversationWorkflows",
      summary: "Live snapshots of a conversation's workflows (server-sent events)",
      description: "`event: snapshot` (a PanelSnapshot) now and after every change, `: keep-alive` comments every 15 s, `event: bye` when the stream's lifetime ends; clients reconnect, and poll the workflows route where streaming is cut.",
      tags: ["panel"],
      auth: { kind: "agent" },
      pathParams: conversationParamsSchema,
      query: streamQuerySchema,
      responses: { 200: { description: "A text/event-stream of PanelSnapshot events", contentType: "text/event-stream" } },
      errors: [400, 429, 503],
    },
  },
  ...processApiOperations,
  // Admin routes (/api/auth, /api/admin): described beside their code.
  ...adminApiOperations,
};

const errorDescriptions: Record<number, string> = {
  400: "Invalid request (malformed JSON, failed validation)",
  401: "Missing or invalid credentials",
  403: "Authenticated but not allowed",
  404: "Not found (also another org's id)",
  405: "Method not allowed",
  409: "Conflict (idempotency, stale version, invalid transition)",
  413: "Body larger than the limit (64 KiB)",
  415: "Unsupported media type",
  422: "Well-formed but not processable",
  429: "Rate limited; see Retry-After",
  503: "Unavailable",
};

/** `app/api/v1/workflows/[id]/route.ts` → `/api/v1/workflows/{id}`; catch-all segments become one parameter. */
export function routeFileToPath(file: string): string {
  const segments = file.replace(/\\/g, "/").replace(/^.*?app\/api\//, "").replace(/\/?route\.(ts|tsx|js|mjs)$/, "").split("/").filter(Boolean);
  const kept = segments.filter((s) => !/^\(.*\)$/.test(s)); // route groups do not appear in URLs
  return "/api/" + kept.map((s) => s.replace(/^\[\[?(?:\.\.\.)?([^\]]+)\]\]?$/, "{$1}")).join("/").replace(/\/$/, "");
}

function rewriteRefs(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, from, to));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === "$ref" && typeof v === "string" && v.startsWith(from) ? to + v.slice(from.length) : rewriteRefs(v, from, to)]),
    );
  }
  return value;
}

/**
 * Converts zod schemas and lifts every schema named with .meta({ id }) into
 * one components map. One id must mean one shape: a clash throws.
 */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const raw = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
    const { $schema: _schema, $defs, ...rest } = rewriteRefs(raw, "#/$defs/", "#/components/schemas/") as JsonSchema;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const existing = this.components[id];
      if (existing && JSON.stringify(existing) !== JSON.stringify(def)) {
        throw new Error(`schema id "${id}" names two different shapes; give one of them another id`);
      }
      this.components[id] = def;
    }
    return rest;
  }
}

function securityOf(auth: OperationAuth, operationId: string): Array<Record<string, string[]>> {
  switch (auth.kind) {
    case "none":
      return [];
    case "client": {
      const scope = (operationScopes as Record<string, string>)[operationId];
      if (!scope) throw new Error(`${operationId}: a client operation needs its scope in lib/auth/route-scopes.ts`);
      return [{ oauth2: [scope] }];
    }
    case "webhookSignature":
      return [{ webhookId: [], webhookTimestamp: [], webhookSignature: [] }];
    case "cron":
      return [{ cronBearer: [] }];
    case "agent":
      return [{ genesysAgent: [] }];
    case "scheme":
      return [auth.requirement];
  }
}

function authErrors(auth: OperationAuth): number[] {
  switch (auth.kind) {
    case "none":
      return [];
    case "client":
      return [401, 403];
    case "webhookSignature":
      return [401, 403];
    case "cron":
      return [401];
    case "agent":
      return [401, 403];
    case "scheme":
      return [401, 403];
  }
}

function parametersOf(where: "path" | "query", schema: z.ZodObject | undefined, collector: SchemaCollector): JsonSchema[] {
  if (!schema) return [];
  const converted = collector.convert(schema, "input");
  const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((converted.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === "path" || required.has(name), schema: rest, ...(description ? { description } : {}) };
  });
}

const requestIdHeader = { $ref: "#/components/headers/XRequestId" };

function buildOperation(path: string, method: HttpMethod, spec: OperationSpec, collector: SchemaCollector, errorSchema: JsonSchema): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const content = response.schema
      ? { "application/json": { schema: collector.convert(response.schema, "output") } }
      : response.contentType
        ? { [response.contentType]: {} }
        : undefined;
    responses[status] = { description: response.description, headers: { "x-request-id": requestIdHeader, ...response.headers }, ...(content ? { content } : {}) };
  }
  const errors = [...new Set([400, ...(spec.body ? [413, 415] : []), ...authErrors(spec.auth), ...spec.errors])].sort((a, b) => a - b);
  for (const status of errors) {
    if (responses[String(status)]) throw new Error(`${method.toUpperCase()} ${path}: ${status} is both a success and an error response`);
    responses[String(status)] = {
      description: errorDescriptions[status] ?? "Error",
      headers: { "x-request-id": requestIdHeader },
      content: { "application/json": { schema: errorSchema } },
    };
  }
  const parameters = [
    ...parametersOf("path", spec.pathParams, collector),
    ...parametersOf("query", spec.query, collector),
    { $ref: "#/components/parameters/XRequestId" },
  ];
  const declared = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const given = parameters.filter((p) => p.in === "path").map((p) => p.name);
  if (JSON.stringify([...declared].sort()) !== JSON.stringify([...given].sort())) {
    throw new Error(`${method.toUpperCase()} ${path}: path parameters ${JSON.stringify(given)} do not match the path`);
  }
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    security: securityOf(spec.auth, spec.operationId),
    parameters,
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.required,
            ...(spec.body.description ? { description: spec.body.description } : {}),
            content: Object.fromEntries((spec.body.contentTypes ?? json).map((type) => [type, { schema: collector.convert(spec.body!.schema, "input") }])),
          },
        }
      : {}),
    responses,
  };
}

export interface OpenApiDocument {
  openapi: string;
  info: JsonSchema;
  paths: Record<string, Partial<Record<HttpMethod, JsonSchema>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema>; headers: JsonSchema; parameters: JsonSchema };
  [key: string]: unknown;
}

let cached: OpenApiDocument | null = null;

/** The document (without `servers`, which depends on where it is served). */
export function openApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const collector = new SchemaCollector();
  const errorSchema = collector.convert(errorResponseSchema, "output");
  const paths: OpenApiDocument["paths"] = {};
  const operationIds = new Set<string>();
  for (const path of Object.keys(apiOperations).sort()) {
    const item = apiOperations[path]!;
    const built: Partial<Record<HttpMethod, JsonSchema>> = {};
    for (const method of httpMethods) {
      const spec = item[method];
      if (!spec) continue;
      if (operationIds.has(spec.operationId)) throw new Error(`operationId ${spec.operationId} is used twice`);
      operationIds.add(spec.operationId);
      built[method] = buildOperation(path, method, spec, collector, errorSchema);
    }
    paths[path] = built;
  }
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Longrun API",
      version: "1.0.0",
      description:
        "Long-running workflows for Genesys Cloud CX: Architect data actions start workflows and dispatch tasks; external systems report results through signed callbacks. Errors are always {\"error\": {\"code\", \"message\"}}; error codes: " +
        Object.keys(errorStatus).join(", ") +
        ".",
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    tags: [
      { name: "workflows", description: "Called by Architect data actions" },
      { name: "webhooks", description: "Called by external systems, signed per Standard Webhooks" },
      { name: "auth", description: "Tokens for data actions" },
      { name: "dead-letters", description: "Deliveries that ran out of attempts" },
      { name: "processes", description: "Multi-step process definitions that Longrun runs itself" },
      { name: "ops", description: "Operations" },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(collector.components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        oauth2: {
          type: "oauth2",
          description: "Client credentials of the org's data-action client (Genesys \"User Defined (OAuth)\" credentials).",
          flows: { clientCredentials: { tokenUrl: "/api/oauth/token", scopes: Object.fromEntries(scopes.map((s) => [s, scopeDescriptions[s]])) } },
        },
        webhookId: { type: "apiKey", in: "header", name: "webhook-id", description: "Standard Webhooks message id; a repeat is answered from the first delivery." },
        webhookTimestamp: { type: "apiKey", in: "header", name: "webhook-timestamp", description: "Unix seconds; within 5 minutes of Longrun's clock." },
        webhookSignature: {
          type: "apiKey",
          in: "header",
          name: "webhook-signature",
          description: "v1,<base64 HMAC-SHA256 of \"{webhook-id}.{webhook-timestamp}.{body}\"> with the org's whsec_ secret. The three webhook headers are required together.",
        },
        cronBearer: { type: "http", scheme: "bearer", description: "Authorization: Bearer $CRON_SECRET, for schedulers." },
        genesysAgent: { type: "http", scheme: "bearer", description: "The agent's own Genesys Cloud access token; Longrun checks it with /api/v2/users/me and takes the org from it." },
        ...extraSecuritySchemes,
      },
      headers: { XRequestId: { description: "The request id (yours if you sent a valid one); quote it to support.", schema: { type: "string" } } },
      parameters: {
        XRequestId: { name: "x-request-id", in: "header", required: false, description: "Your correlation id ([A-Za-z0-9._:-]{1,128}).", schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" } },
      },
    },
  };
  return cached;
}
