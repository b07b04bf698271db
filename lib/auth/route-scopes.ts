// The scope each data-action operation needs, declared once: clientRoute()
// (lib/http/api-route.ts) enforces it and the OpenAPI document
// (lib/api/openapi.ts) publishes it, both by operationId.
import type { Scope } from "@/lib/auth/scopes";

export const operationScopes = {
  initiateWorkflow: "workflows:write",
  initiateWorkflowAlias: "workflows:write",
  getWorkflow: "workflows:read",
  dispatchTask: "workflows:write",
  cancelWorkflow: "workflows:write",
  conversationEnded: "workflows:write",
  listWorkflowEvents: "workflows:read",
  listDeadLetters: "workflows:read",
  retryDeadLetter: "workflows:write",
  listProcesses: "processes:read",
  getProcess: "processes:read",
  putProcess: "processes:write",
} as const satisfies Record<string, Scope>;

export type ScopedOperation = keyof typeof operationScopes;

export function scopeOf(operationId: ScopedOperation): Scope {
  return operationScopes[operationId];
}
