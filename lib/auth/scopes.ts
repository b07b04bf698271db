export const scopes = ["workflows:read", "workflows:write", "processes:read", "processes:write"] as const;
export type Scope = (typeof scopes)[number];

/** What each scope allows, for the token endpoint's documentation. */
export const scopeDescriptions: Record<Scope, string> = {
  "workflows:read": "Read workflows and their events",
  "workflows:write": "Start, dispatch to and cancel workflows",
  "processes:read": "Read process definitions",
  "processes:write": "Store new versions of process definitions",
};

export function isScope(value: string): value is Scope {
  return (scopes as readonly string[]).includes(value);
}
