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

export interface Entity {
  id: string;
  name: string;
  [key: string]: unknown;
}

interface Listing {
  entities?: Entity[];
  pageCount?: number;
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
  regenerateOAuthClientSecret(id: string): Promise<Entity & { secret?: string }>;
  deleteOAuthClient(id: string): Promise<void>;
  findIntegration(name: string, typeId: string): Promise<Entity | null>;
  createIntegration(name: string, typeId: string): Promise<Entity>;
  configureIntegration(id: string, config: Record<string, unknown>): Promise<void>;
  enableIntegration(id: string): Promise<void>;
  deleteIntegration(id: string): Promise<void>;
  findCredential(name: string): Promise<Entity | null>;
  createCredential(body: { name: string; type: { name: string }; credentialFields: Record<string, string> }): Promise<Entity>;
  updateCredential(id: string, body: { name: string; type: { name: string }; credentialFields: Record<string, string> }): Promise<void>;
  deleteCredential(id: string): Promise<void>;
  listActions(integrationId: string): Promise<Entity[]>;
  createAction(body: Record<string, unknown>): Promise<Entity>;
  configureAuthAction(integrationId: string, body: Record<string, unknown>): Promise<void>;
  deleteAction(id: string): Promise<void>;
}

export interface PermissionPolicy {
  domain: string;
  entityName: string;
  actionSet: string[];
  allowConditions: boolean;
}

function newSdkClient(region: string, accessToken: string) {
  const client = newGenesysApiClient(region);
  client.setAccessToken(accessToken);
  return client;
}

export function installPlatform(region: string, accessToken: string): InstallPlatform {
  const client = newSdkClient(region, accessToken) as never;
  const authorization = new platformClient.AuthorizationApi(client);
  const oauth = new platformClient.OAuthApi(client);
  const integrations = new platformClient.IntegrationsApi(client);

  async function call<T>(operation: string, run: () => Promise<unknown>): Promise<T> {
    try {
      const response = (await run()) as { body?: unknown };
      return response.body as T;
    } catch (error) {
      const { status, message } = messageOf(error);
      throw new InstallApiError(operation, status, message);
    }
  }

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
    async configureAuthAction(integrationId, body) {
      // Genesys creates the custom auth action with the integration; Longrun fills in its request and publishes it.
      const id = `customAuth_-_${integrationId}`;
      await call("configure auth action", () => integrations.patchIntegrationsActionDraft(id, body as never));
      await call("publish auth action", () => integrations.postIntegrationsActionDraftPublish(id, { version: 1 }));
    },
    deleteAction: (id) => call("delete data action", () => integrations.deleteIntegrationsAction(id)),
  };
}
