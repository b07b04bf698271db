// Property-based fuzzing of every route under app/api (found on disk): random
// and half-valid headers, credentials, bodies, paths and queries. Whatever
// arrives: never a 5xx, never a stack trace or a secret in the answer, and a
// refused request writes nothing anywhere (every table fingerprinted before
// and after; rate-limit counters and the deduplicated refusal audit rows are
// the intended exceptions, and a validly signed webhook may keep its one
// answer for redelivery).
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { peerHeader } from "@/lib/security/peer-header";
import { setSourceCidrs } from "@/lib/security/source-allowlist";
import { base, call, jsonOf, newOrg, workflowBody, type TestOrg } from "@/test/support/api";
import { discoverRoutes, fillPath, type DiscoveredRoute } from "@/test/support/route-inventory";
import { startAgentDirectory, type AgentDirectory } from "@/test/support/security-genesys";

/** Cases in all, spread over the route handlers found (at least 40 each). */
const totalRuns = Number(process.env.SECURITY_FUZZ_RUNS ?? 2000);
/**
 * next-auth's endpoints read cookies() from Next's request scope and cannot be
 * called outside a running Next server; they are library code with their own
 * CSRF and state checks, not ours.
 */
const onlyInsideNext = new Set(["/api/auth/[...nextauth]"]);

let org: TestOrg;
let fenced: TestOrg;
let genesys: AgentDirectory;
let agentToken: string;
let routes: DiscoveredRoute[];
const ids = { workflowId: "", taskId: "", fencedWorkflowId: "", conversationId: randomUUID(), deliveryId: randomUUID() };
let total = 0;
let runsPerRoute = 40;
/** The database's fingerprint after the last case: the "before" of the next. */
let baseline: Record<string, string> = {};

beforeAll(async () => {
  // Limits out of the way: this file is about what each route does with what it is given.
  for (const name of ["RATE_LIMIT_CLIENT_PER_MINUTE", "RATE_LIMIT_ORG_PER_MINUTE", "RATE_LIMIT_TOKEN_CLIENT_PER_MINUTE", "RATE_LIMIT_TOKEN_PEER_PER_MINUTE", "RATE_LIMIT_WEBHOOK_PEER_PER_MINUTE", "RATE_LIMIT_WEBHOOK_ORG_PER_MINUTE"]) {
    vi.stubEnv(name, "10000000");
  }
  vi.stubEnv("LONGRUN_PEER_HEADER", "1");
  vi.stubEnv("TRUSTED_PROXY_CIDRS", "10.0.0.0/8");
  genesys = startAgentDirectory();
  org = await newOrg();
  fenced = await newOrg();
  await setSourceCidrs(fenced.orgId, ["203.0.113.0/24", "2001:db8::/32"], "test");
  agentToken = genesys.agentOf(org.orgId);
  const body = workflowBody({ conversation_id: ids.conversationId });
  await call(initiate, "/x", { body, token: org.token });
  ids.workflowId = body.workflow_id;
  ids.taskId = (await jsonOf<{ task_id: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FUZZ", dispatch: false }, token: org.token }))).task_id;
  const fencedBody = workflowBody();
  await call(initiate, "/x", { body: fencedBody, token: fenced.token });
  ids.fencedWorkflowId = fencedBody.workflow_id;
  await call(dispatch, "/x", { params: { id: fencedBody.workflow_id }, body: { task_type: "FUZZ", dispatch: false }, token: fenced.token });
  await (await db()).delivery.create({ data: { id: ids.deliveryId, orgId: org.orgId, kind: "DISPATCH_TASK", payload: {}, status: "DEAD", attempts: 8 } });
  routes = (await discoverRoutes()).filter((r) => !onlyInsideNext.has(r.path));
  runsPerRoute = Math.max(40, Math.ceil(totalRuns / routes.length));
  baseline = await fingerprint();
});
afterAll(() => {
  genesys.close();
  vi.unstubAllEnvs();
});

/** All tables in one round trip: row count and a hash of every row. */
async function fingerprint(): Promise<Record<string, string>> {
  const prisma = await db();
  const tables = (await prisma.$queryRaw<Array<{ name: string }>>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_prisma%'`).map((t) => t.name);
  const parts = tables.map((t) => {
    const where = t === "RateLimitBucket" ? "WHERE false" : t === "AuditEntry" ? `WHERE NOT (action LIKE 'webhook.%_refused')` : "";
    return `SELECT '${t}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS print FROM "${t}" x ${where}`;
  });
  const rows = await prisma.$queryRawUnsafe<Array<{ name: string; print: string }>>(parts.join(" UNION ALL "));
  return Object.fromEntries(rows.map((r) => [r.name, r.print]));
}

// --- arbitraries -----------------------------------------------------------

/** Header values a real client can send (visible ASCII and spaces; no CR/LF). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(..." !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"), maxLength: 80 }),
  fc.constantFrom("", " ", "null", "undefined", "0", "-1", "NaN", "1e309", "%", "%zz", "\\u0000", "../../etc/passwd", "' OR 1=1 --", "${jndi:ldap://x}", "<script>", "a".repeat(5000)),
);

const addresses = fc.constantFrom("203.0.113.5", "198.51.100.7", "10.0.0.1", "::1", "2001:db8::5", "::ffff:203.0.113.9", "fe80::1%eth0", "[2001:db8::1]:443", "256.1.1.1", "garbage", "", "203.0.113.5, 10.0.0.2");

type Auth = "none" | "junk" | "token" | "agent" | "signature" | "fencedSignature" | "basic" | "basicJunk";
const auth = fc.constantFrom<Auth>("none", "junk", "token", "token", "agent", "signature", "signature", "fencedSignature", "basic", "basicJunk");

const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.record({
    workflow_id: fc.oneof(fc.uuid(), headerValue),
    customer_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), headerValue),
    status: fc.constantFrom("INITIATED", "COMPLETED", "", 5),
    context: fc.jsonValue({ maxDepth: 3 }),
  }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({
    task_type: fc.oneof(fc.constantFrom("FRAUD", "KYC", "has space", ""), fc.string()),
    payload: fc.jsonValue({ maxDepth: 3 }),
    timeout: fc.oneof(fc.integer(), fc.double()),
    dispatch: fc.constant(false),
    reason: fc.string(),
  }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({
    result: fc.constantFrom("SUCCESS", "FAILED", "", "ok"),
    status: fc.string(),
    status_code: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.string()),
    version: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.string()),
    task_id: fc.oneof(fc.uuid(), fc.string()),
    result_data: fc.jsonValue({ maxDepth: 3 }),
  }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 30, max: 200 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
  fc.integer({ min: 30, max: 200 }).map((depth) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth)),
);

const body = fc.oneof(
  { weight: 4, arbitrary: jsonBody },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "{", "}", "[", "null", "\"x\"", "grant_type=client_credentials", "grant_type=client_credentials&client_id=%ff&client_secret=%", "\uFEFF{}") },
  { weight: 1, arbitrary: fc.integer({ min: 64 * 1024 - 16, max: 80 * 1024 }).map((n) => JSON.stringify({ blob: "x".repeat(n) })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);

const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant("application/json") },
  { weight: 1, arbitrary: fc.constantFrom("application/x-www-form-urlencoded", "text/plain", "application/json; charset=latin1", "application/merge-patch+json", "multipart/form-data; boundary=x", "APPLICATION/JSON") },
  { weight: 1, arbitrary: headerValue },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const paramValue = (real: () => string) => fc.oneof({ weight: 4, arbitrary: fc.constant(null).map(() => real()) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: headerValue });

const extraHeaderNames = ["x-forwarded-for", "x-source-ip", "x-real-ip", peerHeader, "x-request-id", "cookie", "x-genesys-region", "accept", "webhook-id", "webhook-timestamp", "webhook-signature", "forwarded", "x-vercel-forwarded-for"] as const;

const fuzzCase = fc.record({
  auth,
  body,
  contentType,
  peer: addresses,
  extra: fc.dictionary(fc.constantFrom(...extraHeaderNames), headerValue, { maxKeys: 4 }),
  query: fc.oneof(fc.constant(""), fc.constantFrom("?version=2", "?version=-1", "?task_id=x&version=abc", "?lifetime=1", "?status=DEAD&limit=5", "?limit=100000", "?%zz=1"), headerValue.map((q) => `?${encodeURIComponent(q)}=${encodeURIComponent(q)}`)),
  timestampSkew: fc.constantFrom(0, 0, 0, -301, 301, -86_400),
  paramA: paramValue(() => ids.workflowId),
  paramB: paramValue(() => ids.taskId),
  useFenced: fc.boolean(),
});

type Case = typeof fuzzCase extends fc.Arbitrary<infer T> ? T : never;

function credentials(c: Case, bodyText: string): Record<string, string> {
  switch (c.auth) {
    case "none":
      return {};
    case "junk":
      return { authorization: `Bearer ${c.extra.cookie ?? "lrt_" + "x".repeat(43)}` };
    case "token":
      return { authorization: `Bearer ${org.token}` };
    case "agent":
      return { authorization: `Bearer ${agentToken}`, "x-genesys-region": "mypurecloud.com" };
    case "basic":
      return { authorization: `Basic ${Buffer.from(`${org.clientId}:${org.clientSecret.slice(0, 5)}`).toString("base64")}` };
    case "basicJunk":
      // Whatever the client put between "Basic " and the end, percent signs included.
      return { authorization: `Basic ${Buffer.from(`${c.extra.cookie ?? "%zz"}:${c.extra.accept ?? "%"}`).toString("base64")}` };
    case "signature":
    case "fencedSignature": {
      const secret = c.auth === "signature" ? org.signingSecret : fenced.signingSecret;
      const id = `msg_${randomUUID()}`;
      const at = new Date(clock.now().getTime() + c.timestampSkew * 1000);
      return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign(id, at, bodyText) };
    }
  }
}

const secretsOf = () => [org.signingSecret, org.clientSecret, org.token, fenced.signingSecret, agentToken, process.env.CRON_SECRET!];

async function exercise(route: DiscoveredRoute, original: Case): Promise<void> {
  // Half the token endpoint's cases carry a valid grant, so the credential parsing behind it gets fuzzed too.
  const c: Case = route.path === "/api/oauth/token" && original.useFenced
    ? { ...original, body: "grant_type=client_credentials", contentType: "application/x-www-form-urlencoded" }
    : original;
  const bodyText = typeof c.body === "string" ? c.body : Buffer.from(c.body).toString("latin1");
  const { url, params } = fillPath(route, (p) => {
    if (p.name === "taskId") return c.paramB;
    if (p.name === "conversationId") return ids.conversationId;
    if (p.name === "id" && p.parent === "dead-letters") return c.paramA === ids.workflowId ? ids.deliveryId : c.paramA;
    if (p.name === "id" && c.useFenced && c.paramA === ids.workflowId) return ids.fencedWorkflowId;
    return c.paramA;
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(c.extra)) headers.set(name, value);
  headers.set(peerHeader, c.peer);
  if (c.contentType !== undefined) headers.set("content-type", c.contentType);
  for (const [name, value] of Object.entries(credentials(c, bodyText))) headers.set(name, value);
  const hasBody = route.method !== "GET" && route.method !== "HEAD";
  const abort = new AbortController();
  const request = new NextRequest(new URL(url + c.query, base), { method: route.method, headers, body: hasBody ? (typeof c.body === "string" ? c.body : c.body) : undefined, signal: abort.signal });

  const before = baseline;
  const response = await route.handler(request, { params: Promise.resolve(params) });
  let text = "";
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream") && response.body) {
    const reader = response.body.getReader();
    const first = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    text = first?.value ? new TextDecoder().decode(first.value) : "";
    abort.abort();
    await reader.cancel().catch(() => undefined);
  } else {
    text = await response.text();
  }
  total++;
  const what = `${route.method} ${url}${c.query} (${c.auth}) → ${response.status} ${text.slice(0, 200)}`;
  expect(response.status, what).toBeLessThan(500);
  expect(text, what).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules\//);
  for (const secret of secretsOf()) expect(text.includes(secret), what).toBe(false);
  const after = await fingerprint();
  baseline = after;
  if (response.status >= 400) {
    const signedWebhook = c.auth === "signature" && /\/webhooks\/|\/heartbeat$/.test(route.path);
    if (signedWebhook) {
      // A verified webhook's final 4xx is remembered as its answer (redeliveries get it); nothing else changes.
      const { WebhookReceipt: receiptsBefore, ...restBefore } = before;
      const { WebhookReceipt: receiptsAfter, ...restAfter } = after;
      expect(restAfter, what).toEqual(restBefore);
      expect(Number(receiptsAfter!.split(":")[0]) - Number(receiptsBefore!.split(":")[0]), what).toBeLessThanOrEqual(1);
    } else {
      expect(after, what).toEqual(before);
    }
    if (!(response.headers.get("content-type") ?? "").includes("json")) return;
    const parsed = JSON.parse(text) as { error?: { code?: unknown } };
    if (route.path.startsWith("/api/auth/")) return; // next-auth speaks its own error format
    expect(typeof parsed.error?.code, what).toBe("string");
  }
}

describe("fuzzing every route", () => {
  it("finds the routes", () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
  });

  it(`survives ${totalRuns}+ random requests spread over every route handler: no 5xx, no leaks, refused requests write nothing`, async () => {
    for (const route of routes) {
      await fc.assert(fc.asyncProperty(fuzzCase, (c) => exercise(route, c)), { numRuns: runsPerRoute, seed: Number(process.env.SECURITY_FUZZ_SEED ?? 20261127), endOnFailure: true });
    }
    expect(total).toBe(routes.length * runsPerRoute);
  }, 300_000);
});
