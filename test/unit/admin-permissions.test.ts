// Who may use /admin, and how the wizard names what it creates.
import { describe, expect, it } from "vitest";
import { adminPermission, holdsPermission, missingPermissions } from "@/lib/auth/admin-permissions";
import { escalationPermissions, installPermissions, permissionPolicies, widgetUrl } from "@/lib/genesys/install-steps";

describe("admin permissions", () => {
  it("counts Genesys wildcards as holding what they cover, and nothing else", () => {
    expect(holdsPermission(["integrations:integration:edit"], adminPermission)).toBe(true);
    expect(holdsPermission(["integrations:*:*"], adminPermission)).toBe(true);
    expect(holdsPermission(["integrations:integration:*"], adminPermission)).toBe(true);
    expect(holdsPermission(["*"], adminPermission)).toBe(true);
    expect(holdsPermission(["integrations:integration:view"], adminPermission)).toBe(false);
    expect(holdsPermission(["integrations:action:*"], adminPermission)).toBe(false);
    expect(holdsPermission(["integrations:integration"], adminPermission)).toBe(false);
    expect(holdsPermission([], adminPermission)).toBe(false);
  });

  it("lists the install permissions an admin lacks", () => {
    expect(missingPermissions(["integrations:*:*", "authorization:*:*", "oauth:client:*", "architect:flow:*", "architect:job:*", "processautomation:trigger:*"], installPermissions)).toEqual([]);
    expect(missingPermissions(["integrations:*:*"], installPermissions)).toEqual(installPermissions.filter((p) => !p.startsWith("integrations:")));
  });
});

describe("install wizard naming", () => {
  it("groups the escalation permissions into one policy per domain and entity", () => {
    expect(permissionPolicies([...escalationPermissions, "architect:flow:view"])).toEqual([
      { domain: "architect", entityName: "flow", actionSet: ["launch", "view"], allowConditions: false },
      { domain: "architect", entityName: "flowExecution", actionSet: ["view"], allowConditions: false },
      { domain: "conversation", entityName: "callback", actionSet: ["create"], allowConditions: false },
      { domain: "conversation", entityName: "communication", actionSet: ["view"], allowConditions: false },
      { domain: "conversation", entityName: "message", actionSet: ["create"], allowConditions: false },
      { domain: "conversation", entityName: "agentlessEmail", actionSet: ["send"], allowConditions: false },
    ]);
  });

  it("points the interaction widget at /panel with the desktop's URL parameters", () => {
    expect(widgetUrl("https://longrun.example.com/")).toBe(
      "https://longrun.example.com/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}&usePopupAuth={{gcUsePopupAuth}}",
    );
  });
});
