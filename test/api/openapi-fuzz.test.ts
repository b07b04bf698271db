// A fuzzer that speaks the API: it reads the published document
// (GET /api/openapi.json), and for every operation — and every method a path
// does not implement — builds valid requests from the schemas (real ids, a
// real token, callbacks and heartbeats signed with the org's real secret so
// the deep paths run) and adversarial ones (NUL, lone surrogates, overlong
// UTF-8, percent-escape garbage, huge and negative numbers, deep nesting,
// wrong types, duplicate keys, odd content types, malformed cookies and
// credentials). Whatever it sends: no 5xx, every answer is in the document
// (status, content type, schema), nothing leaks, and a batch of refused
// requests writes no row (rate-limit counters, refusal audit rows and a signed
// webhook's stored answer are the intended exceptions).
//
// OPENAPI_FUZZ_CASES (default 20 000; `npm run fuzz` runs more) and
// OPENAPI_FUZZ_SEED pick the run; a failure message names the case's seed;
// OPENAPI_FUZZ_TIMING=1 prints where the time went, per operation.
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as openApiRoute } from "@/app/api/openapi.json/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import type { JsonSchema, OpenApiDocument } from "@/lib/api/openapi";
import { agentRegionHeader } from "@/lib/auth/agent-token";
import { adminCookie } from "@/test/support/admin-session";
import { base, call, jsonOf, newOrg, workflowBody, type TestOrg } from "@/test/support/api";
import { newSchemaValidator, type ValidateFunction } from "@/test/support/json-schema";
import {
  encodeAnyway,
  hostileAuthorizations,
  hostileBodies,
  hostileBytes,
  hostileContentTypes,
  hostileCookies,
  hostileStrings,
  mutateDeep,
  mutateValue,
  pick,
  resolverFor,
  seededRng,
  uuidFrom,
  validValue,
  type Rng,
} from "@/test/support/openapi-fuzz";
import { discoverRoutes, exportedHandlers, type RouteHandler } from "@/test/support/route-inventory";
import { startAgentDirectory, type AgentDirectory } from "@/test/support/security-genesys";

const totalCases = Number(process.env.OPENAPI_FUZZ_CASES ?? 20_000);
const seed = Number(process.env.OPENAPI_FUZZ_SEED ?? 20261202);
/** Refused requests between two checks that nothing was written. */
const batchSize = 100;

/**
 * Cases are spread evenly over operations, except where every case costs a
 * lot and little varies: a stream (held open per case), the token endpoint
 * (scrypt per secret check), the scheduled jobs (a whole run each) and secret
 * rotation (a new sealed secret each).
 */
function weightOf(path: string, method: string): number {
  if (path.endsWith("/stream")) return 0.05;
  if (path === "/api/oauth/token" || path.startsWith("/api/cron/") || (path === "/api/admin/signing-secrets" && method === "post")) return 0.25;
  return 1;
}
const methods = ["get", "head", "post", "put", "patch", "delete", "options"] as const;
type Method = (typeof methods)[number];
/**
 * next-auth's endpoints read cookies() from Next's request scope and only run
 * inside a Next server; the methods they do not implement are fuzzed here.
 */
const onlyInsideNext = "/api/auth/{nextauth}";

interface Operation {
  path: string;
  method: Method;
  handler: RouteHandler;
  security: string[];
  parameters: Array<{ name: string; in: "path" | "query" | "header"; required: boolean; schema: JsonSchema }>;
  body?: { required: boolean; contentTypes: string[]; schema: JsonSchema };
  responses: Record<string, { contentType?: string; validate?: ValidateFunction }>;
  /** Few cases for operations whose every case is slow (a stream). */
  weight: number;
}

interface NotAllowed {
  path: string;
  method: Method;
  handler: RouteHandler;
  allow: string;
}

let document: OpenApiDocument;
let org: TestOrg;
let other: TestOrg;
let genesys: AgentDirectory;
let agentToken: string;
let cookie: string;
const operations: Operation[] = [];
const notAllowed: NotAllowed[] = [];
const pool: Array<{ workflowId: string; taskId: string; version: number; conversationId: string }> = [];
const ids = { deliveryId: randomUUID() };
const timing = new Map<string, number>();
const stats = { cases: 0, byStatus: new Map<number, number>(), batches: 0 };

const validator = newSchemaValidator({ allowUnionTypes: true });
let errorValidate: ValidateFunction;

function standalone(schema: JsonSchema): JsonSchema {
  const text = JSON.stringify({ ...schema, $defs: document.components.schemas }).replaceAll("#/components/schemas/", "#/$defs/");
  return JSON.parse(text) as JsonSchema;
}

/** Workflows without a task, for dispatches to succeed on. */
const fresh: string[] = [];

async function addToPool(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const idle = workflowBody();
    expect((await call(initiate, "/api/v1/workflows", { body: idle, token: org.token })).status).toBe(201);
    fresh.push(idle.workflow_id);
    const body = workflowBody();
    expect((await call(initiate, "/api/v1/workflows", { body, token: org.token })).status).toBe(201);
    const task = await jsonOf<{ task_id: string; version: number }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FUZZ", dispatch: false }, token: org.token }));
    pool.push({ workflowId: body.workflow_id, taskId: task.task_id, version: task.version, conversationId: body.conversation_id });
  }
}

beforeAll(async () => {
  for (const name of ["RATE_LIMIT_CLIENT_PER_MINUTE", "RATE_LIMIT_ORG_PER_MINUTE", "RATE_LIMIT_TOKEN_CLIENT_PER_MINUTE", "RATE_LIMIT_TOKEN_PEER_PER_MINUTE", "RATE_LIMIT_WEBHOOK_PEER_PER_MINUTE", "RATE_LIMIT_WEBHOOK_ORG_PER_MINUTE"]) {
    vi.stubEnv(name, "10000000");
  }
  vi.stubEnv("METRICS_SECRET", "fuzz-metrics-secret-0123456789");
  genesys = startAgentDirectory();
  org = await newOrg();
  other = await newOrg();
  agentToken = genesys.agentOf(org.orgId);
  cookie = await adminCookie(org.orgId);
  await addToPool(20);
  await (await db()).delivery.create({ data: { id: ids.deliveryId, orgId: org.orgId, kind: "DISPATCH_TASK", payload: {}, status: "DEAD", attempts: 8 } });

  // The document as an outside integrator gets it.
  const served = await openApiRoute(new Request(new URL("/api/openapi.json", base)), { params: Promise.resolve({}) });
  document = (await served.json()) as OpenApiDocument;
  errorValidate = validator.compile(standalone({ $ref: "#/components/schemas/ErrorResponse" }));
  const resolve = resolverFor(document.components.schemas);

  // Route modules, keyed by their document path.
  const files = new Map<string, string>();
  for (const route of await discoverRoutes()) files.set(route.path.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, "{$1}"), route.file);
  for (const [path, item] of Object.entries(document.paths)) {
    const file = files.get(path);
    expect(file, `${path} is in the document but no route file serves it`).toBeDefined();
    const handlers = await exportedHandlers(file!);
    const documented = Object.keys(item) as Method[];
    const allow = [...new Set(["OPTIONS", ...documented.map((m) => m.toUpperCase()), ...(documented.includes("get") ? ["HEAD"] : [])])].sort().join(", ");
    for (const method of methods) {
      const handler = handlers[method.toUpperCase() as keyof typeof handlers];
      expect(handler, `${method.toUpperCase()} ${path}: the route module exports no handler`).toBeDefined();
      const op = (item as Record<string, Record<string, unknown>>)[method];
      if (!op) {
        if (!(method === "head" && documented.includes("get"))) notAllowed.push({ path, method, handler: handler!, allow });
        continue;
      }
      if (path === onlyInsideNext) continue;
      const parameters = ((op.parameters ?? []) as Array<Record<string, unknown>>).filter((p) => typeof p.name === "string") as Operation["parameters"];
      const requestBody = op.requestBody as { required: boolean; content: Record<string, { schema: JsonSchema }> } | undefined;
      const responses: Operation["responses"] = {};
      for (const [status, response] of Object.entries(op.responses as Record<string, { content?: Record<string, { schema?: JsonSchema }> }>)) {
        const [contentType, media] = Object.entries(response.content ?? {})[0] ?? [];
        responses[status] = { contentType, validate: media?.schema && Object.keys(media.schema).length > 0 ? validator.compile(standalone(media.schema)) : undefined };
      }
      operations.push({
        path,
        method,
        handler: handler!,
        security: ((op.security ?? []) as Array<Record<string, string[]>>).flatMap((s) => Object.keys(s)),
        parameters,
        body: requestBody ? { required: requestBody.required, contentTypes: Object.keys(requestBody.content), schema: resolve(Object.values(requestBody.content)[0]!.schema) } : undefined,
        responses,
        weight: weightOf(path, method),
      });
    }
  }
  expect(operations.length).toBeGreaterThanOrEqual(30);
  expect(notAllowed.length).toBeGreaterThanOrEqual(operations.length * 3);
});
afterAll(() => {
  genesys.close();
  vi.unstubAllEnvs();
});

/** Every table, one round trip; the rows refusals are meant to leave are left out. */
async function fingerprint(): Promise<Record<string, string>> {
  const prisma = await db();
  const tables = (await prisma.$queryRaw<Array<{ name: string }>>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_prisma%'`).map((t) => t.name);
  const parts = tables.map((t) => {
    const where = t === "RateLimitBucket" || t === "WebhookReceipt" ? "WHERE false" : t === "AuditEntry" ? `WHERE NOT (action LIKE 'webhook.%_refused')` : "";
    return `SELECT '${t}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS print FROM "${t}" x ${where}`;
  });
  const rows = await prisma.$queryRawUnsafe<Array<{ name: string; print: string }>>(parts.join(" UNION ALL "));
  return Object.fromEntries(rows.map((r) => [r.name, r.print]));
}

// --- building one request ------------------------------------------------------

type Kind = "valid" | "mutatedBody" | "mutatedParameter" | "rawBody" | "contentType" | "credentials" | "hostileHeader";

interface Built {
  url: string;
  params: Record<string, string | string[]>;
  headers: Headers;
  body?: string | Uint8Array;
  kind: Kind;
}

function knownValues(op: Operation, rng: Rng): Record<string, unknown> {
  const entry = pick(rng, pool);
  const isDeadLetter = op.path.includes("dead-letters");
  const isSecret = op.path.includes("signing-secrets");
  return {
    id: isDeadLetter ? ids.deliveryId : isSecret ? uuidFrom(rng) : op.path.endsWith("/tasks") && fresh.length > 0 ? pick(rng, fresh) : entry.workflowId,
    workflow_id: op.path.includes("/webhooks/") ? entry.workflowId : uuidFrom(rng),
    taskId: entry.taskId,
    task_id: entry.taskId,
    version: entry.version,
    conversationId: entry.conversationId,
    conversation_id: uuidFrom(rng),
    lifetime: 1,
    result: pick(rng, ["SUCCESS", "FAILED", "success"]),
    dispatch: false,
    grant_type: "client_credentials",
    client_id: org.clientId,
    client_secret: org.clientSecret,
    timestamp: new Date().toISOString(),
    limit: 5,
  };
}

function encodeQuery(query: Record<string, unknown>): string {
  const parts = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeAnyway(k)}=${encodeAnyway(typeof v === "string" ? v : JSON.stringify(v))}`);
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}

function signature(secret: string, body: string, skewSeconds = 0): Record<string, string> {
  const id = `msg_${randomUUID()}`;
  const at = new Date(clock.now().getTime() + skewSeconds * 1000);
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign(id, at, body) };
}

function credentialsFor(op: Operation, rng: Rng, bodyText: string, hostile: boolean): Record<string, string> {
  const scheme = op.security[0];
  if (hostile) {
    switch (Math.floor(rng() * 4)) {
      case 0:
        return { authorization: pick(rng, hostileAuthorizations) };
      case 1:
        return { cookie: pick(rng, hostileCookies) };
      case 2:
        return scheme === "webhookId" ? signature(pick(rng, [other.signingSecret, org.signingSecret]), bodyText, pick(rng, [-400, 400, -86_400])) : { authorization: `Bearer ${other.token}` };
      default:
        return {};
    }
  }
  switch (scheme) {
    case "oauth2":
      return { authorization: `Bearer ${org.token}` };
    case "webhookId":
      return signature(org.signingSecret, bodyText);
    case "genesysAgent":
      return { authorization: `Bearer ${agentToken}`, [agentRegionHeader]: "mypurecloud.com" };
    case "adminSession":
      return { cookie, origin: base };
    case "cronBearer":
      return { authorization: `Bearer ${process.env.CRON_SECRET}` };
    case "metricsBearer":
      return { authorization: "Bearer fuzz-metrics-secret-0123456789" };
    default:
      return {};
  }
}

function build(op: Operation, rng: Rng): Built {
  const roll = rng();
  const kind: Kind = roll < 0.35 ? "valid" : roll < 0.6 ? "mutatedBody" : roll < 0.75 ? "mutatedParameter" : roll < 0.83 ? "rawBody" : roll < 0.88 ? "contentType" : roll < 0.96 ? "credentials" : "hostileHeader";
  const resolve = resolverFor(document.components.schemas);
  const known = knownValues(op, rng);
  const pathValues: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  for (const p of op.parameters) {
    if (p.in === "header") continue;
    if (p.in === "query" && !p.required && rng() < 0.5 && !(p.name in known)) continue;
    const value = validValue(p.schema, rng, resolve, known, p.name);
    if (p.in === "path") pathValues[p.name] = String(value);
    else query[p.name] = value;
  }
  if (kind === "mutatedParameter" && op.parameters.length > 0) {
    const p = pick(rng, op.parameters.filter((x) => x.in !== "header"));
    if (p) {
      const bad = mutateValue(p.in === "path" ? pathValues[p.name] : query[p.name], rng);
      if (p.in === "path") pathValues[p.name] = typeof bad === "string" ? bad : JSON.stringify(bad ?? "");
      else query[p.name] = bad;
    }
  }
  let url = op.path;
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(pathValues)) {
    params[name] = value;
    // Percent-escape garbage goes into the URL as sent; everything else is encoded the way a client would.
    url = url.replace(`{${name}}`, /%/.test(value) && rng() < 0.5 ? value : encodeAnyway(value));
  }
  url += encodeQuery(query);
  if (kind === "mutatedParameter" && rng() < 0.2) url += pick(rng, ["&%zz=1", "&a=%", "&%00=x", "&x=%ff%fe"]).replace(/^&/, url.includes("?") ? "&" : "?");

  let body: string | Uint8Array | undefined;
  let contentType: string | undefined;
  if (op.body) {
    contentType = pick(rng, op.body.contentTypes);
    let value = validValue(op.body.schema, rng, resolve, known);
    if (kind === "mutatedBody") value = mutateDeep(value, rng);
    body = contentType === "application/x-www-form-urlencoded" ? new URLSearchParams(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])).toString() : JSON.stringify(value);
    if (!op.body.required && rng() < 0.2) body = "";
  } else if (kind === "mutatedBody" && op.method !== "get" && rng() < 0.5) {
    body = JSON.stringify(mutateDeep({}, rng));
    contentType = "application/json";
  }
  if (kind === "rawBody") {
    body = rng() < 0.6 ? pick(rng, hostileBodies) : pick(rng, hostileBytes);
    contentType = "application/json";
  }
  if (kind === "contentType") contentType = pick(rng, hostileContentTypes);
  if (op.method === "get" || op.method === "head") body = undefined;

  const bodyText = body === undefined ? "" : typeof body === "string" ? body : Buffer.from(body).toString("latin1");
  const headers = new Headers();
  if (contentType !== undefined && (body !== undefined || kind === "contentType")) headers.set("content-type", contentType);
  for (const [name, value] of Object.entries(credentialsFor(op, rng, bodyText, kind === "credentials"))) headers.set(name, value);
  if (kind === "hostileHeader") {
    const value = pick(rng, hostileStrings).replace(/[^\x20-\x7e]/g, "?").slice(0, 200);
    headers.set(pick(rng, ["x-request-id", "cookie", "x-forwarded-for", "accept", "origin", "webhook-id", "content-length", agentRegionHeader]), value || "%zz");
  }
  return { url, params, headers, body, kind };
}

// --- checking one answer ---------------------------------------------------

const secrets = () => [org.signingSecret, org.clientSecret, org.token, other.signingSecret, other.clientSecret, other.token, agentToken, process.env.CRON_SECRET!];

async function readAnswer(response: Response, abort: AbortController): Promise<string> {
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream") && response.body) {
    const reader = response.body.getReader();
    const first = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    abort.abort();
    await reader.cancel().catch(() => undefined);
    return first?.value ? new TextDecoder().decode(first.value) : "";
  }
  return response.text();
}

function expectClean(text: string, what: string): void {
  expect(text, what).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules\//);
  for (const secret of secrets()) expect(text.includes(secret), `${what}: a secret in the answer`).toBe(false);
}

async function send(handler: RouteHandler, method: Method, built: Built): Promise<{ response: Response; text: string }> {
  const abort = new AbortController();
  const request = new NextRequest(new URL(built.url, base), { method: method.toUpperCase(), headers: built.headers, body: built.body as BodyInit | undefined, signal: abort.signal });
  const response = await handler(request, { params: Promise.resolve(built.params) });
  return { response, text: await readAnswer(response, abort) };
}

function count(status: number): void {
  stats.cases++;
  stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
}

async function exerciseOperation(op: Operation, rng: Rng, caseSeed: number): Promise<boolean> {
  const built = build(op, rng);
  const { response, text } = await send(op.handler, op.method, built);
  count(response.status);
  const what = `case ${caseSeed} (${built.kind}): ${op.method.toUpperCase()} ${built.url} → ${response.status} ${text.slice(0, 300)}`;
  expect(response.status, what).toBeLessThan(response.status === 503 && op.responses["503"] ? 600 : 500);
  const documented = op.responses[String(response.status)];
  expect(documented, `${what}: status not in the document (it lists ${Object.keys(op.responses).join(", ")})`).toBeDefined();
  expectClean(text, what);
  const contentType = response.headers.get("content-type") ?? "";
  if (documented!.contentType) expect(contentType.split(";")[0], what).toBe(documented!.contentType.split(";")[0]);
  if (documented!.validate) {
    const validate = documented!.validate;
    const ok = validate(JSON.parse(text));
    expect(ok, `${what}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  }
  // A 2xx may write; so may a signed webhook's refusal (its stored answer is outside the fingerprint).
  return response.status < 400;
}

async function exerciseNotAllowed(entry: NotAllowed, rng: Rng, caseSeed: number): Promise<void> {
  const headers = new Headers({ "content-type": pick(rng, ["application/json", ...hostileContentTypes]) });
  if (rng() < 0.5) headers.set("authorization", `Bearer ${org.token}`);
  if (rng() < 0.3) headers.set("cookie", rng() < 0.5 ? cookie : pick(rng, hostileCookies));
  const hasBody = entry.method !== "get" && entry.method !== "head" && rng() < 0.6;
  const built: Built = { url: entry.path.replace(/\{[^}]+\}/g, () => uuidFrom(rng)), params: {}, headers, body: hasBody ? pick(rng, [...hostileBodies, "{}"]) : undefined, kind: "valid" };
  const { response, text } = await send(entry.handler, entry.method, built);
  count(response.status);
  const what = `case ${caseSeed}: ${entry.method.toUpperCase()} ${entry.path} (not implemented) → ${response.status} ${text.slice(0, 200)}`;
  expect(response.headers.get("allow"), what).toBe(entry.allow);
  if (entry.method === "options") {
    expect(response.status, what).toBe(204);
    return;
  }
  expect(response.status, what).toBe(405);
  if (entry.method === "head") return;
  expect(errorValidate(JSON.parse(text)), what).toBe(true);
}

describe("fuzzing the API from its OpenAPI document", () => {
  it(`answers ${totalCases} generated requests — valid and hostile, over every operation and every method — as documented, with no 5xx and no write by a refused request`, async () => {
    const master = seededRng(seed);
    // About one case in six is a method the path does not implement.
    const operationWeight = operations.reduce((sum, op) => sum + op.weight, 0);
    const totalWeight = operationWeight * 1.2;
    let baseline = await fingerprint();
    let batchWrote = false;
    let inBatch = 0;
    for (let i = 0; i < totalCases; i++) {
      const caseSeed = Math.floor(master() * 2 ** 31);
      const rng = seededRng(caseSeed);
      let roll = rng() * totalWeight;
      const op = operations.find((o) => (roll -= o.weight) < 0);
      const started = performance.now();
      if (op) batchWrote = (await exerciseOperation(op, rng, caseSeed)) || batchWrote;
      else await exerciseNotAllowed(pick(rng, notAllowed), rng, caseSeed);
      const key = op ? `${op.method} ${op.path}` : "not allowed";
      timing.set(key, (timing.get(key) ?? 0) + performance.now() - started);
      if (++inBatch < batchSize && i < totalCases - 1) continue;
      const after = await fingerprint();
      stats.batches++;
      if (!batchWrote) expect(after, `a batch of refused requests ending at case ${caseSeed} wrote rows`).toEqual(baseline);
      baseline = after;
      inBatch = 0;
      batchWrote = false;
      // Keep open tasks to aim at: callbacks and cancels use the pool up.
      if (stats.batches % 20 === 0) {
        await addToPool(3);
        baseline = await fingerprint();
      }
    }
    expect(stats.cases).toBe(totalCases);
    // The deep paths were reached: valid requests succeeded, and every class of refusal occurred.
    for (const status of [200, 201, 202, 400, 401, 404, 405]) expect(stats.byStatus.get(status) ?? 0, `no ${status} in ${JSON.stringify([...stats.byStatus])}`).toBeGreaterThan(0);
    if (process.env.OPENAPI_FUZZ_TIMING) console.info([...timing].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${k}: ${Math.round(v)} ms`).join("\n"));
    console.info(`openapi fuzz: ${stats.cases} cases, ${stats.batches} write checks, statuses ${JSON.stringify(Object.fromEntries([...stats.byStatus].sort((a, b) => a[0] - b[0])))}`);
  }, Math.max(600_000, totalCases * 30));
});
