// A small local HTTP server that plays Genesys Cloud's login and API hosts
// for tests that run the real app in another process (browser tests, admin
// sign-in), where msw cannot reach. Point GENESYS_API_BASE_URL and
// GENESYS_LOGIN_BASE_URL at `standIn.url`.
//
// Speaks: GET /oauth/authorize (implicit grant for TOKEN clients, authorization
// code with PKCE S256 for CODE clients), POST /oauth/token (authorization_code
// with code_verifier or client secret, client_credentials), a login page with
// a session cookie (GET/POST /login, when `setLoginPage(true)`), GET
// /api/v2/tokens/me (the Platform SDK's token test) and GET /api/v2/users/me
// (?expand=organization,authorization). Anything else can be added with
// `route()`; every request is recorded in `requests`.
//
// What Genesys refuses, the stand-in refuses (RFC 7636 §4.6 and the Developer
// Center's "Use PKCE" page, https://developer.genesys.cloud/authorization/platform-auth/use-pkce):
// an unknown client, a redirect_uri that is not registered or differs from the
// one the code was issued for, a client whose authorizedGrantType does not allow
// the response type (CODE clients get codes, TOKEN clients implicit tokens), a
// code_challenge_method other than S256, a code used twice or expired, and a
// code_verifier whose S256 hash is not the code_challenge.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createArchitectJobsFake } from "@/test/support/genesys-stand-in-architect-jobs";
import { createProcessAutomationFake } from "@/test/support/genesys-stand-in-triggers";
import { createConversationsFake, type ConversationsFake } from "@/test/support/genesys-stand-in-conversations";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInUser {
  id: string;
  name: string;
  email: string;
  orgId: string;
  orgName: string;
  /** Returned under authorization.permissions with ?expand=authorization. */
  permissions: string[];
  /** The user's Genesys language (UserMe.languagePreference), e.g. "de" or "en-us". */
  languagePreference: string;
}

export interface StandInClient {
  clientId: string;
  /** Confidential clients (code grant, client credentials) have one. */
  secret?: string;
  /** When set, /oauth/authorize refuses other redirect URIs, as Genesys does. */
  redirectUris?: string[];
  /** Org the client-credentials tokens belong to. */
  orgId?: string;
  /**
   * The OAuth client's grant type (OAuthClientRequest.authorizedGrantType: CODE, TOKEN, CLIENT-CREDENTIALS …).
   * When set, /oauth/authorize and /oauth/token refuse the grants the type does not allow; unset keeps the
   * lenient behaviour older tests rely on.
   */
  authorizedGrantType?: "CODE" | "TOKEN" | "CLIENT-CREDENTIALS";
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface StandInRequest extends RecordedRequest {
  raw: IncomingMessage;
}

export interface StandInReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type RouteHandler = (request: StandInRequest) => StandInReply | Promise<StandInReply>;

interface TokenRecord {
  userId: string | null;
  clientId: string;
  orgId: string;
  expiresAt: number;
}

interface PendingCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  expiresAt: number;
}

export interface GenesysStandIn {
  /** http://127.0.0.1:<port>, serving both the login and the API paths. */
  url: string;
  requests: RecordedRequest[];
  addUser(user: Partial<StandInUser> & { orgId: string }): StandInUser;
  addClient(client: StandInClient): void;
  /** A valid user token, as the implicit grant would hand out. */
  issueToken(userId: string, options?: { expiresInSeconds?: number }): string;
  revokeToken(token: string): void;
  /** Revokes every token (a Genesys logout). */
  revokeAll(): void;
  /** The user /oauth/authorize signs in silently (a desktop session every browser has); null: see setLoginPage. */
  setLoginUser(userId: string | null): void;
  /**
   * With true, a browser without a session (no login user, no session cookie) gets Genesys's login
   * page instead of access_denied: /login lists the stand-in's users, signing in as one sets a
   * session cookie (the agent's Genesys session) and continues the authorization.
   */
  setLoginPage(enabled: boolean): void;
  /** Lifetime of tokens /oauth/authorize and /oauth/token hand out. */
  setTokenLifetime(seconds: number): void;
  /** Answers a method + path (exact path, query ignored) with your handler; replaces a built-in one. */
  route(method: string, path: string, handler: RouteHandler): void;
  /** Removes a `route()`, bringing back the built-in answer if there is one. */
  unroute(method: string, path: string): void;
  /** How many recorded requests had this path. */
  count(path: string): number;
  /** Conversations and callbacks of every org (GET /api/v2/conversations/{id}, POST /api/v2/conversations/callbacks). */
  conversations: ConversationsFake;
  /** Serves the Platform API endpoints of the admin install wizard from `fake` (roles, OAuth clients, integrations, credentials, actions). */
  usePlatform(fake: PlatformFake): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, reply: StandInReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = "";
  if (reply.body !== undefined) {
    payload = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    headers["content-type"] ??= typeof reply.body === "string" ? "text/plain" : "application/json";
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function genesysError(status: number, code: string, message: string): StandInReply {
  return { status, body: { status, code, message, contextId: randomUUID(), details: [], errors: [] } };
}

function redirectWith(redirectUri: string, params: Record<string, string>, inFragment: boolean): StandInReply {
  const target = new URL(redirectUri);
  const encoded = new URLSearchParams(params).toString();
  if (inFragment) target.hash = encoded;
  else for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  return { status: 302, headers: { location: target.toString(), "cache-control": "no-store" } };
}

function formOrJson(body: string, contentType: string | undefined): URLSearchParams {
  if (contentType?.includes("application/json")) {
    try {
      return new URLSearchParams(Object.entries(JSON.parse(body) as Record<string, string>).map(([k, v]) => [k, String(v)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(body);
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (!header?.toLowerCase().startsWith("basic ")) return null;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export async function startGenesysStandIn(options: { port?: number } = {}): Promise<GenesysStandIn> {
  const users = new Map<string, StandInUser>();
  const clients = new Map<string, StandInClient>();
  const tokens = new Map<string, TokenRecord>();
  const codes = new Map<string, PendingCode>();
  const custom = new Map<string, RouteHandler>();
  const requests: RecordedRequest[] = [];
  let loginUser: string | null = null;
  let tokenLifetime = 3600;

  const mint = (record: Omit<TokenRecord, "expiresAt">, lifetime = tokenLifetime): string => {
    const token = `gc_${randomBytes(24).toString("base64url")}`;
    tokens.set(token, { ...record, expiresAt: Date.now() + lifetime * 1000 });
    return token;
  };

  const bearer = (request: StandInRequest): TokenRecord | null => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    const record = match?.[1] ? tokens.get(match[1]) : undefined;
    return record && record.expiresAt > Date.now() ? record : null;
  };

  const sessions = new Map<string, string>();
  let loginPage = false;
  const sessionCookie = "gc_stand_in_session";
  const sessionUser = (request: StandInRequest): StandInUser | undefined => {
    const cookie = (request.headers.cookie ?? "").split(/;\s*/).find((c) => c.startsWith(`${sessionCookie}=`));
    const userId = cookie ? sessions.get(cookie.slice(sessionCookie.length + 1)) : undefined;
    return userId ? users.get(userId) : undefined;
  };

  const authorize: RouteHandler = (request) => {
    const q = request.query;
    const responseType = q.get("response_type");
    const clientId = q.get("client_id") ?? "";
    const redirectUri = q.get("redirect_uri") ?? "";
    const state = q.get("state");
    const client = clients.get(clientId);
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return { status: 400, body: "redirect_uri is required" };
    // Genesys shows an error page (it never redirects to an unregistered URI).
    if (client?.redirectUris && !client.redirectUris.includes(redirectUri)) return { status: 400, body: "redirect_uri is not registered for this client" };
    const inFragment = responseType === "token";
    const withState = (p: Record<string, string>) => (state ? { ...p, state } : p);
    if (!client) return redirectWith(redirectUri, withState({ error: "unauthorized_client", error_description: "unknown client" }), inFragment);
    if (responseType !== "token" && responseType !== "code") return redirectWith(redirectUri, withState({ error: "unsupported_response_type" }), inFragment);
    const allowed = client.authorizedGrantType === undefined || (responseType === "code" ? client.authorizedGrantType === "CODE" : client.authorizedGrantType === "TOKEN");
    if (!allowed) return redirectWith(redirectUri, withState({ error: "unauthorized_client", error_description: `a ${client.authorizedGrantType} client cannot use response_type=${responseType}` }), inFragment);
    const method = q.get("code_challenge_method");
    if (responseType === "code" && q.get("code_challenge") && method !== "S256") return redirectWith(redirectUri, withState({ error: "invalid_request", error_description: "code_challenge_method must be S256" }), false);
    const user = sessionUser(request) ?? (loginUser ? users.get(loginUser) : undefined);
    if (!user) {
      if (loginPage) return { status: 302, headers: { location: `/login?${new URLSearchParams({ return: `${request.path}?${q.toString()}` }).toString()}`, "cache-control": "no-store" } };
      return redirectWith(redirectUri, withState({ error: "access_denied", error_description: "no user is signed in" }), inFragment);
    }
    if (responseType === "token") {
      const token = mint({ userId: user.id, clientId, orgId: user.orgId });
      return redirectWith(redirectUri, withState({ access_token: token, token_type: "bearer", expires_in: String(tokenLifetime) }), true);
    }
    const code = randomBytes(16).toString("hex");
    codes.set(code, { userId: user.id, clientId, redirectUri, codeChallenge: q.get("code_challenge"), expiresAt: Date.now() + 60_000 });
    return redirectWith(redirectUri, withState({ code }), false);
  };

  const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  /** Genesys's login page, reduced to a button per user: signing in sets the session cookie and continues the authorization. */
  const loginForm: RouteHandler = (request) => {
    const back = request.query.get("return") ?? "";
    if (!back.startsWith("/oauth/authorize?")) return { status: 400, body: "return must be an authorization request" };
    const buttons = [...users.values()].map((u) => `<button type="submit" name="userId" value="${escapeHtml(u.id)}">Sign in as ${escapeHtml(u.name)}</button>`).join("");
    return {
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      body: `<!doctype html><html lang="en"><title>Genesys Cloud login</title><h1>Genesys Cloud</h1><form method="post" action="/login"><input type="hidden" name="return" value="${escapeHtml(back)}">${buttons}</form></html>`,
    };
  };
  const loginSubmit: RouteHandler = (request) => {
    const form = new URLSearchParams(request.body);
    const user = users.get(form.get("userId") ?? "");
    const back = form.get("return") ?? "";
    if (!user || !back.startsWith("/oauth/authorize?")) return { status: 400, body: "unknown user or return" };
    const id = randomBytes(16).toString("hex");
    sessions.set(id, user.id);
    return { status: 302, headers: { location: back, "set-cookie": `${sessionCookie}=${id}; Path=/; HttpOnly; SameSite=Lax`, "cache-control": "no-store" } };
  };

  const token: RouteHandler = (request) => {
    const form = formOrJson(request.body, request.headers["content-type"]);
    const basic = basicCredentials(request.headers.authorization);
    const clientId = basic?.id ?? form.get("client_id") ?? "";
    const client = clients.get(clientId);
    const secret = basic?.secret ?? form.get("client_secret");
    const grant = form.get("grant_type");
    if (!client) return { status: 400, body: { error: "invalid_client", description: "unknown client" } };
    if (grant === "client_credentials") {
      if (client.authorizedGrantType !== undefined && client.authorizedGrantType !== "CLIENT-CREDENTIALS") return { status: 400, body: { error: "unauthorized_client", description: "the client is not a client-credentials client" } };
      if (!client.secret || client.secret !== secret) return { status: 401, body: { error: "invalid_client", description: "bad client credentials" } };
      const access = mint({ userId: null, clientId, orgId: client.orgId ?? "" });
      return { status: 200, body: { access_token: access, token_type: "bearer", expires_in: tokenLifetime } };
    }
    if (grant === "authorization_code") {
      if (client.authorizedGrantType !== undefined && client.authorizedGrantType !== "CODE") return { status: 400, body: { error: "unauthorized_client", description: "the client is not a code authorization client" } };
      // A code is good once: the second exchange fails even with the right verifier.
      const code = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!code || code.expiresAt < Date.now() || code.clientId !== clientId || code.redirectUri !== form.get("redirect_uri")) {
        return { status: 400, body: { error: "invalid_grant", description: "code is unknown, expired, or for another client/redirect" } };
      }
      if (code.codeChallenge) {
        const verifier = form.get("code_verifier") ?? "";
        if (createHash("sha256").update(verifier).digest("base64url") !== code.codeChallenge) return { status: 400, body: { error: "invalid_grant", description: "code_verifier does not match" } };
      } else if (!client.secret || client.secret !== secret) {
        return { status: 401, body: { error: "invalid_client", description: "bad client credentials" } };
      }
      const user = users.get(code.userId)!;
      const access = mint({ userId: user.id, clientId, orgId: user.orgId });
      return { status: 200, body: { access_token: access, token_type: "bearer", expires_in: tokenLifetime } };
    }
    return { status: 400, body: { error: "unsupported_grant_type" } };
  };

  /** TokensApi.getTokensMe: the Platform SDK tests a stored or new token with it (ApiClient._testTokenAccess). */
  const tokensMe: RouteHandler = (request) => {
    const record = bearer(request);
    if (!record) return genesysError(401, "bad.credentials", "Invalid login credentials.");
    const user = record.userId ? users.get(record.userId) : undefined;
    return {
      status: 200,
      body: {
        organization: { id: record.orgId },
        homeOrganization: { id: record.orgId },
        OAuthClient: { id: record.clientId, name: record.clientId },
        ...(user ? { name: user.name } : {}),
        expiresAt: new Date(record.expiresAt).toISOString(),
      },
    };
  };

  const usersMe: RouteHandler = (request) => {
    const record = bearer(request);
    if (!record) return genesysError(401, "bad.credentials", "Invalid login credentials.");
    if (!record.userId) return genesysError(400, "bad.request", "This request requires a user context. Client credentials cannot be used for requests to this resource.");
    const user = users.get(record.userId);
    if (!user) return genesysError(404, "not.found", "user not found");
    const expand = (request.query.get("expand") ?? "").split(",");
    return {
      status: 200,
      body: {
        id: user.id,
        name: user.name,
        email: user.email,
        state: "active",
        username: user.email,
        // UserMe.languagePreference: a plain field of users/me (purecloud-platform-client-v2 index.d.ts), no expand needed.
        languagePreference: user.languagePreference,
        selfUri: `/api/v2/users/${user.id}`,
        ...(expand.includes("organization") ? { organization: { id: user.orgId, name: user.orgName, selfUri: `/api/v2/organizations/${user.orgId}` } } : {}),
        ...(expand.includes("authorization") ? { authorization: { roles: platform ? platform.rolesShownTo(user.id) : [], permissions: user.permissions } } : {}),
      },
    };
  };

  const conversations = createConversationsFake();
  const conversationsRoute: RouteHandler = (request) => {
    const record = bearer(request);
    if (!record) return genesysError(401, "bad.credentials", "Invalid login credentials.");
    return conversations.handle(request.method, request.path, request.body, { orgId: record.orgId });
  };

  let platform: PlatformFake | null = null;
  const platformRoute: RouteHandler = (request) => {
    const record = bearer(request);
    if (!record) return genesysError(401, "bad.credentials", "Invalid login credentials.");
    return platform!.handle(request.method, request.path, request.query, request.body, record.userId ?? undefined);
  };

  // An Architect job's upload URL: presigned storage, not the Platform API (no bearer token).
  const uploadRoute: RouteHandler = (request) => platform!.architectJobs.upload(request.path, request.query, request.headers, request.body);

  const builtIn = new Map<string, RouteHandler>([
    ["GET /oauth/authorize", authorize],
    ["POST /oauth/token", token],
    ["GET /api/v2/users/me", usersMe],
    ["GET /api/v2/tokens/me", tokensMe],
    ["GET /login", loginForm],
    ["POST /login", loginSubmit],
  ]);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stand-in");
      const recorded: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      const key = `${recorded.method} ${recorded.path}`;
      const handler =
        custom.get(key) ??
        builtIn.get(key) ??
        (platform && platform.handles(recorded.method, recorded.path) ? platformRoute : undefined) ??
        (platform && platform.architectJobs.handlesUpload(recorded.method, recorded.path) ? uploadRoute : undefined) ??
        (conversations.handles(recorded.method, recorded.path) ? conversationsRoute : undefined);
      // Browsers may call the API host directly (the Platform SDK does), so answer CORS like Genesys.
      const cors = { "access-control-allow-origin": req.headers.origin ?? "*", "access-control-allow-headers": "authorization, content-type", "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE" };
      if (recorded.method === "OPTIONS") return send(res, { status: 204, headers: cors });
      if (!handler) return send(res, { ...genesysError(404, "not.found", `stand-in has no route for ${key}`), headers: cors });
      Promise.resolve(handler({ ...recorded, raw: req }))
        .then((reply) => send(res, { ...reply, headers: { ...cors, ...reply.headers } }))
        .catch((error: unknown) => send(res, genesysError(500, "internal.server.error", error instanceof Error ? error.message : String(error))));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    conversations,
    addUser(user) {
      const full: StandInUser = {
        id: user.id ?? randomUUID(),
        name: user.name ?? "Alex Agent",
        email: user.email ?? `agent-${randomBytes(3).toString("hex")}@example.com`,
        orgId: user.orgId,
        orgName: user.orgName ?? "Example Org",
        permissions: user.permissions ?? [],
        languagePreference: user.languagePreference ?? "en-us",
      };
      users.set(full.id, full);
      return full;
    },
    addClient(client) {
      clients.set(client.clientId, client);
    },
    issueToken(userId, opts = {}) {
      const user = users.get(userId);
      if (!user) throw new Error(`stand-in: unknown user ${userId}`);
      return mint({ userId, clientId: "stand-in", orgId: user.orgId }, opts.expiresInSeconds ?? tokenLifetime);
    },
    revokeToken(t) {
      tokens.delete(t);
    },
    revokeAll() {
      tokens.clear();
    },
    setLoginUser(userId) {
      loginUser = userId;
    },
    setLoginPage(enabled) {
      loginPage = enabled;
    },
    setTokenLifetime(seconds) {
      tokenLifetime = seconds;
    },
    route(method, path, handler) {
      custom.set(`${method.toUpperCase()} ${path}`, handler);
    },
    unroute(method, path) {
      custom.delete(`${method.toUpperCase()} ${path}`);
    },
    count(path) {
      return requests.filter((r) => r.path === path).length;
    },
    usePlatform(fake) {
      platform = fake;
      fake.architectJobs.setUploadOrigin(`http://127.0.0.1:${port}`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

// ---------------------------------------------------------------------------
// The Platform API objects the admin install wizard creates, kept in memory so
// that tests can assert on them (a second run must add nothing) and make one
// call fail. Used by the stand-in above (browser tests) and through msw
// (in-process tests): the same answers either way.

export interface PlatformRecords {
  roles: Array<Record<string, unknown> & { id: string; name: string }>;
  roleMembers: Record<string, string[]>;
  oauthClients: Array<Record<string, unknown> & { id: string; name: string; secret: string }>;
  integrations: Array<Record<string, unknown> & { id: string; name: string; integrationType: { id: string }; intendedState: string; config: Record<string, unknown> & { version: number } }>;
  credentials: Array<Record<string, unknown> & { id: string; name: string }>;
  actions: Array<Record<string, unknown> & { id: string; name: string; integrationId: string }>;
  /** Custom auth actions Genesys made itself (one per custom-rest-actions integration whose basicAuth slot holds a userDefinedOAuth credential). */
  authActions: Record<string, { published: { version: number; config: unknown }; draft: { version: number; config: unknown } | null; publications: number }>;
  /** Every body Genesys refused, with why: tests assert a refusal happened for the right reason. */
  refusals: Array<{ route: string; status: number; message: string }>;
  /** Architect flows of the org (GET /api/v2/flows lists them by type). */
  flows: Array<{ id: string; name: string; type: string; description?: string; publishedVersion?: { id: string } | null }>;
  /** Routing queues of the org (GET /api/v2/routing/queues). */
  queues: Array<{ id: string; name: string }>;
}

export interface PlatformFakeOptions {
  /** The Genesys user calling (the installing admin) when the caller is not known from a token (msw). */
  userId?: string;
  /** Integration types the org has: the AppFoundry product check looks for the premium app's. */
  integrationTypes?: string[];
  /** users/me shows a new role grant only after this many reads (Genesys takes a moment). */
  grantVisibleAfterReads?: number;
  /** The org's Architect flows and queues, for the settings pickers. */
  flows?: PlatformRecords["flows"];
  /**
   * Data actions the admin imported outside the wizard (by category and name), which
   * Architect jobs resolve callData against besides the wizard's own; default: the
   * three of genesys/data-actions/genesys-cloud in a "Genesys Cloud" integration.
   */
  importedDataActions?: Array<{ category: string; name: string }>;
  queues?: PlatformRecords["queues"];
}

export interface PlatformFake {
  records: PlatformRecords;
  /** Architect workflows and Process Automation triggers (genesys-stand-in-triggers.ts). */
  processAutomation: ReturnType<typeof createProcessAutomationFake>;
  /** Architect jobs (genesys-stand-in-architect-jobs.ts): flow files published through the API. */
  architectJobs: ReturnType<typeof createArchitectJobsFake>;
  /** The next request matching method and path pattern (e.g. "POST", "/api/v2/oauth/clients") answers `status` once. */
  failOnce(method: string, pattern: string, status?: number): void;
  handles(method: string, path: string): boolean;
  handle(method: string, path: string, query: URLSearchParams, body: string, caller?: string): StandInReply;
  /** The roles users/me shows for a user now (counts as one read). */
  rolesShownTo(userId: string): Array<{ id: string; name: string }>;
  /** How many objects of each kind exist. */
  counts(): Record<"roles" | "oauthClients" | "integrations" | "credentials" | "actions", number>;
}

const platformPatterns = [
  "GET /api/v2/authorization/roles",
  "POST /api/v2/authorization/roles",
  "PUT /api/v2/authorization/roles/{id}",
  "DELETE /api/v2/authorization/roles/{id}",
  "PUT /api/v2/authorization/roles/{id}/users/add",
  "GET /api/v2/authorization/divisions/home",
  "GET /api/v2/oauth/clients",
  "POST /api/v2/oauth/clients",
  "POST /api/v2/oauth/clients/{id}/secret",
  "DELETE /api/v2/oauth/clients/{id}",
  "GET /api/v2/integrations",
  "POST /api/v2/integrations",
  "PATCH /api/v2/integrations/{id}",
  "DELETE /api/v2/integrations/{id}",
  "GET /api/v2/integrations/{id}/config/current",
  "PUT /api/v2/integrations/{id}/config/current",
  "GET /api/v2/integrations/credentials",
  "POST /api/v2/integrations/credentials",
  "PUT /api/v2/integrations/credentials/{id}",
  "DELETE /api/v2/integrations/credentials/{id}",
  "GET /api/v2/integrations/actions",
  "POST /api/v2/integrations/actions",
  "DELETE /api/v2/integrations/actions/{id}",
  "GET /api/v2/integrations/actions/{id}",
  "GET /api/v2/integrations/actions/{id}/draft",
  "POST /api/v2/integrations/actions/{id}/draft",
  "PATCH /api/v2/integrations/actions/{id}/draft",
  "POST /api/v2/integrations/actions/{id}/draft/publish",
  "GET /api/v2/integrations/types",
  "PUT /api/v2/oauth/clients/{id}",
  "GET /api/v2/users/me",
  "GET /api/v2/flows",
  "GET /api/v2/routing/queues",
] as const;

/** What Genesys puts in a fresh custom auth action before anyone configures it. */
const defaultAuthConfig = { request: { requestUrlTemplate: "", requestType: "POST", headers: {}, requestTemplate: "${input.rawRequest}" }, response: { translationMap: {}, translationMapDefaults: {}, successTemplate: "${rawResult}" } };

function patternMatch(pattern: string, method: string, path: string): string[] | null {
  const [m, p] = pattern.split(" ") as [string, string];
  if (m !== method.toUpperCase()) return null;
  const want = p.split("/");
  const have = path.split("/");
  if (want.length !== have.length) return null;
  const params: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (want[i] === "{id}") params.push(decodeURIComponent(have[i]!));
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

export function createPlatformFake(options: PlatformFakeOptions = {}): PlatformFake {
  const records: PlatformRecords = {
    roles: [],
    roleMembers: {},
    oauthClients: [],
    integrations: [],
    credentials: [],
    actions: [],
    authActions: {},
    refusals: [],
    flows: options.flows ?? [],
    queues: options.queues ?? [],
  };
  const integrationTypes = options.integrationTypes ?? ["premium-app-example", "embedded-client-app-interaction-widget", "custom-rest-actions", "purecloud-data-actions"];
  /** roleId → userId → users/me reads left before the grant shows. */
  const pendingGrants = new Map<string, Map<string, number>>();
  const refuse = (route: string, status: number, code: string, message: string): StandInReply => {
    records.refusals.push({ route, status, message });
    return genesysError(status, code, message);
  };
  const rolesShownTo = (userId: string) => {
    const shown: Array<{ id: string; name: string }> = [];
    for (const role of records.roles) {
      if (!(records.roleMembers[role.id] ?? []).includes(userId)) continue;
      const pending = pendingGrants.get(role.id);
      const left = pending?.get(userId) ?? 0;
      if (left > 0) {
        pending!.set(userId, left - 1);
        continue;
      }
      shown.push({ id: role.id, name: role.name });
    }
    return shown;
  };
  /** Genesys lets a user give a client only roles they hold (GENESYS.md §0 "Roles"). */
  const rolesNotHeld = (body: Record<string, unknown>, caller: string): string[] => {
    const wanted = [...((body.roleDivisions as Array<{ roleId?: string }> | undefined) ?? []).map((r) => r.roleId ?? ""), ...((body.roleIds as string[] | undefined) ?? [])];
    const held = new Set(rolesShownTo(caller).map((r) => r.id));
    return wanted.filter((id) => !held.has(id));
  };
  const checkClient = (route: string, body: Record<string, unknown>, caller: string): StandInReply | null => {
    if (body.authorizedGrantType === "CLIENT-CREDENTIALS") {
      const missing = rolesNotHeld(body, caller);
      if (missing.length > 0) return refuse(route, 400, "bad.request", `you cannot grant roles you do not hold: ${missing.join(", ")}`);
    } else {
      // Terraform provider oauth_client schema: scopes must be set for clients not using CLIENT-CREDENTIALS.
      if (!Array.isArray(body.scope) || body.scope.length === 0) return refuse(route, 400, "bad.request", "scope is required for this grant type");
      if (!Array.isArray(body.registeredRedirectUri) || body.registeredRedirectUri.length === 0) return refuse(route, 400, "bad.request", "registeredRedirectUri is required for this grant type");
    }
    return null;
  };
  /** Genesys makes the custom auth action itself for a User Defined (OAuth) credential in the basicAuth slot (Terraform custom_auth_action guide). */
  const syncAuthAction = (integration: PlatformRecords["integrations"][number]) => {
    const id = `customAuth_-_${integration.id}`;
    const slot = (integration.config.credentials as { basicAuth?: { id?: string } } | undefined)?.basicAuth?.id;
    const credential = records.credentials.find((c) => c.id === slot);
    const oauthCredential = integration.integrationType.id === "custom-rest-actions" && (credential?.type as { name?: string } | undefined)?.name === "userDefinedOAuth";
    if (!oauthCredential) delete records.authActions[id];
    else records.authActions[id] ??= { published: { version: 1, config: defaultAuthConfig }, draft: null, publications: 0 };
  };
  const failures: Array<{ method: string; pattern: string; status: number }> = [];
  const homeDivision = { id: randomUUID(), name: "Home", homeDivision: true };
  const processAutomation = createProcessAutomationFake(records.flows);
  const imported = options.importedDataActions ?? ["Longrun - Find Queue", "Longrun - Get IVR Participant", "Longrun - Transfer Call To Queue"].map((name) => ({ category: "Genesys Cloud", name }));
  const architectJobs = createArchitectJobsFake({
    flows: records.flows,
    dataActions: () => [...imported, ...records.actions.map((a) => ({ category: typeof a.category === "string" ? a.category : "", name: a.name }))],
  });
  const notFound = (what: string) => genesysError(404, "not.found", `${what} not found`);
  /** A POST that creates a record: kept, and answered as Genesys does, with the record. */
  const added = <T extends { id: string }>(list: T[], record: T): StandInReply => {
    list.push(record);
    return { status: 200, body: record };
  };
  /** A DELETE by id: Genesys's 404 when there is no such record, else `done` (each DELETE has its own success answer). */
  const removeById = (list: Array<{ id: string }>, id: string, what: string, done: StandInReply = { status: 204 }): StandInReply => {
    const index = list.findIndex((r) => r.id === id);
    if (index < 0) return notFound(what);
    list.splice(index, 1);
    return done;
  };
  const listing = <T>(entities: T[]) => ({ status: 200, body: { entities, pageSize: 100, pageNumber: 1, total: entities.length, pageCount: 1 } });
  const parse = (body: string): Record<string, unknown> => {
    try {
      return body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };

  function route(key: (typeof platformPatterns)[number], id: string, query: URLSearchParams, raw: string, caller: string): StandInReply {
    const body = parse(raw);
    switch (key) {
      case "GET /api/v2/users/me":
        return { status: 200, body: { id: caller, name: "Installer", authorization: { roles: rolesShownTo(caller), permissions: [] } } };
      case "GET /api/v2/integrations/types":
        return listing(integrationTypes.map((typeId) => ({ id: typeId, name: typeId })));
      case "GET /api/v2/flows":
      case "GET /api/v2/routing/queues": {
        // ArchitectApi.getFlows / RoutingApi.getRoutingQueues (purecloud-platform-client-v2 v262 src/…/api):
        // pageSize and pageNumber paginate; getFlows filters by repeated `type`, getRoutingQueues by `name` (asterisks allowed).
        const pageSize = Number(query.get("pageSize") ?? 25);
        const pageNumber = Number(query.get("pageNumber") ?? 1);
        if (!Number.isInteger(pageSize) || pageSize < 1 || !Number.isInteger(pageNumber) || pageNumber < 1) return refuse(key, 400, "bad.request", "pageSize and pageNumber must be positive integers");
        const types = query.getAll("type");
        const name = query.get("name")?.replace(/^\*|\*$/g, "").toLowerCase();
        const all =
          key === "GET /api/v2/flows"
            ? records.flows.filter((f) => types.length === 0 || types.includes(f.type))
            : records.queues.filter((q) => !name || q.name.toLowerCase().includes(name));
        const entities = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
        return { status: 200, body: { entities, pageSize, pageNumber, total: all.length, pageCount: Math.max(1, Math.ceil(all.length / pageSize)) } };
      }
      case "PUT /api/v2/oauth/clients/{id}": {
        const client = records.oauthClients.find((c) => c.id === id);
        if (!client) return notFound("OAuth client");
        const refused = checkClient(key, body, caller);
        if (refused) return refused;
        Object.assign(client, body, { id, secret: client.secret });
        const { secret: _secret, ...rest } = client;
        return { status: 200, body: rest };
      }
      case "GET /api/v2/integrations/actions/{id}": {
        const auth = records.authActions[id];
        if (auth) return { status: 200, body: { id, name: "Custom Auth", version: auth.published.version, ...(query.get("includeConfig") === "true" ? { config: auth.published.config } : {}) } };
        const action = records.actions.find((a) => a.id === id);
        return action ? { status: 200, body: action } : notFound("action");
      }
      case "GET /api/v2/integrations/actions/{id}/draft": {
        const draft = records.authActions[id]?.draft;
        return draft ? { status: 200, body: { id, version: draft.version, ...(query.get("includeConfig") === "true" ? { config: draft.config } : {}) } } : notFound("draft");
      }
      case "POST /api/v2/integrations/actions/{id}/draft": {
        const auth = records.authActions[id];
        if (!auth) return notFound("action");
        if (auth.draft) return refuse(key, 409, "draft.exists", "the action already has a draft");
        auth.draft = { version: auth.published.version + 1, config: auth.published.config };
        return { status: 200, body: { id, name: "Custom Auth", version: auth.draft.version, config: auth.draft.config } };
      }
      case "GET /api/v2/authorization/roles": {
        const name = query.get("name");
        return listing(records.roles.filter((r) => !name || r.name.toLowerCase().includes(name.toLowerCase())));
      }
      case "POST /api/v2/authorization/roles": {
        if (records.roles.some((r) => r.name === body.name)) return genesysError(409, "general.conflict", "a role with this name exists");
        return added(records.roles, { ...body, id: randomUUID(), name: String(body.name) });
      }
      case "PUT /api/v2/authorization/roles/{id}": {
        const role = records.roles.find((r) => r.id === id);
        if (!role) return notFound("role");
        Object.assign(role, body, { id });
        return { status: 200, body: role };
      }
      case "DELETE /api/v2/authorization/roles/{id}":
        return removeById(records.roles, id, "role");
      case "PUT /api/v2/authorization/roles/{id}/users/add": {
        if (!records.roles.some((r) => r.id === id)) return notFound("role");
        const users = Array.isArray(JSON.parse(raw || "[]")) ? (JSON.parse(raw) as string[]) : [];
        const pending = pendingGrants.get(id) ?? new Map<string, number>();
        for (const user of users) if (!(records.roleMembers[id] ?? []).includes(user)) pending.set(user, options.grantVisibleAfterReads ?? 1);
        pendingGrants.set(id, pending);
        records.roleMembers[id] = [...new Set([...(records.roleMembers[id] ?? []), ...users])];
        return { status: 200, body: users };
      }
      case "GET /api/v2/authorization/divisions/home":
        return { status: 200, body: homeDivision };
      case "GET /api/v2/oauth/clients":
        return listing(records.oauthClients.map(({ secret: _secret, ...rest }) => rest));
      case "POST /api/v2/oauth/clients": {
        const refused = checkClient(key, body, caller);
        if (refused) return refused;
        return added(records.oauthClients, { ...body, id: randomUUID(), name: String(body.name), secret: randomBytes(24).toString("base64url") });
      }
      case "POST /api/v2/oauth/clients/{id}/secret": {
        const client = records.oauthClients.find((c) => c.id === id);
        if (!client) return notFound("OAuth client");
        client.secret = randomBytes(24).toString("base64url");
        return { status: 200, body: client };
      }
      case "DELETE /api/v2/oauth/clients/{id}":
        return removeById(records.oauthClients, id, "OAuth client");
      case "GET /api/v2/integrations":
        return listing(records.integrations.map(({ config: _config, ...rest }) => rest));
      case "POST /api/v2/integrations": {
        const type = (body.integrationType as { id?: string } | undefined)?.id ?? "";
        const integration = { id: randomUUID(), name: String(body.name), integrationType: { id: type }, intendedState: "DISABLED", config: { name: String(body.name), version: 1, properties: {}, advanced: {}, notes: "", credentials: {} } };
        records.integrations.push(integration);
        return { status: 200, body: { ...integration, config: undefined } };
      }
      case "PATCH /api/v2/integrations/{id}": {
        const integration = records.integrations.find((i) => i.id === id);
        if (!integration) return notFound("integration");
        if (typeof body.intendedState === "string") integration.intendedState = body.intendedState;
        return { status: 200, body: { ...integration, config: undefined } };
      }
      case "DELETE /api/v2/integrations/{id}":
        records.actions = records.actions.filter((a) => a.integrationId !== id);
        delete records.authActions[`customAuth_-_${id}`];
        return removeById(records.integrations, id, "integration", { status: 200, body: {} });
      case "GET /api/v2/integrations/{id}/config/current": {
        const integration = records.integrations.find((i) => i.id === id);
        return integration ? { status: 200, body: integration.config } : notFound("integration");
      }
      case "PUT /api/v2/integrations/{id}/config/current": {
        const integration = records.integrations.find((i) => i.id === id);
        if (!integration) return notFound("integration");
        if (body.version !== integration.config.version) return genesysError(409, "version.mismatch", "config version does not match the current version");
        integration.config = { ...(body), version: integration.config.version + 1 };
        syncAuthAction(integration);
        return { status: 200, body: integration.config };
      }
      case "GET /api/v2/integrations/credentials":
        return listing(records.credentials.map(({ credentialFields: _fields, ...rest }) => rest));
      case "POST /api/v2/integrations/credentials": {
        const credential: Record<string, unknown> & { id: string; name: string } = { ...body, id: randomUUID(), name: String(body.name) };
        records.credentials.push(credential);
        return { status: 200, body: { id: credential.id, name: credential.name, type: credential.type } };
      }
      case "PUT /api/v2/integrations/credentials/{id}": {
        const credential = records.credentials.find((c) => c.id === id);
        if (!credential) return notFound("credential");
        Object.assign(credential, body, { id });
        return { status: 200, body: { id, name: credential.name, type: credential.type } };
      }
      case "DELETE /api/v2/integrations/credentials/{id}":
        return removeById(records.credentials, id, "credential");
      case "GET /api/v2/integrations/actions": {
        const category = query.get("category");
        return listing(records.actions.filter((a) => !category || a.category === category));
      }
      case "POST /api/v2/integrations/actions": {
        if (!records.integrations.some((i) => i.id === body.integrationId)) return genesysError(400, "bad.request", "integrationId does not name an integration");
        return added(records.actions, { ...body, id: `custom_-_${randomUUID()}`, name: String(body.name), integrationId: String(body.integrationId) });
      }
      case "DELETE /api/v2/integrations/actions/{id}":
        return removeById(records.actions, id, "action");
      case "PATCH /api/v2/integrations/actions/{id}/draft": {
        const auth = records.authActions[id];
        if (!auth?.draft) return notFound("draft");
        if (body.version !== auth.draft.version) return refuse(key, 409, "version.mismatch", `draft version is ${auth.draft.version}, not ${String(body.version)}`);
        if ("contract" in body || "secure" in body) return refuse(key, 400, "bad.request", "a custom auth action's contract cannot be changed");
        auth.draft = { version: auth.draft.version + 1, config: body.config ?? auth.draft.config };
        return { status: 200, body: { id, version: auth.draft.version, config: auth.draft.config } };
      }
      case "POST /api/v2/integrations/actions/{id}/draft/publish": {
        const auth = records.authActions[id];
        if (!auth?.draft) return notFound("draft");
        if (body.version !== auth.draft.version) return refuse(key, 409, "version.mismatch", `draft version is ${auth.draft.version}, not ${String(body.version)}`);
        auth.published = { version: auth.draft.version, config: auth.draft.config };
        auth.draft = null;
        auth.publications += 1;
        return { status: 200, body: { id, version: auth.published.version } };
      }
    }
  }

  return {
    records,
    processAutomation,
    architectJobs,
    failOnce(method, pattern, status = 500) {
      failures.push({ method: method.toUpperCase(), pattern, status });
    },
    handles(method, path) {
      return platformPatterns.some((p) => patternMatch(p, method, path) !== null) || processAutomation.handles(method, path) || architectJobs.handles(method, path);
    },
    rolesShownTo,
    handle(method, path, query, body, caller) {
      const failure = failures.findIndex((f) => f.method === method.toUpperCase() && patternMatch(`${f.method} ${f.pattern}`, method, path) !== null);
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        return genesysError(f!.status, "internal.server.error", "The stand-in failed this request on purpose.");
      }
      const automation = processAutomation.handles(method, path) ? processAutomation.handle(method, path, query, body) : null;
      if (automation) return automation;
      if (architectJobs.handles(method, path)) return architectJobs.handle(method, path, query);
      // Exact paths first ("/integrations/credentials" is not an integration id).
      const ordered = [...platformPatterns].sort((a, b) => Number(a.includes("{id}")) - Number(b.includes("{id}")));
      for (const pattern of ordered) {
        const params = patternMatch(pattern, method, path);
        if (params) return route(pattern, params[0] ?? "", query, body, caller ?? options.userId ?? "11111111-2222-3333-4444-555555555555");
      }
      return genesysError(404, "not.found", `no platform route for ${method} ${path}`);
    },
    counts() {
      return { roles: records.roles.length, oauthClients: records.oauthClients.length, integrations: records.integrations.length, credentials: records.credentials.length, actions: records.actions.length };
    },
  };
}
