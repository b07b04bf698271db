// The Platform API calls of the install wizard, made with the signed-in
// admin's own Genesys token (never the org's client credentials: those are
// what the wizard creates). One independent SDK client per call site, because
// the SDK's default instance is a process-wide singleton.
import platformClient from "purecloud-platform-client-v2";
import { newGenesysApiClient } from "@/lib/genesys/genesys-client";

/** A Platform API failure during install, with Genesys's status and message for the admin. */
export class InstallApiError extends Error {
  readonly status: number | null;
  constructor(operation: string, status: number | null, message: string) {
    super(`${operation}: ${status ? `Genesys answered ${status}: ` : ""}${message}`);
    this.name = "InstallApiError";
    this.status = status;
  }
}

function messageOf(error: unknown): { status: number | null; message: string } {
  const e = error as { status?: number; body?: { message?: string; code?: string }; error?: { message?: string }; message?: string } | null;
  const status = typeof e?.status === "number" ? e.status : null;
  const message = e?.body?.message ?? e?.error?.message ?? e?.message ?? "no answer";
  return { status, message: String(message).slice(0, 300) };
}

/**
 * The body of one SDK call made with the admin's token; a failure becomes an
 * InstallApiError naming the operation, with Genesys's status and message.
 */
export async function adminCall<T>(operation: string, run: () => Promise<unknown>): Promise<T> {
  try {
    return ((await run()) as { body?: unknown }).body as T;
  } catch (error) {
    const { status, message } = messageOf(error);
    throw new InstallApiError(operation, status, message);
  }
}

export interface Entity {
  id: string;
  name: string;
  [key: string]: unknown;
}

interface Listing {
  entities?: Entity[];
  pageCount?: number;
}

/** An Architect flow as GET /api/v2/flows lists it; `publishedVersion` is set once it is published. */
export type ArchitectFlow = Entity & { publishedVersion?: unknown };

/**
 * The flow of this type named exactly `name`, or null: ArchitectApi.getFlows
 * (GET /api/v2/flows?type&name, architect:flow:view) also lists other names
 * that match the filter, so the exact one is picked. Used by the "flows" and
 * "customer-ended" steps.
 */
export async function findFlowNamed(architect: InstanceType<typeof platformClient.ArchitectApi>, type: string, name: string): Promise<ArchitectFlow | null> {
  const listing = await adminCall<{ entities?: ArchitectFlow[] }>("list flows", () => architect.getFlows({ type: [type], name, pageSize: 100 }));
  return (listing.entities ?? []).find((f) => f.name === name) ?? null;
}

/** Typed access to the handful of SDK methods the wizard uses. */
export interface InstallPlatform {
  findRole(name: string): Promise<Entity | null>;
  createRole(body: { name: string; description: string; permissionPolicies: PermissionPolicy[] }): Promise<Entity>;
  updateRole(id: string, body: { name: string; description: string; permissionPolicies: PermissionPolicy[] }): Promise<Entity>;
  deleteRole(id: string): Promise<void>;
  homeDivision(): Promise<Entity>;
  addRoleMembers(roleId: string, userIds: string[]): Promise<void>;
  findOAuthClient(name: string): Promise<Entity | null>;
  createOAuthClient(body: Record<string, unknown>): Promise<Entity & { secret?: string }>;
  updateOAuthClient(id: string, body: Record<string, unknown>): Promise<Entity>;
  regenerateOAuthClientSecret(id: string): Promise<Entity & { secret?: string }>;
  deleteOAuthClient(id: string): Promise<void>;
  findIntegration(name: string, typeId: string): Promise<Entity | null>;
  createIntegration(name: string, typeId: string): Promise<Entity>;
  configureIntegration(id: string, config: Record<string, unknown>): Promise<void>;
  readIntegrationConfig(id: string): Promise<Record<string, unknown> & { version?: number }>;
  enableIntegration(id: string): Promise<void>;
  deleteIntegration(id: string): Promise<void>;
  findCredential(name: string): Promise<Entity | null>;
  createCredential(body: { name: string; type: { name: string }; credentialFields: Record<string, string> }): Promise<Entity>;
  updateCredential(id: string, body: { name: string; type: { name: string }; credentialFields: Record<string, string> }): Promise<void>;
  deleteCredential(id: string): Promise<void>;
  listActions(integrationId: string): Promise<Entity[]>;
  createAction(body: Record<string, unknown>): Promise<Entity>;
  /** Brings the integration's custom auth action to `config`; "found" when it already had it. */
  configureAuthAction(integrationId: string, config: Record<string, unknown>): Promise<"found" | "updated">;
  /** The signed-in admin with their roles and permissions (users/me?expand=authorization). */
  me(): Promise<{ id: string; roleIds: string[]; permissions: string[] }>;
  /** Whether the org has an integration type (the premium app product) — premium-app validateProductAvailability. */
  hasIntegrationType(typeId: string): Promise<boolean>;
  deleteAction(id: string): Promise<void>;
}

export interface PermissionPolicy {
  domain: string;
  entityName: string;
  actionSet: string[];
  allowConditions: boolean;
}

/** Same JSON, whatever the key order (Genesys may return the keys of a stored config in another order). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** An SDK client of its own (the SDK's default instance is process-wide) with the admin's token. */
export function newSdkClient(region: string, accessToken: string) {
  const client = newGenesysApiClient(region);
  client.setAccessToken(accessToken);
  return client;
}

export function installPlatform(region: string, accessToken: string): InstallPlatform {
  const client = newSdkClient(region, accessToken) as never;
  const authorization = new platformClient.AuthorizationApi(client);
  const oauth = new platformClient.OAuthApi(client);
  const integrations = new platformClient.IntegrationsApi(client);
  const users = new platformClient.UsersApi(client);

  const call = adminCall;

  /** Walks every page of a listing (Genesys pages at 25 by default). */
  async function findAll(operation: string, page: (pageNumber: number) => Promise<unknown>): Promise<Entity[]> {
    const all: Entity[] = [];
    for (let pageNumber = 1; pageNumber <= 50; pageNumber++) {
      const listing = await call<Listing>(operation, () => page(pageNumber));
      all.push(...(listing.entities ?? []));
      if (!listing.pageCount || pageNumber >= listing.pageCount) break;
    }
    return all;
  }

  const byName = (entities: Entity[], name: string) => entities.find((e) => e.name === name) ?? null;

  return {
    async findRole(name) {
      return byName(await findAll("list roles", (pageNumber) => authorization.getAuthorizationRoles({ name, pageSize: 100, pageNumber })), name);
    },
    createRole: (body) => call("create role", () => authorization.postAuthorizationRoles(body as never)),
    updateRole: (id, body) => call("update role", () => authorization.putAuthorizationRole(id, body as never)),
    deleteRole: (id) => call("delete role", () => authorization.deleteAuthorizationRole(id)),
    homeDivision: () => call("read home division", () => authorization.getAuthorizationDivisionsHome()),
    addRoleMembers: (roleId, userIds) => call("grant role", () => authorization.putAuthorizationRoleUsersAdd(roleId, userIds)),
    async findOAuthClient(name) {
      return byName((await call<Listing>("list OAuth clients", () => oauth.getOauthClients())).entities ?? [], name);
    },
    createOAuthClient: (body) => call("create OAuth client", () => oauth.postOauthClients(body as never)),
    updateOAuthClient: (id, body) => call("update OAuth client", () => oauth.putOauthClient(id, body as never)),
    regenerateOAuthClientSecret: (id) => call("regenerate OAuth client secret", () => oauth.postOauthClientSecret(id)),
    deleteOAuthClient: (id) => call("delete OAuth client", () => oauth.deleteOauthClient(id)),
    async findIntegration(name, typeId) {
      const all = await findAll("list integrations", (pageNumber) => integrations.getIntegrations({ pageSize: 100, pageNumber }));
      return all.find((e) => e.name === name && (e.integrationType as { id?: string } | undefined)?.id === typeId) ?? null;
    },
    createIntegration: (name, typeId) => call("create integration", () => integrations.postIntegrations({ body: { name, integrationType: { id: typeId } } })),
    async configureIntegration(id, config) {
      // The current config's version must be sent back, or Genesys refuses the update (409).
      const current = await call<{ version?: number }>("read integration config", () => integrations.getIntegrationConfigCurrent(id));
      await call("configure integration", () => integrations.putIntegrationConfigCurrent(id, { body: { ...config, version: current.version ?? 1 } } as never));
    },
    readIntegrationConfig: (id) => call("read integration config", () => integrations.getIntegrationConfigCurrent(id)),
    enableIntegration: (id) => call("enable integration", () => integrations.patchIntegration(id, { body: { intendedState: "ENABLED" } })),
    deleteIntegration: (id) => call("delete integration", () => integrations.deleteIntegration(id)),
    async findCredential(name) {
      return byName(await findAll("list credentials", (pageNumber) => integrations.getIntegrationsCredentials({ pageSize: 100, pageNumber })), name);
    },
    createCredential: (body) => call("create credentials", () => integrations.postIntegrationsCredentials({ body })),
    updateCredential: (id, body) => call("update credentials", () => integrations.putIntegrationsCredential(id, { body })),
    deleteCredential: (id) => call("delete credentials", () => integrations.deleteIntegrationsCredential(id)),
    async listActions(integrationId) {
      const all = await findAll("list data actions", (pageNumber) => integrations.getIntegrationsActions({ pageSize: 100, pageNumber, category: "Longrun" }));
      return all.filter((a) => a.integrationId === integrationId);
    },
    createAction: (body) => call("create data action", () => integrations.postIntegrationsActions(body as never)),
    async configureAuthAction(integrationId, config) {
      // Genesys creates the custom auth action itself (id customAuth_-_<integrationId>) once the
      // integration's credential in credentials.basicAuth is of type userDefinedOAuth, and publishes it
      // (terraform-provider-genesyscloud docs/guides/custom_auth_action.md). Only its config can change:
      // draft from the published action, patch the draft, publish with the version Genesys returned
      // (purecloud-premium-app docs/wizard/scripts/modules/ws-data-actions.js configure()).
      const id = `customAuth_-_${integrationId}`;
      const published = await call<{ version?: number; config?: unknown }>("read auth action", () => integrations.getIntegrationsAction(id, { includeConfig: true }));
      if (sameJson(published.config, config)) return "found";
      let draft: { version?: number };
      try {
        draft = await call("read auth action draft", () => integrations.getIntegrationsActionDraft(id, { includeConfig: true }));
      } catch (error) {
        if (!(error instanceof InstallApiError && error.status === 404)) throw error;
        draft = await call("create auth action draft", () => integrations.postIntegrationsActionDraft(id));
      }
      const patched = await call<{ version?: number }>("configure auth action", () => integrations.patchIntegrationsActionDraft(id, { version: draft.version, config } as never));
      await call("publish auth action", () => integrations.postIntegrationsActionDraftPublish(id, { version: patched.version } as never));
      return "updated";
    },
    async me() {
      const me = await call<{ id: string; authorization?: { roles?: Array<{ id: string }>; permissions?: string[] } }>("read your Genesys user", () =>
        users.getUsersMe({ expand: ["authorization"] }),
      );
      return { id: me.id, roleIds: (me.authorization?.roles ?? []).map((r) => r.id), permissions: me.authorization?.permissions ?? [] };
    },
    async hasIntegrationType(typeId) {
      const types = await findAll("list integration types", (pageNumber) => integrations.getIntegrationsTypes({ pageSize: 100, pageNumber }));
      return types.some((t) => t.id === typeId);
    },
    deleteAction: (id) => call("delete data action", () => integrations.deleteIntegrationsAction(id)),
  };
}
