// Genesys Cloud "Web Services Data Actions" for Longrun's API, generated from
// the zod schemas the API validates with (`npm run contracts` writes them to
// genesys/data-actions). Architect reads only flat outputs, so every action
// answers with top-level primitives. The API leaves a field with no value out
// (never null), so the translation map finds nothing there and Genesys uses
// the field's translationMapDefaults entry (GENESYS.md §0).
import { z } from "zod";
import {
  cancelWorkflowBodySchema,
  conversationEndedBodySchema,
  conversationEndedParamsSchema,
  conversationEndedSchema,
  createWorkflowBodySchema,
  dispatchTaskBodySchema,
  taskAcceptedSchema,
  workflowCreatedSchema,
  workflowIdParamsSchema,
  workflowViewSchema,
} from "@/lib/api/schemas";

type JsonSchema = Record<string, unknown>;

/** The committed files carry this host; `npm run contracts -- --base-url https://…` writes copies for a real one. */
export const placeholderBaseUrl = "https://longrun.example.com";

export interface DataActionDefinition {
  /** File name under genesys/data-actions. */
  file: string;
  name: string;
  /** The OpenAPI operation it calls (lib/api/openapi.ts). */
  operationId: string;
  method: "GET" | "POST";
  /** Path with Velocity references, e.g. /api/v1/workflows/${input.workflow_id}. */
  pathTemplate: string;
  input: z.ZodObject;
  requestTemplate: string;
  /** The API's response schema; the action's outputs are its flat fields. */
  response: z.ZodObject;
  outputFields: string[];
  /** Inputs an Architect flow would pass; the contract tests run the template on it. */
  example: Record<string, string>;
}

const workflowId = workflowIdParamsSchema.shape.id.describe("The workflow's id (made in the flow with uuid()).");

/** Draft-04 JSON Schema of an object schema, its root inlined even when it carries a .meta({ id }). */
function toDraft04(schema: z.ZodObject, io: "input" | "output"): JsonSchema {
  const { $schema: _schema, ...json } = z.toJSONSchema(schema, { target: "draft-04", io, unrepresentable: "any" }) as JsonSchema;
  const ref = typeof json.$ref === "string" ? /^#\/(?:\$defs|definitions)\/(.+)$/.exec(json.$ref) : null;
  if (!ref) return json;
  const defs = (json.$defs ?? json.definitions ?? {}) as Record<string, JsonSchema>;
  const root = defs[ref[1]!];
  if (!root || Object.keys(defs).length > 1) throw new Error(`a data-action contract cannot hold nested named schemas (${Object.keys(defs).join(", ")})`);
  return root;
}

/** Primitive (or nullable primitive) fields of a response: what Architect can hold. */
function flatFields(schema: z.ZodObject): string[] {
  const json = toDraft04(schema, "output");
  return Object.entries((json.properties ?? {}) as Record<string, JsonSchema>)
    .filter(([, property]) => primitiveType(property) !== null)
    .map(([name]) => name);
}

const primitives = ["string", "integer", "number", "boolean"] as const;
type Primitive = (typeof primitives)[number];

function primitiveType(property: JsonSchema): { type: Primitive; nullable: boolean } | null {
  const types = Array.isArray(property.type) ? (property.type as string[]) : typeof property.type === "string" ? [property.type] : null;
  if (types) {
    const base = types.filter((t) => t !== "null");
    return base.length === 1 && (primitives as readonly string[]).includes(base[0]!) ? { type: base[0] as Primitive, nullable: types.includes("null") } : null;
  }
  const branches = (property.anyOf ?? property.oneOf) as JsonSchema[] | undefined;
  if (!branches) return null;
  const nonNull = branches.filter((b) => b.type !== "null");
  if (nonNull.length !== 1 || nonNull.length === branches.length) return null;
  const inner = primitiveType(nonNull[0]!);
  return inner ? { type: inner.type, nullable: true } : null;
}

const defaultFor: Record<Primitive, string> = { string: "\"\"", integer: "0", number: "0", boolean: "false" };

export const dataActions: DataActionDefinition[] = [
  {
    file: "longrun-initiate-workflow.json",
    name: "Longrun - Initiate Workflow",
    operationId: "initiateWorkflow",
    method: "POST",
    pathTemplate: "/api/v1/workflows",
    // process_name and context_json are optional: quiet references ($!{…}) render "" when a flow leaves them out, which the API reads as none.
    // No timestamp: Longrun's own clock stamps the workflow, so a flow has nothing to compute (the API's
    // timestamp is optional), and an optional input a flow leaves out would reach the API as "".
    input: createWorkflowBodySchema.pick({ workflow_id: true, customer_id: true, conversation_id: true, process_name: true, context_json: true }).required({ conversation_id: true }),
    requestTemplate:
      "{\"workflow_id\": \"$esc.jsonString(${input.workflow_id})\", \"customer_id\": \"$esc.jsonString(${input.customer_id})\", \"conversation_id\": \"$esc.jsonString(${input.conversation_id})\", \"status\": \"INITIATED\", \"process_name\": \"$esc.jsonString($!{input.process_name})\", \"context_json\": \"$esc.jsonString($!{input.context_json})\"}",
    response: workflowCreatedSchema,
    outputFields: flatFields(workflowCreatedSchema),
    example: {
      workflow_id: "5d0c8f3e-4a8b-4a57-9a51-3f1c2a6b7e10",
      customer_id: "CUST-1001 \"gold\"",
      conversation_id: "0b7a6c2e-9f3d-4c1e-8a2b-5e6f7a8b9c0d",
    },
  },
  {
    file: "longrun-get-workflow-status.json",
    name: "Longrun - Get Workflow Status",
    operationId: "getWorkflow",
    method: "GET",
    pathTemplate: "/api/v1/workflows/${input.workflow_id}",
    input: z.strictObject({ workflow_id: workflowId }),
    // A GET sends no body; Genesys's default template is kept.
    requestTemplate: "${input.rawRequest}",
    response: workflowViewSchema,
    outputFields: flatFields(workflowViewSchema),
    example: { workflow_id: "5d0c8f3e-4a8b-4a57-9a51-3f1c2a6b7e10" },
  },
  {
    file: "longrun-dispatch-task.json",
    name: "Longrun - Dispatch Task",
    operationId: "dispatchTask",
    method: "POST",
    pathTemplate: "/api/v1/workflows/${input.workflow_id}/tasks",
    // The payload travels as separate fields, each escaped by Velocity: a flow never assembles JSON
    // text by string concatenation (one quote in a caller's data would break it).
    input: z.strictObject({
      workflow_id: workflowId,
      task_type: dispatchTaskBodySchema.shape.task_type,
      customer_ani: z.string().max(200).optional().describe("The caller's number (Call.Ani); payload.customer_ani."),
      reference: z.string().max(500).optional().describe("A reference the orchestrator needs (order, case, account); payload.reference."),
      note: z.string().max(2000).optional().describe("Free text for the orchestrator; payload.note."),
    }),
    requestTemplate:
      "{\"task_type\": \"$esc.jsonString(${input.task_type})\", \"payload\": {\"customer_ani\": \"$esc.jsonString($!{input.customer_ani})\", \"reference\": \"$esc.jsonString($!{input.reference})\", \"note\": \"$esc.jsonString($!{input.note})\"}}",
    response: taskAcceptedSchema,
    outputFields: flatFields(taskAcceptedSchema),
    example: { workflow_id: "5d0c8f3e-4a8b-4a57-9a51-3f1c2a6b7e10", task_type: "FRAUD_VERIFICATION", customer_ani: "+15551234567", reference: "ORDER-\"42\"", note: "line one\nline \"two\"" },
  },
  {
    file: "longrun-cancel-workflow.json",
    name: "Longrun - Cancel Workflow",
    operationId: "cancelWorkflow",
    method: "POST",
    pathTemplate: "/api/v1/workflows/${input.workflow_id}/cancel",
    input: z.strictObject({ workflow_id: workflowId, reason: cancelWorkflowBodySchema.shape.reason.unwrap().describe("Kept in the audit log.") }),
    requestTemplate: "{\"reason\": \"$esc.jsonString(${input.reason})\"}",
    response: workflowViewSchema,
    outputFields: ["workflow_id", "status", "version"],
    example: { workflow_id: "5d0c8f3e-4a8b-4a57-9a51-3f1c2a6b7e10", reason: "Caller hung up\nbefore the result" },
  },
  {
    // Called by genesys/flows/longrun-customer-ended.yaml, which the customer.end trigger starts.
    file: "longrun-conversation-ended.json",
    name: "Longrun - Conversation Ended",
    operationId: "conversationEnded",
    method: "POST",
    pathTemplate: "/api/v1/conversations/${input.conversation_id}/ended",
    input: z.strictObject({ conversation_id: conversationEndedParamsSchema.shape.conversationId, ani: conversationEndedBodySchema.shape.ani.unwrap() }),
    requestTemplate: "{\"ani\": \"$esc.jsonString(${input.ani})\"}",
    response: conversationEndedSchema,
    outputFields: flatFields(conversationEndedSchema),
    example: { conversation_id: "0b7a6c2e-9f3d-4c1e-8a2b-5e6f7a8b9c0d", ani: "tel:+15551234567" },
  },
];

function inputSchemaOf(action: DataActionDefinition): JsonSchema {
  return { title: `${action.name} input`, ...toDraft04(action.input, "input") };
}

/** The flat output contract plus the translation map that fills it. */
function outputOf(action: DataActionDefinition) {
  const json = toDraft04(action.response, "output");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const alwaysThere = new Set((json.required ?? []) as string[]);
  const outputProperties: Record<string, JsonSchema> = {};
  const translationMap: Record<string, string> = {};
  const translationMapDefaults: Record<string, string> = {};
  for (const field of action.outputFields) {
    const property = properties[field];
    const kind = property ? primitiveType(property) : null;
    if (!property || !kind) throw new Error(`${action.name}: output ${field} is not a flat field of the API response`);
    const description = typeof property.description === "string" ? property.description : undefined;
    const sometimesMissing = kind.nullable || !alwaysThere.has(field);
    outputProperties[field] = {
      type: kind.type,
      ...(description ? { description } : {}),
      // The empty default ("") is no member of an enum, so a field that may be missing lists none.
      ...(sometimesMissing ? {} : Array.isArray(property.enum) ? { enum: property.enum } : {}),
    };
    translationMap[field] = `$.${field}`;
    // A field the API leaves out (no task yet, no deadline) takes the type's empty value for Architect.
    if (sometimesMissing) translationMapDefaults[field] = defaultFor[kind.type];
  }
  const successTemplate = "{" + action.outputFields.map((f) => `"${f}": \${${f}}`).join(", ") + "}";
  const successSchema: JsonSchema = {
    title: `${action.name} output`,
    type: "object",
    properties: outputProperties,
    // Every output is always there: the defaults fill the nulls.
    required: [...action.outputFields],
    additionalProperties: true,
  };
  return { translationMap, translationMapDefaults, successTemplate, successSchema };
}

export const authorizationHeader = "${authResponse.token_type} ${authResponse.access_token}";

/** One data action as Genesys's import file. */
export function dataActionFile(action: DataActionDefinition, baseUrl = placeholderBaseUrl): JsonSchema {
  const { translationMap, translationMapDefaults, successTemplate, successSchema } = outputOf(action);
  return {
    name: action.name,
    integrationType: "custom-rest-actions",
    actionType: "custom",
    config: {
      request: {
        requestUrlTemplate: baseUrl.replace(/\/+$/, "") + action.pathTemplate,
        requestType: action.method,
        headers: { Authorization: authorizationHeader, "Content-Type": "application/json" },
        requestTemplate: action.requestTemplate,
      },
      response: { translationMap, translationMapDefaults, successTemplate },
    },
    contract: { input: { inputSchema: inputSchemaOf(action) }, output: { successSchema } },
    secure: false,
  };
}

/**
 * The request and response of the integration's custom auth action ("User
 * Defined (OAuth)" credentials with fields clientId and clientSecret). Genesys
 * creates that action itself, so this is pasted into its configuration (or
 * sent with PATCH /api/v2/integrations/actions/{id}/draft), not imported.
 */
export function customAuthConfig(baseUrl = placeholderBaseUrl): JsonSchema {
  return {
    name: "Longrun - Custom Auth (configuration of the integration's auth action)",
    credentialType: "userDefinedOAuth",
    credentialFields: ["clientId", "clientSecret"],
    config: {
      request: {
        requestUrlTemplate: baseUrl.replace(/\/+$/, "") + "/api/oauth/token",
        requestType: "POST",
        headers: { "Content-Type": "application/json" },
        requestTemplate:
          "{\"grant_type\": \"client_credentials\", \"client_id\": \"$esc.jsonString(${credentials.clientId})\", \"client_secret\": \"$esc.jsonString(${credentials.clientSecret})\"}",
      },
      response: {
        translationMap: { access_token: "$.access_token", token_type: "$.token_type", expires_in: "$.expires_in" },
        translationMapDefaults: {},
        successTemplate: "{\"access_token\": ${access_token}, \"token_type\": ${token_type}, \"expires_in\": ${expires_in}}",
      },
    },
  };
}

export const customAuthFile = "longrun-custom-auth.config.json";

/** Every file `npm run contracts` writes, name → content (stable JSON, trailing newline). */
export function contractFiles(baseUrl = placeholderBaseUrl): Record<string, string> {
  const files: Record<string, string> = {};
  for (const action of dataActions) files[action.file] = JSON.stringify(dataActionFile(action, baseUrl), null, 2) + "\n";
  files[customAuthFile] = JSON.stringify(customAuthConfig(baseUrl), null, 2) + "\n";
  return files;
}
