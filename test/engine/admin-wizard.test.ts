// The install wizard's Platform API calls, made through the real SDK and
// intercepted with msw: the exact requests (role permissions, OAuth client
// grant type, integration types and config), idempotent re-runs, one failed
// step retried alone, and uninstall.
import { randomUUID } from "node:crypto";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { issueAccessToken } from "@/lib/auth/client-credentials";
import { admissionOf } from "@/lib/auth/admin-auth-options";
import { dataActions } from "@/lib/api/data-action-contracts";
import { open } from "@/lib/crypto/secret-box";
import { db } from "@/lib/db/client";
import { installPlatform } from "@/lib/genesys/install-platform";
import { installComplete, installState, installSteps, runInstallStep, uninstall, type InstallContext } from "@/lib/genesys/install-steps";
import { activeSigningSecrets } from "@/lib/webhooks/signing-secrets";
import { createPlatformFake, type PlatformFake } from "@/test/support/genesys-stand-in";

const adminToken = "admin-user-token";
const base = "https://longrun.example.test";

interface Seen {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

let fake: PlatformFake;
const seen: Seen[] = [];
const server = setupServer(
  http.all(/^https:\/\/api\.mypurecloud\.com\/api\/v2\/.*/, async ({ request }) => {
    const url = new URL(request.url);
    const text = await request.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    seen.push({ method: request.method, path: url.pathname, authorization: request.headers.get("authorization"), body });
    const reply = fake.handle(request.method, url.pathname, url.searchParams, text);
    return reply.status === 204 ? new HttpResponse(null, { status: 204 }) : HttpResponse.json(reply.body as Record<string, unknown>, { status: reply.status });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  seen.length = 0;
});
afterAll(() => server.close());

function context(orgId: string): InstallContext {
  return {
    orgId,
    orgName: "Acme Contact Center",
    region: "mypurecloud.com",
    userId: "11111111-2222-3333-4444-555555555555",
    actor: "admin:Ada Admin (11111111-2222-3333-4444-555555555555)",
    publicBaseUrl: base,
    platform: installPlatform("mypurecloud.com", adminToken),
    accessToken: adminToken,
  };
}

async function runAll(ctx: InstallContext) {
  const results = [];
  for (const step of installSteps) results.push(await runInstallStep(step, ctx));
  return results;
}

const creates = () => seen.filter((r) => r.method === "POST" && !r.path.endsWith("/publish") && !r.path.endsWith("/secret"));

describe("install wizard", () => {
  it("creates the role, OAuth client, widget, data actions and signing secret with the exact Platform API requests", async () => {
    fake = createPlatformFake();
    const orgId = randomUUID();
    const ctx = context(orgId);
    const results = await runAll(ctx);
    expect(results.map((r) => [r.step, r.status])).toEqual(installSteps.map((s) => [s, "created"]));
    expect(seen.every((r) => r.authorization === `Bearer ${adminToken}`)).toBe(true);

    // Role: exactly the escalation permissions, granted to the installer.
    const role = seen.find((r) => r.method === "POST" && r.path === "/api/v2/authorization/roles")!;
    expect(role.body).toEqual({
      name: "Longrun Escalations",
      description: expect.any(String),
      permissionPolicies: [
        { domain: "architect", entityName: "flow", actionSet: ["launch"], allowConditions: false },
        { domain: "architect", entityName: "flowExecution", actionSet: ["view"], allowConditions: false },
        { domain: "conversation", entityName: "callback", actionSet: ["create"], allowConditions: false },
        { domain: "conversation", entityName: "communication", actionSet: ["view"], allowConditions: false },
        { domain: "conversation", entityName: "message", actionSet: ["create"], allowConditions: false },
        { domain: "conversation", entityName: "agentlessEmail", actionSet: ["send"], allowConditions: false },
      ],
    });
    const roleId = fake.records.roles[0]!.id;
    expect(seen.find((r) => r.path === `/api/v2/authorization/roles/${roleId}/users/add`)?.body).toEqual([ctx.userId]);

    // OAuth client: client credentials, holding that role in the home division; its secret sealed in the Org row.
    const client = seen.find((r) => r.method === "POST" && r.path === "/api/v2/oauth/clients")!;
    const home = seen.find((r) => r.path === "/api/v2/authorization/divisions/home");
    expect(home).toBeDefined();
    expect(client.body).toEqual({
      name: "Longrun Escalations",
      description: expect.any(String),
      authorizedGrantType: "CLIENT-CREDENTIALS",
      roleDivisions: [{ roleId, divisionId: expect.any(String) }],
      accessTokenValiditySeconds: 86400,
    });
    const prisma = await db();
    const org = await prisma.org.findUniqueOrThrow({ where: { id: orgId } });
    const genesysClient = fake.records.oauthClients[0]!;
    expect(org.genesysClientId).toBe(genesysClient.id);
    expect(org.genesysClientSecretEnc).not.toContain(genesysClient.secret);
    expect(open(org.genesysClientSecretEnc!)).toBe(genesysClient.secret);
    expect(org.region).toBe("mypurecloud.com");
    expect(org.name).toBe("Acme Contact Center");

    // Interaction widget: its type, the panel URL with the desktop's parameters, enabled.
    const integrationPosts = seen.filter((r) => r.method === "POST" && r.path === "/api/v2/integrations").map((r) => r.body);
    expect(integrationPosts).toEqual([
      { name: "Longrun Agent Panel", integrationType: { id: "embedded-client-app-interaction-widget" } },
      { name: "Longrun Data Actions", integrationType: { id: "custom-rest-actions" } },
    ]);
    const widget = fake.records.integrations.find((i) => i.name === "Longrun Agent Panel")!;
    const widgetConfig = seen.find((r) => r.method === "PUT" && r.path === `/api/v2/integrations/${widget.id}/config/current`)!.body as { properties: Record<string, unknown>; version: number };
    expect(widgetConfig.version).toBe(1);
    expect(widgetConfig.properties.url).toBe(`${base}/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}`);
    expect(widgetConfig.properties.sandbox).toContain("allow-scripts");
    expect(seen.find((r) => r.method === "PATCH" && r.path === `/api/v2/integrations/${widget.id}`)?.body).toEqual({ intendedState: "ENABLED" });
    expect(widget.intendedState).toBe("ENABLED");

    // Data actions: User Defined (OAuth) credentials pointing at Longrun's token endpoint, a working data-action client.
    const credentialPost = seen.find((r) => r.method === "POST" && r.path === "/api/v2/integrations/credentials")!.body as { type: { name: string }; credentialFields: Record<string, string> };
    expect(credentialPost.type).toEqual({ name: "userDefinedOAuth" });
    expect(credentialPost.credentialFields.loginUrl).toBe(`${base}/api/oauth/token`);
    const token = await issueAccessToken({ clientId: credentialPost.credentialFields.clientId!, clientSecret: credentialPost.credentialFields.clientSecret! }, undefined);
    expect(token.scope).toBe("workflows:read workflows:write processes:read processes:write");
    const actionsIntegration = fake.records.integrations.find((i) => i.name === "Longrun Data Actions")!;
    expect(actionsIntegration.config.credentials).toEqual({ userDefinedOAuth: { id: fake.records.credentials[0]!.id } });
    expect(fake.records.authActions[`customAuth_-_${actionsIntegration.id}`]?.published).toBe(true);
    const authDraft = fake.records.authActions[`customAuth_-_${actionsIntegration.id}`]!.draft as { config: { request: { requestUrlTemplate: string } } };
    expect(authDraft.config.request.requestUrlTemplate).toBe(`${base}/api/oauth/token`);
    expect(fake.records.actions.map((a) => a.name).sort()).toEqual(dataActions.map((a) => a.name).sort());
    for (const action of fake.records.actions) {
      expect(action.integrationId).toBe(actionsIntegration.id);
      expect(action.category).toBe("Longrun");
      expect((action.config as { request: { requestUrlTemplate: string } }).request.requestUrlTemplate.startsWith(`${base}/api/`)).toBe(true);
      expect(action.contract).toBeDefined();
    }

    // Signing secret: shown in this answer only, never in the audit log.
    const signing = results.find((r) => r.step === "signing-secret")!;
    expect(signing.secret).toMatch(/^whsec_/);
    expect((await activeSigningSecrets(orgId)).map((s) => s.secret)).toEqual([signing.secret]);
    const audit = await prisma.auditEntry.findMany({ where: { orgId } });
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain(signing.secret!);
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain(genesysClient.secret);
    expect(installComplete(await installState(orgId))).toBe(true);
  });

  it("creates nothing new on a second run, and keeps working credentials", async () => {
    fake = createPlatformFake();
    const orgId = randomUUID();
    await runAll(context(orgId));
    const counts = fake.counts();
    const prisma = await db();
    const clientsBefore = await prisma.apiClient.count({ where: { orgId } });
    const secretBefore = (await prisma.org.findUniqueOrThrow({ where: { id: orgId } })).genesysClientSecretEnc;
    seen.length = 0;

    const again = await runAll(context(orgId));
    expect(again.map((r) => r.status)).toEqual(installSteps.map(() => "found"));
    expect(again.some((r) => r.secret)).toBe(false);
    expect(fake.counts()).toEqual(counts);
    expect(creates()).toEqual([]);
    expect(await prisma.apiClient.count({ where: { orgId } })).toBe(clientsBefore);
    expect((await prisma.org.findUniqueOrThrow({ where: { id: orgId } })).genesysClientSecretEnc).toBe(secretBefore);
    expect(await prisma.signingSecret.count({ where: { orgId } })).toBe(1);
  });

  it("records a failed step, and a retry of that step alone completes the install without duplicates", async () => {
    fake = createPlatformFake();
    const orgId = randomUUID();
    const ctx = context(orgId);
    fake.failOnce("POST", "/api/v2/oauth/clients", 500);
    const first = await runAll(ctx);
    const failed = first.find((r) => r.step === "oauth-client")!;
    expect(failed.status).toBe("failed");
    expect(failed.summary).toContain("500");
    expect((await installState(orgId))["oauth-client"]?.status).toBe("failed");
    expect(installComplete(await installState(orgId))).toBe(false);

    const retry = await runInstallStep("oauth-client", ctx);
    expect(retry.status).toBe("created");
    expect(fake.records.oauthClients).toHaveLength(1);
    expect(installComplete(await installState(orgId))).toBe(true);
  });

  it("revokes the data-action client Genesys never received, and keeps the working one across a failed re-run", async () => {
    fake = createPlatformFake();
    const orgId = randomUUID();
    const ctx = context(orgId);
    fake.failOnce("POST", "/api/v2/integrations/credentials", 500);
    await runAll(ctx);
    expect((await installState(orgId))["data-actions"]?.status).toBe("failed");
    const prisma = await db();
    expect(await prisma.apiClient.count({ where: { orgId, revokedAt: null, name: { contains: "install wizard" } } })).toBe(0);
    expect((await runInstallStep("data-actions", ctx)).status).toBe("created");
    const live = await prisma.apiClient.findMany({ where: { orgId, revokedAt: null, name: { contains: "install wizard" } } });
    expect(live).toHaveLength(1);

    // A later run that fails half-way, then one that succeeds: the credentials keep the same client.
    fake.failOnce("GET", "/api/v2/integrations/actions", 500);
    expect((await runInstallStep("data-actions", ctx)).status).toBe("failed");
    expect((await runInstallStep("data-actions", ctx)).status).toBe("found");
    expect((await prisma.apiClient.findMany({ where: { orgId, revokedAt: null, name: { contains: "install wizard" } } })).map((c) => c.id)).toEqual([live[0]!.id]);
    expect((fake.records.credentials[0]!.credentialFields as { clientId: string }).clientId).toBe(live[0]!.id);
  });

  it("re-issues the OAuth client secret instead of creating a second client when Longrun lost it", async () => {
    fake = createPlatformFake();
    const orgId = randomUUID();
    await runAll(context(orgId));
    const prisma = await db();
    await prisma.org.update({ where: { id: orgId }, data: { genesysClientId: null, genesysClientSecretEnc: null } });
    const again = await runInstallStep("oauth-client", context(orgId));
    expect(again.status).toBe("updated");
    expect(fake.records.oauthClients).toHaveLength(1);
    const org = await prisma.org.findUniqueOrThrow({ where: { id: orgId } });
    expect(open(org.genesysClientSecretEnc!)).toBe(fake.records.oauthClients[0]!.secret);
  });

  it("refuses steps before the org is registered", async () => {
    fake = createPlatformFake();
    await expect(runInstallStep("role", context(randomUUID()))).rejects.toMatchObject({ code: "CONFLICT" });
    expect(fake.counts().roles).toBe(0);
  });

  it("uninstall removes what the wizard created in Genesys, then every row of the org", async () => {
    fake = createPlatformFake();
    const orgId = randomUUID();
    const ctx = context(orgId);
    await runAll(ctx);
    const result = await uninstall(ctx);
    expect(result.failed).toEqual([]);
    expect(result.dataDeleted).toBe(true);
    expect(fake.counts()).toEqual({ roles: 0, oauthClients: 0, integrations: 0, credentials: 0, actions: 0 });
    const prisma = await db();
    expect(await prisma.org.findUnique({ where: { id: orgId } })).toBeNull();
    expect(await prisma.apiClient.count({ where: { orgId } })).toBe(0);
    expect(await prisma.signingSecret.count({ where: { orgId } })).toBe(0);
    const audit = await prisma.auditEntry.findMany({ where: { orgId } });
    expect(audit.map((a) => a.action)).toEqual(["org.uninstalled"]);
    expect(audit[0]!.actor).toBe(ctx.actor);
  });

  it("keeps the data when a Genesys object cannot be removed, so the admin can retry", async () => {
    fake = createPlatformFake();
    const orgId = randomUUID();
    const ctx = context(orgId);
    await runAll(ctx);
    fake.failOnce("DELETE", "/api/v2/oauth/clients/{id}", 500);
    const first = await uninstall(ctx);
    expect(first.dataDeleted).toBe(false);
    expect(first.failed[0]).toContain("OAuth client");
    const prisma = await db();
    expect(await prisma.org.findUnique({ where: { id: orgId } })).not.toBeNull();
    const second = await uninstall(ctx);
    expect(second.dataDeleted).toBe(true);
    expect(fake.counts().oauthClients).toBe(0);
  });
});

describe("admin admission", () => {
  const profile = (orgId: string, permissions: string[]) => ({ id: randomUUID(), name: "Ada", organization: { id: orgId, name: "Acme" }, authorization: { permissions } });

  it("lets in admins of an installed org, and lets an installer reach the wizard of a new org", async () => {
    fake = createPlatformFake();
    const installedOrg = randomUUID();
    await runInstallStep("register", context(installedOrg));
    expect(await admissionOf(profile(installedOrg, ["integrations:integration:edit"]))).toEqual({ ok: true, installed: true, canInstall: false });
    expect(await admissionOf(profile(installedOrg, ["integrations:*:*"]))).toMatchObject({ ok: true, installed: true });
    const { installPermissions } = await import("@/lib/genesys/install-steps");
    expect(await admissionOf(profile(randomUUID(), [...installPermissions]))).toEqual({ ok: true, installed: false, canInstall: true });
  });

  it("refuses users without the admin permission, and admins of orgs that did not install Longrun", async () => {
    const installedOrg = randomUUID();
    fake = createPlatformFake();
    await runInstallStep("register", context(installedOrg));
    expect(await admissionOf(profile(installedOrg, ["conversation:communication:view"]))).toEqual({ ok: false, reason: "not_admin" });
    expect(await admissionOf(profile(randomUUID(), ["integrations:integration:edit"]))).toEqual({ ok: false, reason: "not_installed" });
    expect(await admissionOf({ id: "x", authorization: { permissions: ["*"] } })).toEqual({ ok: false, reason: "no_organization" });
  });
});
