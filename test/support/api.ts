// Calls route handlers with real Request objects, the way Next.js does.
import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { clock } from "@/lib/clock";
import { createOrg } from "@/lib/orgs/create-org";
import type { OrgSettings } from "@/lib/orgs/org-settings";

type RouteHandler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

export const base = "http://longrun.test";

export interface CallOptions<P> {
  method?: string;
  params?: P;
  body?: unknown;
  /** A raw body is sent as is; an object is JSON-encoded. */
  rawBody?: string;
  headers?: Record<string, string>;
  token?: string;
}

export async function call<P = Record<string, never>>(handler: RouteHandler<P>, path: string, options: CallOptions<P> = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  let body: string | undefined = options.rawBody;
  if (body === undefined && options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  const request = new Request(new URL(path, base), { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  return handler(request, { params: Promise.resolve((options.params ?? {}) as P) });
}

export async function jsonOf<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export interface TestOrg {
  orgId: string;
  clientId: string;
  clientSecret: string;
  signingSecret: string;
  token: string;
}

export async function newOrg(options: { orchestratorUrl?: string; settings?: Partial<OrgSettings>; scope?: string } = {}): Promise<TestOrg> {
  const { POST: token } = await import("@/app/api/oauth/token/route");
  const org = await createOrg({ orgId: randomUUID(), region: "mypurecloud.com", orchestratorUrl: options.orchestratorUrl }, options.settings);
  const response = await call(token, "/api/oauth/token", {
    body: { grant_type: "client_credentials", client_id: org.clientId, client_secret: org.clientSecret, ...(options.scope ? { scope: options.scope } : {}) },
  });
  if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
  const { access_token } = await jsonOf<{ access_token: string }>(response);
  return { ...org, token: access_token };
}

export function workflowBody(overrides: Record<string, unknown> = {}) {
  return {
    workflow_id: randomUUID(),
    customer_id: "CUST-1001",
    conversation_id: randomUUID(),
    timestamp: "2026-11-27T10:00:00.000Z",
    status: "INITIATED",
    context: { product: "card", amount: 1200 },
    ...overrides,
  };
}

/** Standard Webhooks headers signed with the org's secret, timestamped by Longrun's clock. */
export function signed(secret: string, body: string, options: { id?: string; at?: Date } = {}): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? clock.now();
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, at, body),
  };
}
