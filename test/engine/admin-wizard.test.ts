// The install wizard's Platform API calls, made through the real SDK and
// intercepted with msw: the exact requests (role permissions, OAuth client
// grant type, integration types and config), idempotent re-runs, one failed
// step retried alone, and uninstall.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { issueAccessToken } from "@/lib/auth/client-credentials";
import { admissionOf } from "@/lib/auth/admin-auth-options";
import { dataActions } from "@/lib/api/data-action-contracts";
import { open } from "@/lib/crypto/secret-box";
import { db } from "@/lib/db/client";
import { installPlatform } from "@/lib/genesys/install-platform";
import { installComplete, installState, installSteps, runInstallStep, uninstall, type InstallContext } from "@/lib/genesys/install-steps";
import { activeSigningSecrets } from "@/lib/webhooks/signing-secrets";
import { createPlatformFake, type PlatformFake } from "@/test/support/genesys-stand-in";
import { bodyOfText } from "@/test/support/genesys-msw";

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
    seen.push({ method: request.method, path: url.pathname, authorization: request.headers.get("authorization"), body: bodyOfText(text) });
    const reply = fake.handle(request.method, url.pathname, url.searchParams, text);
    return reply.status === 204 ? new HttpResponse(null, { status: 204 }) : HttpResponse.json(reply.body as Record<string, unknown>, { status: reply.status });
  }),
  // An Architect job's upload URL (presigned storage, not the Platform API).
  http.put(/^https:\/\/api\.mypurecloud\.com\/stand-in-s3\/.*/, async ({ request }) => {
    const url = new URL(request.url);
    const reply = fake.architectJobs.upload(url.pathname, url.searchParams, Object.fromEntries(request.headers), await request.text());
    return HttpResponse.json(reply.body as Record<string, unknown>, { status: reply.status });
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
    grantPollMs: 5,
    flowJobPollMs: 5,
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
    const panelClient = fake.records.oauthClients.find((c) => c.name === "Longrun Agent Panel (PKCE)")!;
    expect(widgetConfig.properties.url).toBe(
      `${base}/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}&usePopupAuth={{gcUsePopupAuth}}&panelClientId=${panelClient.id}`,
    );
    // The panel's sign-in client: code grant (PKCE), redirecting to the panel, with the scopes users/me needs.
    expect(panelClient).toMatchObject({ authorizedGrantType: "CODE", registeredRedirectUri: [`${base}/panel`], scope: ["user-basic-info", "authorization:readonly", "conversations:readonly"] });
    // The Client App SDK lifecycle hooks the panel listens to.
    expect((widgetConfig as unknown as { advanced: unknown }).advanced).toEqual({ lifecycle: { ephemeral: false, hooks: { bootstrap: true, focus: true, blur: true, stop: true } } });
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
    // The credential sits in the slot Genesys reads (basicAuth, also for User Defined (OAuth)), so Genesys made the auth action.
    expect(actionsIntegration.config.credentials).toEqual({ basicAuth: { id: fake.records.credentials[0]!.id } });
    const authAction = fake.records.authActions[`customAuth_-_${actionsIntegration.id}`]!;
    expect(authAction.draft).toBeNull();
    expect(authAction.publications).toBe(1);
    expect((authAction.published.config as { request: { requestUrlTemplate: string } }).request.requestUrlTemplate).toBe(`${base}/api/oauth/token`);
    expect(fake.records.refusals).toEqual([]);
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
    // The auth action was read, found configured and left alone: no draft, no second publication.
    const auth = Object.values(fake.records.authActions)[0]!;
    expect(auth.publications).toBe(1);
    expect(seen.some((r) => r.path.includes("/draft"))).toBe(false);
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
    expect(fake.records.oauthClients.filter((c) => c.name === "Longrun Escalations")).toHaveLength(1);
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
    const escalationClients = fake.records.oauthClients.filter((c) => c.name === "Longrun Escalations");
    expect(escalationClients).toHaveLength(1);
    const org = await prisma.org.findUniqueOrThrow({ where: { id: orgId } });
    expect(open(org.genesysClientSecretEnc!)).toBe(escalationClients[0]!.secret);
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

describe("install wizard: Architect flows published through the Platform API", () => {
  it("publishes the shipped flows through Architect jobs, and the customer-ended trigger starts the workflow it published", async () => {
    fake = createPlatformFake();
    fake.records.flows.splice(0); // a fresh org: nobody published Longrun's flows with archy
    const ctx = context(randomUUID());
    const results = await runAll(ctx);
    expect(results.map((r) => [r.step, r.status])).toEqual(installSteps.map((s) => [s, "created"]));
    // One job per flow file, each file uploaded as it is in the repository, without the admin's token.
    expect(seen.filter((r) => r.method === "POST" && r.path === "/api/v2/flows/jobs")).toHaveLength(2);
    const files = await Promise.all(["long-running-timeout-handler.yaml", "longrun-customer-ended.yaml"].map((f) => readFile(path.join("genesys", "flows", f), "utf8")));
    expect(fake.architectJobs.uploads.map((u) => u.body)).toEqual(files);
    const published = fake.records.flows.filter((f) => f.publishedVersion);
    expect(published.map((f) => [f.name, f.type])).toEqual([
      ["Long Running Timeout Handler", "workflow"],
      ["Longrun Customer Ended", "workflow"],
    ]);
    const flowsStep = results.find((r) => r.step === "flows")!;
    expect(flowsStep.details["Longrun Customer Ended id"]).toBe(published[1]!.id);
    expect(fake.processAutomation.records.triggers[0]!.target.id).toBe(published[1]!.id);

    // A second run finds them and starts no job.
    seen.length = 0;
    const again = await runInstallStep("flows", context(ctx.orgId));
    expect(again.status).toBe("found");
    expect(seen.filter((r) => r.path.startsWith("/api/v2/flows/jobs"))).toEqual([]);
    expect(fake.architectJobs.uploads).toHaveLength(2);
  });

  it("leaves a flow the admin published with archy alone", async () => {
    fake = createPlatformFake(); // "Longrun Customer Ended" is already published there
    const before = fake.records.flows.find((f) => f.name === "Longrun Customer Ended")!;
    const ctx = context(randomUUID());
    await runAll(ctx);
    const result = await runInstallStep("flows", ctx);
    expect(result.status).toBe("found");
    expect(result.summary).toContain('"Longrun Customer Ended" is already published (not by this wizard');
    expect(fake.architectJobs.uploads.map((u) => u.body.includes("name: Longrun Customer Ended"))).toEqual([false]);
    expect(before.publishedVersion).toEqual({ id: "1.0" });
  });

  it("fails the step with Architect's own messages when a flow uses data actions the org lacks", async () => {
    fake = createPlatformFake({ importedDataActions: [] }); // the Genesys Cloud data actions were never imported
    fake.records.flows.splice(0);
    const ctx = context(randomUUID());
    for (const step of installSteps.slice(0, installSteps.indexOf("flows"))) await runInstallStep(step, ctx);
    const result = await runInstallStep("flows", ctx);
    expect(result.status).toBe("failed");
    expect(result.summary).toContain("Unable to find data action 'Longrun - Get IVR Participant' in category 'Genesys Cloud'");
    expect(fake.records.flows.some((f) => f.name === "Long Running Timeout Handler")).toBe(false);
    expect(installComplete(await installState(ctx.orgId))).toBe(false);
  });

  it("the upload URL refuses what presigned storage refuses: a Genesys token, a missing signed header, a reused or forged URL, an empty file", async () => {
    fake = createPlatformFake();
    const register = () => fake.handle("POST", "/api/v2/flows/jobs", new URLSearchParams(), "").body as { presignedUrl: string; headers: Record<string, string> };
    const put = (job: { presignedUrl: string }, headers: Record<string, string>, body = "workflow:\n  name: X\n") => {
      const url = new URL(job.presignedUrl);
      return fake.architectJobs.upload(url.pathname, url.searchParams, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body).status;
    };
    const job = register();
    expect(put(job, { ...job.headers, Authorization: `Bearer ${adminToken}` })).toBe(400);
    expect(put(job, { "Content-Type": "application/octet-stream" })).toBe(403);
    expect(put({ presignedUrl: job.presignedUrl.replace(/Signature=\w+/, "Signature=forged") }, job.headers)).toBe(403);
    expect(put(job, job.headers, "  ")).toBe(400);
    expect(put(job, job.headers)).toBe(200);
    expect(put(job, job.headers)).toBe(403);
  });
});

describe("install wizard against Genesys's rules", () => {
  const oauthCredential = { name: "c", type: { name: "userDefinedOAuth" }, credentialFields: { clientId: "a", clientSecret: "b", loginUrl: `${base}/api/oauth/token` } };

  it("Genesys makes the custom auth action only for a User Defined (OAuth) credential in the basicAuth slot", async () => {
    fake = createPlatformFake();
    const platform = installPlatform("mypurecloud.com", adminToken);
    const credential = await platform.createCredential(oauthCredential);
    const wrong = await platform.createIntegration("wrong slot", "custom-rest-actions");
    await platform.configureIntegration(wrong.id, { name: "wrong slot", properties: {}, advanced: {}, credentials: { userDefinedOAuth: { id: credential.id } } });
    expect(fake.records.authActions[`customAuth_-_${wrong.id}`]).toBeUndefined();
    await expect(platform.configureAuthAction(wrong.id, { request: {} })).rejects.toMatchObject({ status: 404 });

    const right = await platform.createIntegration("right slot", "custom-rest-actions");
    await platform.configureIntegration(right.id, { name: "right slot", properties: {}, advanced: {}, credentials: { basicAuth: { id: credential.id } } });
    expect(fake.records.authActions[`customAuth_-_${right.id}`]?.published.version).toBe(1);
  });

  it("patching or publishing the auth action with a stale version is refused with 409; the wizard uses the versions Genesys returns", async () => {
    fake = createPlatformFake();
    const platform = installPlatform("mypurecloud.com", adminToken);
    const credential = await platform.createCredential(oauthCredential);
    const integration = await platform.createIntegration("x", "custom-rest-actions");
    await platform.configureIntegration(integration.id, { name: "x", properties: {}, advanced: {}, credentials: { basicAuth: { id: credential.id } } });
    const id = `customAuth_-_${integration.id}`;
    const q = new URLSearchParams();
    expect(fake.handle("POST", `/api/v2/integrations/actions/${id}/draft`, q, "").status).toBe(200);
    // The fixed version 1 Longrun once sent: refused, the draft is newer than the published action.
    expect(fake.handle("PATCH", `/api/v2/integrations/actions/${id}/draft`, q, JSON.stringify({ version: 1, config: {} })).status).toBe(409);
    const draftVersion = fake.records.authActions[id]!.draft!.version;
    expect(fake.handle("PATCH", `/api/v2/integrations/actions/${id}/draft`, q, JSON.stringify({ version: draftVersion, config: { request: {} } })).status).toBe(200);
    expect(fake.handle("POST", `/api/v2/integrations/actions/${id}/draft/publish`, q, JSON.stringify({ version: draftVersion })).status).toBe(409);

    // The wizard's own path reuses the open draft and publishes what Genesys returned.
    const config = { request: { requestUrlTemplate: `${base}/api/oauth/token` }, response: {} };
    expect(await platform.configureAuthAction(integration.id, config)).toBe("updated");
    expect(fake.records.authActions[id]).toMatchObject({ draft: null, publications: 1, published: { config } });
    expect(await platform.configureAuthAction(integration.id, config)).toBe("found");
    expect(fake.records.authActions[id]!.publications).toBe(1);
  });

  it("repairs an install whose credential sat in the wrong slot, and configures the auth action Genesys then makes", async () => {
    fake = createPlatformFake();
    const orgId = randomUUID();
    const ctx = context(orgId);
    await runAll(ctx);
    const integration = fake.records.integrations.find((i) => i.name === "Longrun Data Actions")!;
    // What the old wizard left behind: the credential under userDefinedOAuth, so no auth action at all.
    integration.config = { ...integration.config, credentials: { userDefinedOAuth: { id: fake.records.credentials[0]!.id } } };
    delete fake.records.authActions[`customAuth_-_${integration.id}`];
    const again = await runInstallStep("data-actions", ctx);
    expect(again.status).toBe("updated");
    expect(integration.config.credentials).toEqual({ basicAuth: { id: fake.records.credentials[0]!.id } });
    expect(fake.records.authActions[`customAuth_-_${integration.id}`]!.publications).toBe(1);
  });

  it("gives the installer the role even when it already existed (a second admin installs)", async () => {
    fake = createPlatformFake();
    const first = context(randomUUID());
    await runAll(first);
    const secondAdmin = "99999999-2222-3333-4444-555555555555";
    const ctx = { ...context(randomUUID()), userId: secondAdmin, platform: installPlatform("mypurecloud.com", adminToken) };
    // The second admin calls as themselves.
    const handle = fake.handle.bind(fake);
    fake.handle = (m, p, q, b) => handle(m, p, q, b, secondAdmin);
    const role = await runInstallStep("register", ctx).then(() => runInstallStep("role", ctx));
    expect(role.status).toBe("found");
    expect(role.summary).toContain("gave you the role");
    expect(fake.records.roleMembers[fake.records.roles[0]!.id]).toEqual(expect.arrayContaining([first.userId, secondAdmin]));
    fake.handle = handle;
  });

  it("waits until users/me shows the grant before it creates the client-credentials client", async () => {
    fake = createPlatformFake({ grantVisibleAfterReads: 3 });
    const ctx = context(randomUUID());
    await runInstallStep("register", ctx);
    await runInstallStep("role", ctx);
    const client = await runInstallStep("oauth-client", ctx);
    expect(client.status).toBe("created");
    const order = seen.map((r) => `${r.method} ${r.path}`);
    const created = order.indexOf("POST /api/v2/oauth/clients");
    expect(order.slice(0, created).filter((r) => r === "GET /api/v2/users/me").length).toBeGreaterThanOrEqual(3);
    expect(fake.records.refusals).toEqual([]);
  });

  it("Genesys refuses a client-credentials client with a role the admin does not hold", async () => {
    fake = createPlatformFake();
    const ctx = context(randomUUID());
    await runInstallStep("register", ctx);
    await runInstallStep("role", ctx);
    const roleId = fake.records.roles[0]!.id;
    fake.records.roleMembers[roleId] = [];
    const platform = installPlatform("mypurecloud.com", adminToken);
    await expect(platform.createOAuthClient({ name: "x", authorizedGrantType: "CLIENT-CREDENTIALS", roleDivisions: [{ roleId, divisionId: "d" }] })).rejects.toMatchObject({ status: 400 });
    expect(fake.records.refusals.map((r) => r.message)).toEqual([`you cannot grant roles you do not hold: ${roleId}`]);
    // The wizard step does not send that request: it waits for the grant, then says what to do.
    const step = await runInstallStep("oauth-client", ctx);
    expect(step.status).toBe("failed");
    expect(step.summary).toContain("does not show you holding the role");
    expect(fake.records.oauthClients).toHaveLength(0);
  });

  describe("with the AppFoundry checks on", () => {
    beforeAll(() => {
      process.env.GENESYS_APPFOUNDRY_CHECKS = "on";
      resetEnvCache();
    });
    afterAll(() => {
      process.env.GENESYS_APPFOUNDRY_CHECKS = "off";
      resetEnvCache();
    });

    it("installs nothing into an org without the Longrun product, and says why", async () => {
      fake = createPlatformFake({ integrationTypes: ["custom-rest-actions", "embedded-client-app-interaction-widget"] });
      const ctx = context(randomUUID());
      const result = await runInstallStep("register", ctx);
      expect(result.status).toBe("failed");
      expect(result.summary).toContain('integration type "premium-app-example"');
      expect(seen.some((r) => r.path === "/api/v2/integrations/types")).toBe(true);
      expect(seen.filter((r) => r.method !== "GET")).toEqual([]);
      const prisma = await db();
      expect(await prisma.org.findUnique({ where: { id: ctx.orgId } })).toBeNull();
    });

    it("installs into an org with the product, and the role carries the app's view permission", async () => {
      fake = createPlatformFake();
      const results = await runAll(context(randomUUID()));
      expect(results.map((r) => r.status)).toEqual(installSteps.map(() => "created"));
      expect(fake.records.roles[0]!.permissionPolicies).toContainEqual({ domain: "integration", entityName: "examplePremiumApp", actionSet: ["view"], allowConditions: false });
    });
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
