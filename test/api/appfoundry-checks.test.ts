// The AppFoundry view-permission check on the agent panel's API (lib/genesys/app-foundry.ts):
// with the checks on, an agent of an installed org who lacks integration:<app>:view gets a
// clear 403, never data; one setting turns the check off for a self-hosted Longrun.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as listConversation } from "@/app/api/v1/conversations/[conversationId]/workflows/route";
import { clearAgentIdentityCache } from "@/lib/auth/agent-token";
import { admissionOf } from "@/lib/auth/admin-auth-options";
import { resetEnvCache } from "@/lib/env";
import { call, jsonOf, newOrg, type TestOrg } from "@/test/support/api";
import { startGenesysStandIn, type GenesysStandIn } from "@/test/support/genesys-stand-in";

let genesys: GenesysStandIn;
let org: TestOrg;

function setChecks(value: "on" | "off", permission?: string) {
  process.env.GENESYS_APPFOUNDRY_CHECKS = value;
  if (permission) process.env.GENESYS_PREMIUM_APP_VIEW_PERMISSION = permission;
  else delete process.env.GENESYS_PREMIUM_APP_VIEW_PERMISSION;
  resetEnvCache();
  clearAgentIdentityCache();
}

beforeAll(async () => {
  genesys = await startGenesysStandIn();
  process.env.GENESYS_API_BASE_URL = genesys.url;
  resetEnvCache();
  org = await newOrg();
});
afterEach(() => setChecks("off"));
afterAll(async () => {
  await genesys.close();
  delete process.env.GENESYS_API_BASE_URL;
  setChecks("off");
});

const snapshot = (token: string) => {
  const conversationId = randomUUID();
  return call(listConversation, `/api/v1/conversations/${conversationId}/workflows`, { params: { conversationId }, token, headers: { "x-genesys-region": "mypurecloud.com" } });
};

describe("the agent panel with the AppFoundry checks on", () => {
  it("answers an agent without the app's view permission 403 with what to ask for, and reads users/me with the authorization", async () => {
    setChecks("on");
    const agent = genesys.addUser({ orgId: org.orgId, permissions: ["conversation:communication:view"] });
    const res = await snapshot(genesys.issueToken(agent.id));
    expect(res.status).toBe(403);
    const body = await jsonOf<{ error: { code: string; message: string } }>(res);
    expect(body.error.code).toBe("FORBIDDEN");
    expect(body.error.message).toContain("integration:examplePremiumApp:view");
    expect(JSON.stringify(body)).not.toContain("workflows");
    const asked = genesys.requests.filter((r) => r.path === "/api/v2/users/me").at(-1)!;
    expect(asked.query.get("expand")).toBe("organization,authorization");
  });

  it("serves an agent holding the permission (also through a wildcard), and honours a configured permission name", async () => {
    setChecks("on");
    const holder = genesys.addUser({ orgId: org.orgId, permissions: ["integration:examplePremiumApp:view"] });
    expect((await snapshot(genesys.issueToken(holder.id))).status).toBe(200);
    const wildcard = genesys.addUser({ orgId: org.orgId, permissions: ["integration:examplePremiumApp:*"] });
    expect((await snapshot(genesys.issueToken(wildcard.id))).status).toBe(200);

    setChecks("on", "integration:longrun:view");
    expect((await snapshot(genesys.issueToken(holder.id))).status).toBe(403);
    const approved = genesys.addUser({ orgId: org.orgId, permissions: ["integration:longrun:view"] });
    expect((await snapshot(genesys.issueToken(approved.id))).status).toBe(200);
  });

  it("keeps admins without the view permission out of an installed org's /admin", async () => {
    setChecks("on");
    const profile = (permissions: string[]) => ({ id: randomUUID(), name: "Ada", organization: { id: org.orgId, name: "Acme" }, authorization: { permissions } });
    expect(await admissionOf(profile(["integrations:integration:edit"]))).toEqual({ ok: false, reason: "no_app_permission" });
    expect(await admissionOf(profile(["integrations:integration:edit", "integration:examplePremiumApp:view"]))).toMatchObject({ ok: true, installed: true });
  });
});

describe("a self-hosted Longrun (GENESYS_APPFOUNDRY_CHECKS=off)", () => {
  it("serves any agent of an installed org and does not ask Genesys for permissions", async () => {
    setChecks("off");
    const agent = genesys.addUser({ orgId: org.orgId, permissions: [] });
    expect((await snapshot(genesys.issueToken(agent.id))).status).toBe(200);
    expect(genesys.requests.filter((r) => r.path === "/api/v2/users/me").at(-1)!.query.get("expand")).toBe("organization");
  });
});
