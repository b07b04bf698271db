// The install wizard (premium-app pattern): each step creates what Longrun
// needs in the admin's Genesys org — or finds it again by name on a re-run —
// and records its outcome as an AuditEntry ("install.step"), so the wizard
// page shows where an install stands, any step can be retried alone, and the
// whole run is idempotent. Uninstall removes the same objects, then the org's data.
import { clock } from "@/lib/clock";
import { createApiClient } from "@/lib/auth/client-credentials";
import { customAuthConfig, dataActionFile, dataActions } from "@/lib/api/data-action-contracts";
import { db, transactionOptions } from "@/lib/db/client";
import { appFoundry } from "@/lib/genesys/app-foundry";
import { AppError } from "@/lib/errors/app-error";
import { forgetGenesysClient } from "@/lib/genesys/genesys-client";
import { InstallApiError, type Entity, type InstallPlatform, type PermissionPolicy } from "@/lib/genesys/install-platform";
import { architectJobsPlatform, flowsInstallPermissions, installFlows, publishedFlows } from "@/lib/genesys/install-flows";
import { customerEndedInstallPermissions, customerEndedNames, customerEndedTopic, installCustomerEndedTrigger, processAutomationPlatform } from "@/lib/genesys/install-customer-ended-trigger";
import { configureOrg } from "@/lib/orgs/org-configuration";
import { writeAudit } from "@/lib/security/security-audit";
import { addSigningSecret, listSigningSecrets } from "@/lib/webhooks/signing-secrets";

/** Every object the wizard creates carries one of these names: a re-run and uninstall find them by it. */
export const installNames = {
  role: "Longrun Escalations",
  oauthClient: "Longrun Escalations",
  panelClient: "Longrun Agent Panel (PKCE)",
  widget: "Longrun Agent Panel",
  dataActions: "Longrun Data Actions",
  credential: "Longrun Data Actions (OAuth)",
} as const;

export const widgetIntegrationType = "embedded-client-app-interaction-widget";
export const dataActionsIntegrationType = "custom-rest-actions";
export const dataActionCategory = "Longrun";

/** What Longrun's escalations call: flow launch and status, callbacks, conversation state (GENESYS.md §2–4). */
export const escalationPermissions = [
  "architect:flow:launch",
  "architect:flowExecution:view",
  "conversation:callback:create",
  "conversation:communication:view",
  // Notices to customers nobody else can reach (lib/genesys/genesys-messaging.ts).
  "conversation:message:create",
  "conversation:agentlessEmail:send",
] as const;

/** What the installing admin must hold to create those objects (GENESYS.md §8). */
export const installPermissions = [
  "integrations:integration:view",
  "integrations:integration:add",
  "integrations:integration:edit",
  "authorization:role:view",
  "authorization:role:add",
  "authorization:grant:add",
  "oauth:client:view",
  "oauth:client:add",
  "oauth:client:edit",
  "integrations:action:add",
  "integrations:action:edit",
  ...flowsInstallPermissions,
  ...customerEndedInstallPermissions,
] as const;

export const installSteps = ["register", "role", "oauth-client", "panel-client", "widget", "data-actions", "signing-secret", "flows", "customer-ended"] as const;
/** A step's title is no English copy here: the i18n catalogues' wizard.steps.<step>, in every language. */
export type InstallStep = (typeof installSteps)[number];

export function isInstallStep(value: string): value is InstallStep {
  return (installSteps as readonly string[]).includes(value);
}

export type StepStatus = "created" | "found" | "updated" | "failed";

export interface StepResult {
  step: InstallStep;
  status: StepStatus;
  summary: string;
  details: Record<string, string | number>;
  at: string;
  actor: string;
  /** Only in the answer of the run that made it (the signing secret): never stored. */
  secret?: string;
}

export interface InstallContext {
  orgId: string;
  orgName: string | null;
  region: string;
  /** Genesys user id of the admin (granted the role so that they may hand it to the OAuth client). */
  userId: string;
  /** "admin:<name> (<userId>)" in the audit log. */
  actor: string;
  publicBaseUrl: string;
  platform: InstallPlatform;
  /** How often the oauth-client step asks users/me whether the role grant shows yet (tests shorten it). */
  grantPollMs?: number;
  /** The admin's Genesys token, for steps with their own Platform API module (flows, customer-ended). */
  accessToken?: string;
  /** How often the flows step asks whether an Architect job has finished (tests shorten it). */
  flowJobPollMs?: number;
}

/**
 * The interaction widget's URL. {{gcUsePopupAuth}} tells the panel to sign in in a popup where the
 * identity provider will not load inside the desktop's frame; the query name usePopupAuth is the one
 * the Client App SDK's own example reads (MyPureCloud/client-app-sdk examples/urlInterpolationDemo.html).
 * panelClientId names the org's PKCE client (created by the panel-client step).
 */
export function widgetUrl(publicBaseUrl: string, panelClientId?: string | null): string {
  const base = `${publicBaseUrl.replace(/\/+$/, "")}/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}&usePopupAuth={{gcUsePopupAuth}}`;
  return panelClientId ? `${base}&panelClientId=${encodeURIComponent(panelClientId)}` : base;
}

/** Where Genesys sends the agent back after the panel's PKCE sign-in (a registered redirect URI of the panel client). */
export function panelRedirectUri(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/panel`;
}

/**
 * The widget opts in to the Client App SDK lifecycle hooks the panel listens to (bootstrap, focus,
 * blur, stop), in the advanced configuration format of MyPureCloud/client-app-sdk src/modules/lifecycle.ts.
 * Not ephemeral: the panel keeps its state while the agent looks at another tab.
 */
export const widgetAdvancedConfig = { lifecycle: { ephemeral: false, hooks: { bootstrap: true, focus: true, blur: true, stop: true } } } as const;


/** "architect:flow:launch" ×n → one policy per domain and entity, as Genesys stores them. */
export function permissionPolicies(permissions: readonly string[]): PermissionPolicy[] {
  const grouped = new Map<string, PermissionPolicy>();
  for (const permission of permissions) {
    const [domain, entityName, action] = permission.split(":") as [string, string, string];
    const key = `${domain}:${entityName}`;
    const policy = grouped.get(key) ?? { domain, entityName, actionSet: [], allowConditions: false };
    policy.actionSet.push(action);
    grouped.set(key, policy);
  }
  return [...grouped.values()];
}

function holds(policies: unknown, permission: string): boolean {
  const [domain, entityName, action] = permission.split(":");
  return Array.isArray(policies) && policies.some((p: { domain?: string; entityName?: string; actionSet?: string[] }) =>
    p.domain === domain && (p.entityName === entityName || p.entityName === "*") && (p.actionSet ?? []).some((a) => a === action || a === "*"));
}

/** The latest outcome of each step for an org (from the audit log). */
export async function installState(orgId: string): Promise<Partial<Record<InstallStep, StepResult>>> {
  const prisma = await db();
  const rows = await prisma.auditEntry.findMany({ where: { orgId, action: "install.step" }, orderBy: { id: "desc" }, take: 500 });
  const state: Partial<Record<InstallStep, StepResult>> = {};
  for (const row of rows) {
    const result = row.data as unknown as StepResult | null;
    if (result && isInstallStep(result.step) && !state[result.step]) state[result.step] = result;
  }
  return state;
}

export function installComplete(state: Partial<Record<InstallStep, StepResult>>): boolean {
  return installSteps.every((step) => state[step] && state[step].status !== "failed");
}

/** A detail of the step's latest successful run (a failed retry in between records none). */
async function previousDetail(orgId: string, step: InstallStep, key: string): Promise<string | null> {
  const prisma = await db();
  const rows = await prisma.auditEntry.findMany({ where: { orgId, action: "install.step" }, orderBy: { id: "desc" }, take: 500 });
  for (const row of rows) {
    const result = row.data as unknown as StepResult | null;
    if (result?.step === step && result.status !== "failed") {
      const value = result.details[key];
      return typeof value === "string" && value !== "" ? value : null;
    }
  }
  return null;
}

type Outcome = Omit<StepResult, "step" | "at" | "actor">;

/** Config keys Longrun sets, compared with what Genesys holds (it may add keys of its own). */
function sameConfig(current: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).every(([key, value]) => JSON.stringify(sortKeys(current[key])) === JSON.stringify(sortKeys(value)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]));
}

/** The AppFoundry product check of the premium-app wizard (main.js validateProductAvailability), before anything is installed. */
async function requireProduct(ctx: InstallContext): Promise<void> {
  const { on, typeId } = appFoundry();
  if (!on) return;
  if (!(await ctx.platform.hasIntegrationType(typeId))) {
    throw new InstallApiError(
      "check the Longrun product",
      null,
      `this organization does not have the Longrun premium app (integration type "${typeId}"): get it from AppFoundry first, or set GENESYS_APPFOUNDRY_CHECKS=off for a self-hosted Longrun`,
    );
  }
}

/** Attempts the oauth-client step makes before it gives up waiting for the grant to show. */
const grantPollAttempts = 20;

/**
 * Genesys refuses an OAuth client with a role the admin does not hold, and a fresh grant takes a
 * moment to show: poll users/me?expand=authorization until it does, as the premium-app wizard does
 * (docs/wizard/scripts/modules/oauth-client.js configure()).
 */
async function waitForRoleGrant(ctx: InstallContext, roleId: string): Promise<void> {
  for (let attempt = 1; attempt <= grantPollAttempts; attempt++) {
    if ((await ctx.platform.me()).roleIds.includes(roleId)) return;
    await new Promise((resolve) => setTimeout(resolve, ctx.grantPollMs ?? 1_000));
  }
  throw new InstallApiError("wait for your role grant", null, `Genesys does not show you holding the role "${installNames.role}" yet; run the role step again, then this one`);
}

const run: Record<InstallStep, (ctx: InstallContext) => Promise<Outcome>> = {
  async register(ctx) {
    const prisma = await db();
    const existing = await prisma.org.findUnique({ where: { id: ctx.orgId } });
    if (existing) return { status: "found", summary: `${existing.name ?? ctx.orgId} is registered (region ${existing.region})`, details: { orgId: ctx.orgId, region: existing.region } };
    await prisma.$transaction(async (tx) => {
      await tx.org.create({ data: { id: ctx.orgId, region: ctx.region, name: ctx.orgName } });
      await writeAudit({ orgId: ctx.orgId, actor: ctx.actor, action: "org.registered", data: { region: ctx.region, name: ctx.orgName } }, tx);
    }, transactionOptions);
    return { status: "created", summary: `registered ${ctx.orgName ?? ctx.orgId} (region ${ctx.region})`, details: { orgId: ctx.orgId, region: ctx.region } };
  },

  async role(ctx) {
    // With the AppFoundry checks on, the role also carries the app's view permission (the premium-app
    // wizard's role holds integration:<app>:*), so the installer keeps reaching /admin.
    const permissions = [...escalationPermissions, ...(appFoundry().on ? [appFoundry().viewPermission] : [])];
    const policies = permissionPolicies(permissions);
    const body = { name: installNames.role, description: "Longrun: launch the timeout-handler flow, create callbacks, read conversations, message customers (agentless SMS and email).", permissionPolicies: policies };
    const existing = await ctx.platform.findRole(installNames.role);
    const division = await ctx.platform.homeDivision();
    let outcome: Outcome;
    let roleId: string;
    if (existing) {
      roleId = existing.id;
      const missing = permissions.filter((p) => !holds(existing.permissionPolicies, p));
      if (missing.length === 0) outcome = { status: "found", summary: `role "${installNames.role}" already holds the permissions`, details: { roleId, divisionId: division.id } };
      else {
        await ctx.platform.updateRole(existing.id, body);
        outcome = { status: "updated", summary: `role "${installNames.role}" was missing ${missing.join(", ")}; added`, details: { roleId, divisionId: division.id } };
      }
    } else {
      roleId = (await ctx.platform.createRole(body)).id;
      outcome = { status: "created", summary: `created role "${installNames.role}" with ${permissions.join(", ")}`, details: { roleId, divisionId: division.id } };
    }
    // Genesys lets an admin give an OAuth client only roles they hold themselves, so the installer is
    // always a member — also when the role existed (a second admin installs), as the premium-app wizard
    // does (docs/wizard/scripts/modules/role.js configure(): putAuthorizationRoleUsersAdd).
    const me = await ctx.platform.me();
    if (!me.roleIds.includes(roleId)) {
      await ctx.platform.addRoleMembers(roleId, [ctx.userId]);
      outcome = { ...outcome, summary: `${outcome.summary}; gave you the role so that you may grant it to Longrun's OAuth client` };
    }
    return outcome;
  },

  async "oauth-client"(ctx) {
    const role = await ctx.platform.findRole(installNames.role);
    if (!role) throw new AppError("CONFLICT", "the role does not exist yet: run the role step first");
    const division = await ctx.platform.homeDivision();
    const prisma = await db();
    const org = await prisma.org.findUniqueOrThrow({ where: { id: ctx.orgId } });
    const existing = await ctx.platform.findOAuthClient(installNames.oauthClient);
    if (existing && org.genesysClientId === existing.id && org.genesysClientSecretEnc) {
      return { status: "found", summary: `OAuth client "${installNames.oauthClient}" exists and Longrun holds its secret`, details: { clientId: existing.id, roleId: role.id } };
    }
    if (existing) {
      // The client exists but Longrun lost (or never stored) its secret: issue a new one rather than a second client.
      await waitForRoleGrant(ctx, role.id);
      const renewed = await ctx.platform.regenerateOAuthClientSecret(existing.id);
      if (!renewed.secret) throw new InstallApiError("regenerate OAuth client secret", null, "Genesys returned no secret");
      await configureOrg(ctx.orgId, { genesysClientId: existing.id, genesysClientSecret: renewed.secret }, ctx.actor);
      return { status: "updated", summary: `OAuth client "${installNames.oauthClient}" existed; issued a new secret and stored it encrypted`, details: { clientId: existing.id, roleId: role.id } };
    }
    await waitForRoleGrant(ctx, role.id);
    const created = await ctx.platform.createOAuthClient({
      name: installNames.oauthClient,
      description: "Longrun escalations (timeout-handler flow, callbacks). Created by the Longrun install wizard.",
      authorizedGrantType: "CLIENT-CREDENTIALS",
      roleDivisions: [{ roleId: role.id, divisionId: division.id }],
      accessTokenValiditySeconds: 86400,
    });
    if (!created.secret) throw new InstallApiError("create OAuth client", null, "Genesys returned no secret");
    await configureOrg(ctx.orgId, { genesysClientId: created.id, genesysClientSecret: created.secret }, ctx.actor);
    forgetGenesysClient(ctx.orgId);
    return { status: "created", summary: `created OAuth client "${installNames.oauthClient}" (client credentials); its secret is stored encrypted`, details: { clientId: created.id, roleId: role.id } };
  },

  async "panel-client"(ctx) {
    // Implicit-grant clients are no longer issued (GENESYS.md §0): the panel signs agents in with the
    // authorization code grant and PKCE, which is an OAuth client of authorizedGrantType "CODE" — the
    // SDK models' enum (CODE | TOKEN | SAML2-BEARER | PASSWORD | CLIENT-CREDENTIALS) has no separate PKCE
    // value and describes "PKCE-Enabled Code Authorization" under CODE (platform-client-sdk-java
    // build/docs/OAuthClientRequest.md); the premium-app wizard signs in with loginPKCEGrant on such a
    // client (docs/wizard/scripts/main.js; config/sample-provisioning-info.js "OAuth AuthCode Client").
    // Scopes must be set for non-client-credentials clients (terraform-provider-genesyscloud
    // oauth_client schema); users/me with its authorization needs user-basic-info and authorization:readonly,
    // and reading the conversation's participant attribute workflow_id (GET /api/v2/conversations/{id})
    // conversations:readonly (the scope names in MyPureCloud's premium-app-example wizard config).
    const redirectUri = panelRedirectUri(ctx.publicBaseUrl);
    const body = {
      name: installNames.panelClient,
      description: "Longrun agent panel: agents sign in with their own Genesys account (authorization code with PKCE). Created by the Longrun install wizard.",
      authorizedGrantType: "CODE",
      registeredRedirectUri: [redirectUri],
      scope: ["user-basic-info", "authorization:readonly", "conversations:readonly"],
      accessTokenValiditySeconds: 86400,
    };
    const existing = await ctx.platform.findOAuthClient(installNames.panelClient);
    if (existing) {
      const uris = (existing.registeredRedirectUri as string[] | undefined) ?? [];
      const scopes = (existing.scope as string[] | undefined) ?? [];
      if (existing.authorizedGrantType === "CODE" && uris.includes(redirectUri) && body.scope.every((scope) => scopes.includes(scope))) {
        return { status: "found", summary: `OAuth client "${installNames.panelClient}" (code grant with PKCE) redirects to ${redirectUri}`, details: { panelClientId: existing.id, redirectUri } };
      }
      await ctx.platform.updateOAuthClient(existing.id, { ...body, registeredRedirectUri: [...new Set([...uris, redirectUri])] });
      return { status: "updated", summary: `OAuth client "${installNames.panelClient}" now uses the code grant and redirects to ${redirectUri}`, details: { panelClientId: existing.id, redirectUri } };
    }
    const created = await ctx.platform.createOAuthClient(body);
    return { status: "created", summary: `created OAuth client "${installNames.panelClient}" (code grant with PKCE) redirecting to ${redirectUri}`, details: { panelClientId: created.id, redirectUri } };
  },

  async widget(ctx) {
    const url = widgetUrl(ctx.publicBaseUrl, await previousDetail(ctx.orgId, "panel-client", "panelClientId"));
    const existing = await ctx.platform.findIntegration(installNames.widget, widgetIntegrationType);
    const integration = existing ?? (await ctx.platform.createIntegration(installNames.widget, widgetIntegrationType));
    const config = {
      name: installNames.widget,
      notes: "Installed by Longrun. Shows the conversation's long-running workflows to the agent.",
      properties: {
        url,
        sandbox: "allow-forms,allow-modals,allow-popups,allow-presentation,allow-same-origin,allow-scripts,allow-downloads",
        permissions: "clipboard-write",
        groups: [],
        queueIdFilterList: [],
        communicationTypeFilter: "call, callback, chat, email, message",
      },
      advanced: widgetAdvancedConfig,
      credentials: {},
    };
    const current = existing ? await ctx.platform.readIntegrationConfig(integration.id) : null;
    const upToDate = current !== null && sameConfig(current, config) && existing?.intendedState === "ENABLED";
    if (!upToDate) {
      await ctx.platform.configureIntegration(integration.id, config);
      await ctx.platform.enableIntegration(integration.id);
    }
    return {
      status: !existing ? "created" : upToDate ? "found" : "updated",
      summary: `${!existing ? "created" : upToDate ? "found" : "updated"} interaction widget "${installNames.widget}" → ${url}`,
      details: { integrationId: integration.id, url },
    };
  },

  async "data-actions"(ctx) {
    const prisma = await db();
    const tokenUrl = `${ctx.publicBaseUrl.replace(/\/+$/, "")}/api/oauth/token`;
    const credentialBody = (clientId: string, clientSecret: string) => ({
      name: installNames.credential,
      type: { name: "userDefinedOAuth" },
      credentialFields: { clientId, clientSecret, loginUrl: tokenUrl },
    });
    let created = 0;
    let found = 0;
    // The data-action client whose secret the credential holds: reused while it is alive, replaced otherwise.
    const knownClientId = await previousDetail(ctx.orgId, "data-actions", "apiClientId");
    const knownClient = knownClientId ? await prisma.apiClient.findFirst({ where: { id: knownClientId, orgId: ctx.orgId, revokedAt: null } }) : null;
    let credential = await ctx.platform.findCredential(installNames.credential);
    let apiClientId = knownClient?.id ?? null;
    let credentialStatus: "found" | "created" | "updated" = "found";
    if (!credential || !knownClient) {
      const client = await createApiClient(ctx.orgId, "Genesys data actions (install wizard)");
      apiClientId = client.clientId;
      await writeAudit({ orgId: ctx.orgId, actor: ctx.actor, action: "api_client.created", data: { clientId: client.clientId, purpose: "Genesys data actions" } });
      try {
        if (credential) {
          await ctx.platform.updateCredential(credential.id, credentialBody(client.clientId, client.clientSecret));
          credentialStatus = "updated";
        } else {
          credential = await ctx.platform.createCredential(credentialBody(client.clientId, client.clientSecret));
          credentialStatus = "created";
          created++;
        }
      } catch (error) {
        // Genesys never got this client's secret: revoke it rather than leave an unusable client behind.
        await prisma.apiClient.update({ where: { id: client.clientId }, data: { revokedAt: clock.now() } });
        throw error;
      }
    } else found++;

    const existing = await ctx.platform.findIntegration(installNames.dataActions, dataActionsIntegrationType);
    const integration: Entity = existing ?? (await ctx.platform.createIntegration(installNames.dataActions, dataActionsIntegrationType));
    if (existing) found++;
    else created++;
    // Genesys reads the credential from credentials.basicAuth whatever its type — also User Defined
    // (OAuth) — and only then creates the custom auth action (purecloud-premium-app
    // docs/wizard/scripts/modules/ws-data-actions.js; terraform-provider-genesyscloud
    // docs/guides/custom_auth_action.md). An install made with another slot is repaired here.
    const bound = existing ? ((await ctx.platform.readIntegrationConfig(integration.id)).credentials as { basicAuth?: { id?: string } } | undefined)?.basicAuth?.id : undefined;
    if (!existing || credentialStatus !== "found" || bound !== credential.id) {
      await ctx.platform.configureIntegration(integration.id, {
        name: installNames.dataActions,
        notes: "Installed by Longrun. Calls Longrun's API with a client-credentials token from Longrun's token endpoint.",
        properties: {},
        advanced: {},
        credentials: { basicAuth: { id: credential.id } },
      });
      await ctx.platform.enableIntegration(integration.id);
      if (existing && credentialStatus === "found") credentialStatus = "updated";
    }
    const auth = customAuthConfig(ctx.publicBaseUrl) as { config: Record<string, unknown> };
    const authAction = await ctx.platform.configureAuthAction(integration.id, auth.config);
    if (authAction === "updated" && credentialStatus === "found" && existing) credentialStatus = "updated";

    const present = new Set((await ctx.platform.listActions(integration.id)).map((a) => a.name));
    for (const action of dataActions) {
      if (present.has(action.name)) {
        found++;
        continue;
      }
      const { integrationType: _type, actionType: _kind, ...file } = dataActionFile(action, ctx.publicBaseUrl) as Record<string, unknown>;
      await ctx.platform.createAction({ ...file, category: dataActionCategory, integrationId: integration.id });
      created++;
    }
    return {
      status: created > 0 ? "created" : credentialStatus === "updated" ? "updated" : "found",
      summary: `integration "${installNames.dataActions}" with ${dataActions.length} data actions (${created} created, ${found} found); credentials call ${tokenUrl}`,
      details: { integrationId: integration.id, credentialId: credential.id, apiClientId: apiClientId ?? "", actions: dataActions.length, created, found },
    };
  },

  async "signing-secret"(ctx) {
    const active = (await listSigningSecrets(ctx.orgId)).filter((s) => !s.revokedAt);
    if (active.length > 0) {
      return { status: "found", summary: `${active.length} active signing secret(s); a secret is shown only once — rotate under Settings for a new one`, details: { secretId: active[0]!.id } };
    }
    const secret = await addSigningSecret(ctx.orgId);
    await writeAudit({ orgId: ctx.orgId, actor: ctx.actor, action: "signing_secret.created", data: { secretId: secret.id } });
    return { status: "created", summary: "created the webhook signing secret: copy it now, it is not shown again", details: { secretId: secret.id }, secret: secret.secret };
  },

  async flows(ctx) {
    if (!ctx.accessToken) throw new InstallApiError("publish flows", 401, "no Genesys token in this session");
    const published: Record<string, string> = {};
    for (const flow of publishedFlows) {
      const hash = await previousDetail(ctx.orgId, "flows", `${flow.name} hash`);
      if (hash) published[flow.name] = hash;
    }
    return installFlows(architectJobsPlatform(ctx.region, ctx.accessToken), { published, ...(ctx.flowJobPollMs ? { pollMs: ctx.flowJobPollMs } : {}) });
  },

  "customer-ended": (ctx) => installCustomerEndedTrigger(customerEndedPlatform(ctx)),
};

function customerEndedPlatform(ctx: InstallContext) {
  if (!ctx.accessToken) throw new InstallApiError("customer-ended trigger", 401, "no Genesys token in this session");
  return processAutomationPlatform(ctx.region, ctx.accessToken);
}

/** Runs one step and records its outcome (success or failure) in the audit log. */
export async function runInstallStep(step: InstallStep, ctx: InstallContext): Promise<StepResult> {
  const prisma = await db();
  if (step !== "register" && !(await prisma.org.findUnique({ where: { id: ctx.orgId }, select: { id: true } }))) {
    throw new AppError("CONFLICT", "register the organization first (step 1)");
  }
  let result: StepResult;
  try {
    await requireProduct(ctx);
    const outcome = await run[step](ctx);
    result = { ...outcome, step, at: clock.now().toISOString(), actor: ctx.actor };
  } catch (error) {
    if (error instanceof AppError && error.status < 500) throw error;
    const message =
      error instanceof InstallApiError && error.status === 401
        ? `${error.message} — your Genesys sign-in has expired: sign out and sign in again, then retry this step`
        : error instanceof Error
          ? error.message
          : String(error);
    result = { step, status: "failed", summary: message, details: {}, at: clock.now().toISOString(), actor: ctx.actor };
  }
  const { secret: _secret, ...stored } = result;
  await writeAudit({ orgId: ctx.orgId, actor: ctx.actor, action: "install.step", data: stored });
  return result;
}

export interface UninstallResult {
  removed: string[];
  failed: string[];
  dataDeleted: boolean;
}

/**
 * Removes what the wizard created in Genesys (found by name, so it works
 * after a partial install too), then deletes every row of the org. If a
 * Genesys object cannot be removed, the data stays and the admin can retry.
 */
export async function uninstall(ctx: InstallContext): Promise<UninstallResult> {
  const removed: string[] = [];
  const failed: string[] = [];
  const attempt = async (what: string, find: () => Promise<Entity | null>, remove: (id: string) => Promise<void>) => {
    try {
      const entity = await find();
      if (!entity) return;
      await remove(entity.id);
      removed.push(what);
    } catch (error) {
      if (error instanceof InstallApiError && error.status === 404) return;
      failed.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const p = ctx.platform;
  const dataActionsIntegration = await p.findIntegration(installNames.dataActions, dataActionsIntegrationType).catch(() => null);
  if (dataActionsIntegration) {
    for (const action of await p.listActions(dataActionsIntegration.id).catch(() => [])) {
      await attempt(`data action "${action.name}"`, async () => action, (id) => p.deleteAction(id));
    }
  }
  await attempt(`integration "${installNames.dataActions}"`, async () => dataActionsIntegration, (id) => p.deleteIntegration(id));
  await attempt(`credentials "${installNames.credential}"`, () => p.findCredential(installNames.credential), (id) => p.deleteCredential(id));
  await attempt(`interaction widget "${installNames.widget}"`, () => p.findIntegration(installNames.widget, widgetIntegrationType), (id) => p.deleteIntegration(id));
  await attempt(`OAuth client "${installNames.oauthClient}"`, () => p.findOAuthClient(installNames.oauthClient), (id) => p.deleteOAuthClient(id));
  await attempt(`OAuth client "${installNames.panelClient}"`, () => p.findOAuthClient(installNames.panelClient), (id) => p.deleteOAuthClient(id));
  await attempt(`role "${installNames.role}"`, () => p.findRole(installNames.role), (id) => p.deleteRole(id));
  if (ctx.accessToken) {
    const triggers = customerEndedPlatform(ctx);
    await attempt(`trigger "${customerEndedNames.trigger}"`, () => triggers.findTrigger(customerEndedNames.trigger, customerEndedTopic), (id) => triggers.deleteTrigger(id));
  }
  if (failed.length > 0) {
    await writeAudit({ orgId: ctx.orgId, actor: ctx.actor, action: "org.uninstall_failed", data: { removed, failed } });
    return { removed, failed, dataDeleted: false };
  }
  await deleteOrgData(ctx.orgId, ctx.actor, removed);
  forgetGenesysClient(ctx.orgId);
  return { removed, failed, dataDeleted: true };
}

/** Every row of the org, in one transaction; one audit row stays to say who removed it and when. */
export async function deleteOrgData(orgId: string, actor: string, removed: string[] = []): Promise<void> {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    await tx.delivery.deleteMany({ where: { orgId } });
    await tx.notice.deleteMany({ where: { orgId } });
    await tx.webhookReceipt.deleteMany({ where: { orgId } });
    await tx.accessToken.deleteMany({ where: { orgId } });
    // Workflows, tasks, events, API clients, signing secrets and the SLA rollup go with the org row (ON DELETE CASCADE).
    await tx.org.deleteMany({ where: { id: orgId } });
    await tx.auditEntry.deleteMany({ where: { orgId } });
    await tx.auditEntry.create({
      data: { orgId, actor, action: "org.uninstalled", data: { removedFromGenesys: removed }, createdAt: clock.now() },
    });
  }, transactionOptions);
}
