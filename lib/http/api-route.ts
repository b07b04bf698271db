// The one wrapper every route handler goes through: request id, the real peer
// address, optional authentication, rate limits, security headers, error
// mapping to {error: {code, message}}. Handlers stay short: parse, authorize,
// call lib, return.
import { randomUUID } from "node:crypto";
import { timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/errors/app-error";
import { authenticateBearer, type Principal } from "@/lib/auth/client-credentials";
import type { Scope } from "@/lib/auth/scopes";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { recordRequest } from "@/lib/metrics/http-metrics";
import { resolvePeer, type Peer } from "@/lib/security/peer-address";
import { enforceRateLimits } from "@/lib/security/rate-limiter";
import { apiLimits } from "@/lib/security/request-limits";
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

export function errorResponse(error: unknown, requestId: string): Response {
  if (error instanceof AppError) {
    if (error.status >= 500) log.error("request.failed", { requestId, code: error.code, message: error.message });
    return json(error.toBody(), error.status, { ...error.headers, "x-request-id": requestId });
  }
  // Unknown errors are logged with their stack here and never shown to the caller.
  log.error("request.crashed", { requestId, error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
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
      if (declared !== null && Number(declared) > maxRequestBodyBytes) {
        throw new AppError("PAYLOAD_TOO_LARGE", `request body is larger than ${maxRequestBodyBytes} bytes`);
      }
      const extra = await authorize(request);
      const params = await context.params;
      const response = await handler({ request, params, requestId, url: new URL(request.url), peer, ...extra });
      return withRequestId(response, requestId);
    } catch (error) {
      return withRequestId(errorResponse(error, requestId), requestId);
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

/** A data-action route: bearer token with the given scope; the principal names the org. */
export function clientRoute<P = Record<string, never>>(scope: Scope, handler: Handler<P, { principal: Principal }>) {
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
