// Genesys Cloud Platform API for one org at a time, through the official SDK.
// Each org gets its own ApiClient (the SDK's default instance is a process
// singleton), logged in with the org's own client credentials; the token is
// cached until shortly before it expires.
import { createHash } from "node:crypto";
import platformClient from "purecloud-platform-client-v2";
import { clock } from "@/lib/clock";
import { open } from "@/lib/crypto/secret-box";
import { env } from "@/lib/env";
import type { Org } from "@/lib/generated/prisma/client";
import { GenesysNotConfigured, toGenesysError } from "@/lib/genesys/genesys-error";
import { sdkGateway } from "@/lib/genesys/sdk-gateway";

type ApiClient = typeof platformClient.ApiClient & {
  config: { live_reload_config: boolean };
  setAccessToken(token: string): void;
  setEnvironment(environment: string): void;
  setReturnExtendedResponses(value: boolean): void;
  setGateway(gateway: { host: string; protocol: string; port: number; path_params_login?: string; path_params_api?: string }): void;
  loginClientCredentialsGrant(clientId: string, clientSecret: string): Promise<{ accessToken: string; tokenExpiryTime: number }>;
};

interface CachedClient {
  client: ApiClient;
  fingerprint: string;
  expiresAt: number;
}

const cache = new Map<string, CachedClient>();
/** Renew this long before Genesys says the token expires. */
const renewMarginMs = 5 * 60_000;

/**
 * An SDK client of its own (the SDK's default instance is a process singleton)
 * for one region, honouring GENESYS_API_BASE_URL. The wizard uses it with an
 * admin's token, escalations with an org's client credentials.
 */
export function newGenesysApiClient(region: string): ApiClient {
  // ApiClientClass is exported at run time but not declared in the SDK's types.
  const ApiClientClass = (platformClient as unknown as { ApiClientClass: new () => ApiClient }).ApiClientClass;
  const client = new ApiClientClass();
  // Each SDK client watches ~/.genesyscloudjavascript/config; one per org or request would pile up file watchers.
  client.config.live_reload_config = false;
  client.setEnvironment(region);
  client.setReturnExtendedResponses(true);
  const override = env().GENESYS_API_BASE_URL;
  if (override) {
    // A stand-in for Genesys (browser tests, a sandbox proxy) serves login and API on one origin.
    client.setGateway(sdkGateway(override));
  }
  return client;
}

export async function genesysClientFor(org: Org): Promise<ApiClient> {
  if (!org.genesysClientId || !org.genesysClientSecretEnc) throw new GenesysNotConfigured("no Platform API client credentials");
  const fingerprint = createHash("sha256").update(`${org.region}|${org.genesysClientId}|${org.genesysClientSecretEnc}`).digest("hex");
  const now = clock.now().getTime();
  const cached = cache.get(org.id);
  if (cached && cached.fingerprint === fingerprint && cached.expiresAt - renewMarginMs > now) return cached.client;

  const client = newGenesysApiClient(org.region);
  try {
    const auth = await client.loginClientCredentialsGrant(org.genesysClientId, open(org.genesysClientSecretEnc));
    // The SDK stamps expiry with the wall clock; carry the lifetime over to Longrun's clock.
    cache.set(org.id, { client, fingerprint, expiresAt: now + (auth.tokenExpiryTime - Date.now()) });
  } catch (error) {
    cache.delete(org.id);
    throw toGenesysError(error, "login (client credentials)", clock.now());
  }
  return client;
}

/** Forget an org's token (credentials changed, or Genesys answered 401). */
export function forgetGenesysClient(orgId: string): void {
  cache.delete(orgId);
}

async function call<T>(org: Org, operation: string, run: (client: ApiClient) => Promise<{ body: T }>): Promise<T> {
  const client = await genesysClientFor(org);
  try {
    return (await run(client)).body;
  } catch (error) {
    const failure = toGenesysError(error, operation, clock.now());
    if (failure.status === 401) forgetGenesysClient(org.id);
    throw failure.status === 401 ? toGenesysError({ status: 503, body: { message: "token refused (401); will log in again" } }, operation, clock.now()) : failure;
  }
}

export interface FlowLaunch {
  flowId: string;
  inputData: Record<string, string>;
  name?: string;
}

/** POST /api/v2/flows/executions (architect:flow:launch). */
export async function launchFlow(org: Org, launch: FlowLaunch): Promise<{ id: string }> {
  return call(org, "launch flow", (client) =>
    new platformClient.ArchitectApi(client as never).postFlowsExecutions({ flowId: launch.flowId, inputData: launch.inputData as unknown as Record<string, object>, ...(launch.name ? { name: launch.name } : {}) }) as unknown as Promise<{ body: { id: string } }>,
  );
}

export interface CallbackRequest {
  queueId: string;
  callbackNumbers: string[];
  callbackUserName?: string;
  data: Record<string, string>;
}

/** POST /api/v2/conversations/callbacks (conversation:callback:create). */
export async function createCallback(org: Org, request: CallbackRequest): Promise<{ conversationId: string | null }> {
  const body = await call(org, "create callback", (client) =>
    new platformClient.ConversationsApi(client as never).postConversationsCallbacks({
      queueId: request.queueId,
      callbackNumbers: request.callbackNumbers,
      ...(request.callbackUserName ? { callbackUserName: request.callbackUserName } : {}),
      data: request.data,
    }) as unknown as Promise<{ body: { conversation?: { id?: string } } }>,
  );
  return { conversationId: body.conversation?.id ?? null };
}

export interface ConversationState {
  customerConnected: boolean;
  ended: boolean;
  /** The customer's number (ANI), for a callback once they are gone. */
  customerAddress: string | null;
  customerName: string | null;
}

interface ConversationBody {
  endTime?: string;
  participants?: Array<{
    purpose?: string;
    endTime?: string;
    ani?: string;
    address?: string;
    name?: string;
    calls?: Array<{ state?: string; self?: { addressNormalized?: string } }>;
    callbacks?: Array<{ state?: string }>;
    messages?: Array<{ state?: string }>;
    chats?: Array<{ state?: string }>;
    emails?: Array<{ state?: string }>;
  }>;
}

/** GET /api/v2/conversations/{id} (conversation:communication:view). */
export async function getConversationState(org: Org, conversationId: string): Promise<ConversationState> {
  const body = await call(org, "read conversation", (client) =>
    new platformClient.ConversationsApi(client as never).getConversation(conversationId) as unknown as Promise<{ body: ConversationBody }>,
  );
  const customers = (body.participants ?? []).filter((p) => p.purpose === "customer" || p.purpose === "external");
  // Connected ⇔ a customer media item is connected and the participant has not ended (GENESYS.md §4).
  const connected = customers.some(
    (p) => !p.endTime && [...(p.calls ?? []), ...(p.callbacks ?? []), ...(p.messages ?? []), ...(p.chats ?? []), ...(p.emails ?? [])].some((m) => m.state === "connected"),
  );
  const customer = customers[0];
  const address = customer?.ani ?? customer?.address ?? null;
  return {
    customerConnected: !body.endTime && connected,
    ended: Boolean(body.endTime),
    customerAddress: address ? address.replace(/^tel:/, "") : null,
    customerName: customer?.name ?? null,
  };
}
