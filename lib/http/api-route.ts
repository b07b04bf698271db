// The one wrapper every route handler goes through: request id, the real peer
// address, optional authentication, rate limits, security headers, error
// mapping to {error: {code, message}}. Handlers stay short: parse, authorize,
// call lib, return.
import { randomUUID } from "node:crypto";
import { timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/errors/app-error";
import { authenticateBearer, type Principal } from "@/lib/auth/client-credentials";
import { scopeOf, type ScopedOperation } from "@/lib/auth/route-scopes";
import { env } from "@/lib/env";
import { BodyAbortedError } from "@/lib/http/read-body";
import { assertStorableRequest } from "@/lib/http/text-rule";
import { log } from "@/lib/log";
import { recordRequest } from "@/lib/metrics/http-metrics";
import { resolvePeer, type Peer } from "@/lib/security/peer-address";
import { enforceRateLimits } from "@/lib/security/rate-limiter";
import { apiLimits } from "@/lib/security/request-limits";
import { originalMethodHeader } from "@/lib/security/request-guard";
import { withSecurityHeaders } from "@/lib/security/security-headers";

export interface RouteContext<P> {
  request: Request;
  params: P;
  requestId: string;
  url: URL;
  /** The real peer (lib/security/peer-address.ts); never a client-supplied header. */
  peer: Peer;
}

/** Longest body any route accepts; routes read with smaller limits (lib/http/read-body.ts). */
export const maxRequestBodyBytes = 1024 * 1024;

// What the wrapper learnt about a request, for lib code that is handed only the Request.
const requestContexts = new WeakMap<Request, { requestId: string; peer: Peer }>();

export function requestContextOf(request: Request): { requestId: string; peer: Peer } | undefined {
  return requestContexts.get(request);
}

type Handler<P, X> = (ctx: RouteContext<P> & X) => Promise<Response>;
type NextContext<P> = { params: Promise<P> };

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** Where a request was going, for log lines (path only: queries may carry anything). */
export interface RequestLine {
  method: string;
  path: string;
}

function requestLine(request: Request): RequestLine {
  const path = request.url.replace(/^[a-z]+:\/\/[^/]*/i, "").split("?")[0]!;
  return { method: request.method, path: path.length > 200 ? `${path.slice(0, 200)}…` : path };
}

/**
 * The error's answer and its one log line: a refusal (4xx) is info — warn when
 * it is about credentials or limits — with its reason; a client that went away
 * is info; only a real fault is an error, with the stack, never shown to the caller.
 */
export function errorResponse(error: unknown, requestId: string, line?: RequestLine): Response {
  if (error instanceof AppError) {
    const fields = { requestId, ...line, status: error.status, code: error.code, reason: error.message };
    if (error instanceof BodyAbortedError) log.info("request.aborted", fields);
    else if (error.status >= 500) log.error("request.failed", fields);
    else if (error.status === 401 || error.status === 403 || error.status === 429) log.warn("request.refused", fields);
    else log.info("request.refused", fields);
    return json(error.toBody(), error.status, { ...error.headers, "x-request-id": requestId });
  }
  log.error("request.crashed", { requestId, ...line, error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
  return json(new AppError("INTERNAL", "internal error; quote the request id to support").toBody(), 500, { "x-request-id": requestId });
}

function withRequestId(response: Response, requestId: string): Response {
  return withSecurityHeaders(response, { "x-request-id": requestId });
}

function base<P, X>(authorize: (request: Request) => Promise<X>, handler: Handler<P, X>) {
  const handle = async (request: Request, context: NextContext<P>): Promise<Response> => {
    const supplied = request.headers.get("x-request-id");
    const requestId = supplied && requestIdPattern.test(supplied) ? supplied : randomUUID();
    try {
      const peer = resolvePeer(request.headers);
      requestContexts.set(request, { requestId, peer });
      const declared = request.headers.get("content-length");
      if (declared !== null && !/^\d{1,15}$/.test(declared.trim())) throw new AppError("BAD_REQUEST", "Content-Length must be a number of bytes");
      if (declared !== null && Number(declared) > maxRequestBodyBytes) {
        throw new AppError("PAYLOAD_TOO_LARGE", `request body is larger than ${maxRequestBodyBytes} bytes`);
      }
      const url = new URL(request.url);
      // Before credentials are looked up: nothing that PostgreSQL cannot store reaches a query.
      assertStorableRequest(request, url);
      const extra = await authorize(request);
      const params = await context.params;
      const response = await handler({ request, params, requestId, url, peer, ...extra });
      return withRequestId(response, requestId);
    } catch (error) {
      return withRequestId(errorResponse(error, requestId, requestLine(request)), requestId);
    }
  };
  // Every answer is counted and timed for GET /api/metrics (lib/metrics).
  return async (request: Request, context: NextContext<P>): Promise<Response> => {
    const startedAt = performance.now();
    const response = await handle(request, context);
    const params = (await Promise.resolve(context?.params).catch(() => undefined)) as Record<string, string | string[] | undefined> | undefined;
    recordRequest(request, params ?? {}, response, startedAt);
    return response;
  };
}

/** A route anyone may call (health, token endpoint, signed webhooks that verify themselves). */
export function publicRoute<P = Record<string, never>>(handler: Handler<P, object>) {
  return base<P, object>(async () => ({}), handler);
}

/** A data-action route: bearer token with the scope its operation declares (lib/auth/route-scopes.ts); the principal names the org. */
export function clientRoute<P = Record<string, never>>(operation: ScopedOperation, handler: Handler<P, { principal: Principal }>) {
  const scope = scopeOf(operation);
  return base<P, { principal: Principal }>(async (request) => {
    const principal = await authenticateBearer(request.headers.get("authorization"), scope);
    // Counted after authentication: anonymous noise cannot use up an org's budget.
    await enforceRateLimits(apiLimits(principal), { orgId: principal.orgId, clientId: principal.clientId, requestId: requestContextOf(request)?.requestId });
    return { principal };
  }, handler);
}

/** A scheduler route: Authorization: Bearer $CRON_SECRET. */
export function cronRoute<P = Record<string, never>>(handler: Handler<P, object>) {
  return base<P, object>(async (request) => {
    const secret = env().CRON_SECRET;
    if (!secret) throw new AppError("UNAUTHORIZED", "CRON_SECRET is not configured; cron routes are disabled");
    const given = Buffer.from(request.headers.get("authorization") ?? "");
    const expected = Buffer.from(`Bearer ${secret}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AppError("UNAUTHORIZED", "cron routes need Authorization: Bearer $CRON_SECRET");
    }
    return {};
  }, handler);
}

// --- methods ---------------------------------------------------------------

/** Every method Next routes to a route module (next/dist/server/web/http.js). */
export const routeMethodNames = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"] as const;
export type RouteMethod = (typeof routeMethodNames)[number];
type ImplementedMethod = Exclude<RouteMethod, "HEAD" | "OPTIONS">;
export type RouteHandler<P> = (request: Request, context: NextContext<P>) => Promise<Response>;

/** Marks the handlers routeMethods() makes up (405, OPTIONS, 404), so route inventories can tell them from real operations. */
export const generatedHandler = Symbol.for("longrun.generatedHandler");

function generated<P>(handler: RouteHandler<P>): RouteHandler<P> {
  return Object.assign(handler, { [generatedHandler]: true });
}

export function isGeneratedHandler(handler: unknown): boolean {
  return typeof handler === "function" && (handler as unknown as Record<symbol, unknown>)[generatedHandler] === true;
}

function refusalResponse(request: Request, error: AppError): Response {
  const supplied = request.headers.get("x-request-id");
  const requestId = supplied && requestIdPattern.test(supplied) ? supplied : randomUUID();
  return withRequestId(errorResponse(error, requestId, requestLine(request)), requestId);
}

/** The method a request really came with: the server hands methods Next cannot route to OPTIONS (lib/security/request-guard.ts). */
function originalMethod(request: Request): string {
  return (process.env.LONGRUN_PEER_HEADER === "1" && request.headers.get(originalMethodHeader)) || request.method;
}

/**
 * A route module's exports for every method: the ones it implements, HEAD from
 * GET, OPTIONS answering 204 with Allow, and a JSON 405 with Allow for the
 * rest. `export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST })`.
 */
export function routeMethods<P>(handlers: Partial<Record<ImplementedMethod, RouteHandler<P>>>): Record<RouteMethod, RouteHandler<P>> {
  const allow = [...new Set(["OPTIONS", ...Object.keys(handlers), ...(handlers.GET ? ["HEAD"] : [])])].sort().join(", ");
  const notAllowed = generated<P>(async (request) => {
    const method = originalMethod(request).slice(0, 32);
    return refusalResponse(request, new AppError("METHOD_NOT_ALLOWED", `${method} is not allowed here; use ${allow}`, { headers: { allow } }));
  });
  const options = generated<P>(async (request, context) => {
    if (originalMethod(request) !== "OPTIONS") return notAllowed(request, context);
    return withSecurityHeaders(new Response(null, { status: 204, headers: { allow, "cache-control": "no-store" } }));
  });
  return {
    GET: handlers.GET ?? notAllowed,
    HEAD: handlers.GET ?? notAllowed,
    OPTIONS: options,
    POST: handlers.POST ?? notAllowed,
    PUT: handlers.PUT ?? notAllowed,
    PATCH: handlers.PATCH ?? notAllowed,
    DELETE: handlers.DELETE ?? notAllowed,
  };
}

/** The exports of the catch-all under /api: a JSON 404 for any method on a path no route has. */
export function unknownApiPath(): Record<RouteMethod, RouteHandler<unknown>> {
  const notFound = generated<unknown>(async (request) => refusalResponse(request, new AppError("NOT_FOUND", "no such API path; see /api/openapi.json")));
  return { GET: notFound, HEAD: notFound, OPTIONS: notFound, POST: notFound, PUT: notFound, PATCH: notFound, DELETE: notFound };
}
