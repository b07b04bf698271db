// The process API's entries in the OpenAPI document (lib/api/openapi.ts merges them).
import type { OperationSpec, PathItemSpec } from "@/lib/http/operation-spec";
import { processDefinitionBodySchema, processListSchema, processParamsSchema, processQuerySchema, processVersionSchema } from "@/lib/api/process-schemas";

/** What storing a version answers, from the API and the admin editor alike. */
const storeVersion = {
  responses: {
    201: { description: "Stored as a new version", schema: processVersionSchema },
    200: { description: "The same as the latest version, which is returned", schema: processVersionSchema },
  },
  errors: [400, 409, 413, 415, 429],
} satisfies Pick<OperationSpec, "responses" | "errors">;

export const processApiOperations: Record<string, PathItemSpec> = {
  "/api/v1/processes": {
    get: {
      operationId: "listProcesses",
      summary: "The org's process definitions, each at its latest version",
      tags: ["processes"],
      auth: { kind: "client" },
      responses: { 200: { description: "Every process by name", schema: processListSchema } },
      errors: [429],
    },
  },
  "/api/v1/processes/{name}": {
    get: {
      operationId: "getProcess",
      summary: "A process definition: its latest version, or the one asked for",
      tags: ["processes"],
      auth: { kind: "client" },
      pathParams: processParamsSchema,
      query: processQuerySchema,
      responses: { 200: { description: "The version", schema: processVersionSchema } },
      errors: [400, 404, 429],
    },
    put: {
      operationId: "putProcess",
      summary: "Store a process definition as its next version",
      description:
        "Versions are immutable: a workflow keeps the version it started with. The same document as the latest version stores nothing and answers 200 with that version. An invalid definition is a 400 whose error.details lists every problem ({path, code, message}: INVALID, DUPLICATE_STEP, UNKNOWN_STEP, BAD_TARGET, UNREACHABLE_STEP, CYCLE_WITHOUT_WAIT, BAD_REFERENCE).",
      tags: ["processes"],
      auth: { kind: "client" },
      pathParams: processParamsSchema,
      body: { schema: processDefinitionBodySchema, required: true },
      ...storeVersion,
    },
  },
  "/api/admin/processes/{name}": {
    put: {
      operationId: "adminPutProcess",
      summary: "Store a process definition as its next version, from the admin editor",
      description: "Like PUT /api/v1/processes/{name}, with the admin session instead of a data-action token.",
      tags: ["admin"],
      auth: { kind: "scheme", requirement: { adminSession: [] } },
      pathParams: processParamsSchema,
      body: { schema: processDefinitionBodySchema, required: true },
      ...storeVersion,
    },
  },
};
