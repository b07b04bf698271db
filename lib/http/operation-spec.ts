// The shape of an operation in the OpenAPI document, shared by the public
// table (lib/api/openapi.ts) and the admin one (lib/admin/admin-openapi.ts)
// so that neither imports the other's module for its types.
import type { z } from "zod";

export type JsonSchema = Record<string, unknown>;
export const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch"] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** Who may call an operation; each maps to an OpenAPI security requirement. */
export type OperationAuth =
  | { kind: "none" }
  /** A data-action token with the scope its operationId declares in lib/auth/route-scopes.ts. */
  | { kind: "client" }
  | { kind: "webhookSignature" }
  | { kind: "cron" }
  /** An agent's own Genesys Cloud token (the panel routes). */
  | { kind: "agent" }
  | { kind: "scheme"; requirement: Record<string, string[]> };

export interface ResponseSpec {
  description: string;
  /** JSON body; omit for a response without one. */
  schema?: z.ZodType;
  /** A non-JSON body (e.g. text/event-stream), described in words. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: OperationAuth;
  pathParams?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean; contentTypes?: string[]; description?: string };
  responses: Record<number, ResponseSpec>;
  /**
   * Statuses answered with the ErrorResponse body; 401/403 are added from
   * `auth`, 400 to every operation (any request can break the text rule or
   * carry a malformed escape), 413 and 415 to every operation with a body; 404/429 only where listed.
   */
  errors: number[];
}

export type PathItemSpec = Partial<Record<HttpMethod, OperationSpec>>;
