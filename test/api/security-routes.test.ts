// Route inventory: every route under app/api, found on disk, refuses requests
// without valid credentials (except a short list of public ones); every route
// answers another org's credentials with 404 (or, for signed webhooks, 401)
// and changes nothing of the first org; every answer carries the security headers.
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { db } from "@/lib/db/client";
import { peerHeader } from "@/lib/security/peer-header";
import { base, call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { discoverRoutes, fillPath, routeFiles, type DiscoveredRoute } from "@/test/support/route-inventory";
import { snapshotOfOrg } from "@/test/support/security-db";
import { startAgentDirectory, type AgentDirectory } from "@/test/support/security-genesys";

/** The only routes anyone may call. Adding one here is a security decision: say why in review. */
const publicRoutes = new Set([
  "GET /api/health", // liveness for load balancers; says nothing but ok/degraded
  "GET /api/openapi.json", // the published API description
  // The admin sign-in flow itself (next-auth: CSRF token and OAuth state); what it protects checks the session.
  "GET /api/auth/[...nextauth]",
  "POST /api/auth/[...nextauth]",
]);
/** Public routes served by the API wrapper (the others are framework endpoints with their own headers). */
const wrappedPublicRoutes = new Set(["GET /api/health", "GET /api/openapi.json"]);
/** Credentials are the point of it: without valid ones it refuses like any protected route. */
const credentialEndpoints = new Set(["POST /api/oauth/token"]);

let genesys: AgentDirectory;

let victim: TestOrg;
let attacker: TestOrg;
let routes: DiscoveredRoute[];
const ids = { workflowId: "", taskId: "", conversationId: randomUUID(), deliveryId: randomUUID(), customerId: `CUST-${randomUUID()}`, processName: "victim-process" };
/** A valid process definition, so that a PUT's refusal is about who is asking. */
const processDefinition = JSON.stringify({ steps: [{ name: "check", kind: "task", task_type: "FRAUD" }] });
/** Routes that create by name: another org's credentials create in that org (checked: the victim's rows stay as they were). */
const createsByName = new Set(["PUT /api/v1/processes/[name]"]);

beforeAll(async () => {
  genesys = startAgentDirectory();
  victim = await newOrg();
  attacker = await newOrg();
  genesys.agentOf(attacker.orgId, "agent-of-attacker");
  const body = workflowBody({ conversation_id: ids.conversationId, customer_id: ids.customerId });
  expect((await call(initiate, "/api/v1/workflows", { body, token: victim.token })).status).toBe(201);
  ids.workflowId = body.workflow_id;
  const task = await jsonOf<{ task_id: string }>(await call(dispatch, "/x", { params: { id: ids.workflowId }, body: { task_type: "FRAUD", dispatch: false }, token: victim.token }));
  ids.taskId = task.task_id;
  const { PUT: putProcess } = await import("@/app/api/v1/processes/[name]/route");
  expect((await call(putProcess, "/x", { method: "PUT", params: { name: ids.processName }, rawBody: processDefinition, headers: { "content-type": "application/json" }, token: victim.token })).status).toBe(201);
  const prisma = await db();
  await prisma.delivery.create({
    data: { id: ids.deliveryId, orgId: victim.orgId, workflowId: ids.workflowId, taskId: ids.taskId, kind: "DISPATCH_TASK", payload: {}, status: "DEAD", attempts: 8, lastError: "HTTP 503" },
  });
  routes = await discoverRoutes();
});
afterAll(() => genesys.close());

function key(route: DiscoveredRoute): string {
  return `${route.method} ${route.path}`;
}

function valueFor(p: { parent: string; name: string }): string {
  if (p.name === "taskId") return ids.taskId;
  if (p.name === "conversationId") return ids.conversationId;
  if (p.name === "id" && p.parent === "dead-letters") return ids.deliveryId;
  if (p.name === "id") return ids.workflowId;
  if (p.name === "name" && p.parent === "processes") return ids.processName;
  return randomUUID();
}

const isWebhook = (route: DiscoveredRoute) => /\/webhooks\/|\/heartbeat$/.test(route.path);
const isCron = (route: DiscoveredRoute) => route.path.startsWith("/api/cron/");

/** Plausible valid bodies, so a refusal is about who is asking, not what. */
function bodyFor(route: DiscoveredRoute): string | undefined {
  if (route.method === "GET" || route.method === "HEAD") return undefined;
  if (key(route) === "POST /api/oauth/token") return "grant_type=client_credentials";
  if (route.path.endsWith("/tasks")) return JSON.stringify({ task_type: "FRAUD", dispatch: false });
  if (route.path.endsWith("/cancel")) return JSON.stringify({ reason: "cross-org probe" });
  if (route.path.includes("/webhooks/")) return JSON.stringify({ result: "SUCCESS", version: 2, task_id: ids.taskId });
  if (route.path.endsWith("/heartbeat")) return "";
  if (createsByName.has(key(route))) return processDefinition;
  return JSON.stringify({});
}

async function send(route: DiscoveredRoute, headers: Record<string, string>): Promise<{ res: Response; text: string }> {
  const { url, params } = fillPath(route, valueFor);
  const body = bodyFor(route);
  const contentType = key(route) === "POST /api/oauth/token" ? "application/x-www-form-urlencoded" : "application/json";
  const abort = new AbortController();
  // What Next hands a route handler: a NextRequest (cookies, nextUrl) over the same Request.
  const request = new NextRequest(new URL(url, base), {
    method: route.method,
    headers: { ...(body !== undefined ? { "content-type": contentType } : {}), ...headers },
    body,
    signal: abort.signal,
  });
  const res = await route.handler(request, { params: Promise.resolve(params) });
  let text = "";
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream") && res.body) {
    // A stream: its first event is the snapshot; then hang up.
    const reader = res.body.getReader();
    const first = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    text = first && first.value ? new TextDecoder().decode(first.value) : "";
    abort.abort();
    await reader.cancel().catch(() => undefined);
  } else {
    text = await res.text();
  }
  return { res, text };
}

/** Standard Webhooks headers over the route's probe body, keeping the probe's own content type. */
function signatureOnly(secret: string, route: DiscoveredRoute): Record<string, string> {
  const { "content-type": _ignored, ...headers } = signed(secret, bodyFor(route) ?? "");
  return headers;
}

function expectSecurityHeaders(res: Response, what: string): void {
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(res.headers.get("content-security-policy"), what).toContain("frame-ancestors");
  expect(res.headers.get("referrer-policy"), what).toBeTruthy();
  expect(res.headers.get("x-request-id"), what).toBeTruthy();
}

function expectCleanError(text: string, what: string): void {
  const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
  expect(typeof body.error?.code, what).toBe("string");
  expect(text, what).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|whsec_|lrs_|lrt_[A-Za-z0-9_-]{20,}/);
}

describe("route inventory", () => {
  it("finds every route file on disk, including the ones this suite knows by name", () => {
    const keys = routes.map(key);
    expect(routeFiles().length).toBeGreaterThanOrEqual(10);
    for (const known of ["POST /api/v1/workflows", "GET /api/v1/workflows/[id]", "POST /api/v1/webhooks/flow/callback/[id]", "POST /api/v1/workflows/[id]/tasks/[taskId]/heartbeat", "POST /api/oauth/token", "GET /api/health"]) {
      expect(keys).toContain(known);
    }
    // Every file exports at least one method handler.
    for (const file of routeFiles()) expect(routes.some((r) => r.file === file), file).toBe(true);
  });

  it("refuses every non-public route without valid credentials (401/403), with a clean error and the security headers", async () => {
    const unrelatedSecret = `whsec_${Buffer.from(randomUUID()).toString("base64")}`;
    const checked: string[] = [];
    for (const route of routes) {
      if (publicRoutes.has(key(route))) continue;
      const attempts: Array<[string, Record<string, string>]> = [
        ["no credentials", {}],
        ["a forged bearer token", { authorization: "Bearer lrt_forged0000000000000000000000000000000" }],
        ["garbage Basic credentials", { authorization: `Basic ${Buffer.from("lr_nobody:nothing").toString("base64")}` }],
        ["an empty bearer", { authorization: "Bearer " }],
        ["a signature by an unknown secret", signatureOnly(unrelatedSecret, route)],
        [isCron(route) ? "a data-action token on a cron route" : "the cron secret", { authorization: `Bearer ${isCron(route) ? attacker.token : process.env.CRON_SECRET}` }],
      ];
      for (const [name, headers] of attempts) {
        const what = `${key(route)} with ${name}`;
        const { res, text } = await send(route, headers);
        expect([401, 403], `${what}: ${res.status} ${text}`).toContain(res.status);
        expectSecurityHeaders(res, what);
        expectCleanError(text, what);
      }
      checked.push(key(route));
    }
    expect(checked.length).toBeGreaterThanOrEqual(8);
  });

  it("keeps the public routes public and still sends the security headers", async () => {
    for (const route of routes.filter((r) => wrappedPublicRoutes.has(key(r)))) {
      const { res } = await send(route, {});
      expect(res.status, key(route)).toBe(200);
      expectSecurityHeaders(res, key(route));
    }
  });
});

describe("cross-org access", () => {
  it("answers every route called with another org's credentials with 404 (401 for signed webhooks), leaks nothing and changes nothing", async () => {
    const credentialKinds: Array<[string, (route: DiscoveredRoute) => Record<string, string>]> = [
      ["data-action token", () => ({ authorization: `Bearer ${attacker.token}` })],
      ["agent token", () => ({ authorization: "Bearer agent-of-attacker", "x-genesys-region": "mypurecloud.com" })],
      ["signature", (route) => signatureOnly(attacker.signingSecret, route)],
    ];
    const victimData = [ids.workflowId, ids.taskId, ids.deliveryId, ids.customerId, victim.orgId, `data-action:${victim.clientId}`];
    const exercised: string[] = [];
    for (const route of routes) {
      if (publicRoutes.has(key(route)) || credentialEndpoints.has(key(route)) || isCron(route)) continue;
      const objectParams = route.params.filter((p) => p.name !== "conversationId");
      for (const [kind, headers] of credentialKinds) {
        const before = await snapshotOfOrg(victim.orgId);
        const { res, text } = await send(route, headers(route));
        const what = `${key(route)} with the other org's ${kind}: ${res.status} ${text.slice(0, 300)}`;
        expect(res.status, what).toBeLessThan(500);
        for (const secret of victimData) expect(text, what).not.toContain(secret);
        expect(await snapshotOfOrg(victim.orgId), what).toEqual(before);
        if (res.status === 401 || (res.status === 403 && !isWebhook(route))) continue; // not this route's kind of credential
        exercised.push(key(route));
        if (objectParams.length > 0) expect(res.status, what).toBe(createsByName.has(key(route)) ? 201 : 404);
      }
      if (isWebhook(route)) {
        // The org of a webhook comes from its signature: another org's signature is simply not valid here.
        const { res } = await send(route, signatureOnly(attacker.signingSecret, route));
        expect(res.status, key(route)).toBe(401);
      }
    }
    for (const known of ["GET /api/v1/workflows/[id]", "POST /api/v1/workflows/[id]/tasks", "POST /api/v1/workflows/[id]/cancel", "GET /api/v1/workflows/[id]/events"]) {
      expect(exercised, known).toContain(known);
    }
  });

  it("lets the owner through on the same requests (the probes above were valid except for their owner)", async () => {
    const read = routes.find((r) => key(r) === "GET /api/v1/workflows/[id]")!;
    const { res, text } = await send(read, { authorization: `Bearer ${victim.token}` });
    expect(res.status).toBe(200);
    expect(text).toContain(ids.customerId);
  });
});

describe("rate limits on every /api/v1 route", () => {
  it("answers the request over the limit with 429 RATE_LIMITED, whatever the route and its kind of credentials", async () => {
    vi.stubEnv("RATE_LIMIT_CLIENT_PER_MINUTE", "1");
    vi.stubEnv("RATE_LIMIT_WEBHOOK_PEER_PER_MINUTE", "1");
    vi.stubEnv("LONGRUN_PEER_HEADER", "1");
    try {
      let n = 0;
      for (const route of routes.filter((r) => r.path.startsWith("/api/v1/"))) {
        n++;
        const fresh = await newOrg();
        const agentToken = genesys.agentOf(fresh.orgId);
        const kinds: Array<Record<string, string>> = isWebhook(route)
          ? [{ ...signatureOnly(fresh.signingSecret, route), [peerHeader]: `192.0.2.${n}` }]
          : [{ authorization: `Bearer ${fresh.token}` }, { authorization: `Bearer ${agentToken}` }];
        let limited = false;
        for (const headers of kinds) {
          const first = await send(route, headers);
          // Not this route's kind of credential (webhooks are limited per peer before any check, so they count regardless).
          if (first.res.status === 401 && !isWebhook(route)) continue;
          const second = await send(route, headers);
          expect(second.res.status, `${key(route)}: ${second.text}`).toBe(429);
          expect(second.res.headers.get("retry-after"), key(route)).toMatch(/^\d+$/);
          expect(JSON.parse(second.text), key(route)).toMatchObject({ error: { code: "RATE_LIMITED" } });
          limited = true;
        }
        expect(limited, `${key(route)} was never rate limited`).toBe(true);
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
