// The routes of the call path — what Architect data actions, external
// systems' callbacks and heartbeats, and the agent's panel call while a
// conversation runs — served by the custom server (server.ts) without
// Next.js's router in between. Next's routing, its request/response adapters
// and their web streams cost a callback more CPU than everything Longrun does
// for it (bench/README.md, issue 17), and an open panel stream held about
// 110 KB of Next's request scope for as long as it stayed open (a heap
// snapshot with 500 streams, bench/README.md "Footprint"): here the server
// hands the same handler (the route module's export, through the one
// wrapper, lib/http/api-route.ts) a Request made from the socket's request
// and writes its Response back, streaming it when it is server-sent events.
//
// A route module registers its handler when Next first loads it, so the first
// request of a route always goes through Next, and every later one comes
// here. Next's module and this registry meet on globalThis: server.ts is a
// bundle of its own, and must not hold a second copy of the handler's code.
// Only production servers take this path (`npm start`); `npm run dev` keeps
// Next's (its routes reload). On Vercel server.ts is not used at all.
// Kept free of Next and Prisma imports: server.ts loads it before Next starts.
import type { IncomingMessage, ServerResponse } from "node:http";

type DirectHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type AfterTask = () => Promise<void>;

interface DirectRoute {
  method: string;
  /** The path's segments: fixed text, or a parameter (null: its name is in `params`). */
  segments: Array<string | null>;
  params: string[];
  /** Values a parameter never takes here: the static routes beside it (e.g. /workflows/initiate beside /workflows/[id]). */
  notParams: ReadonlySet<string>;
  handler: DirectHandler;
}

const store = globalThis as unknown as {
  longrunDirectRoutes?: Map<string, DirectRoute>;
  longrunAfterResponse?: WeakMap<Request, AfterTask[]>;
};

function routes(): Map<string, DirectRoute> {
  return (store.longrunDirectRoutes ??= new Map<string, DirectRoute>());
}

function afterQueues(): WeakMap<Request, AfterTask[]> {
  return (store.longrunAfterResponse ??= new WeakMap<Request, AfterTask[]>());
}

/**
 * Offers a route module's handler to the server's direct path. `pattern` is
 * the route's path, its dynamic segments in brackets
 * ("/api/v1/workflows", "/api/v1/workflows/[id]/tasks/[taskId]/heartbeat");
 * a parameter is matched only when it is plain (letters, digits, dashes) and
 * not one of `notParams` — the names of the static routes beside it, which
 * Next would pick instead (test/unit/direct-route-siblings.test.ts finds
 * them). Anything else goes to Next.
 */
export function registerDirectRoute<P>(
  method: "GET" | "POST",
  pattern: string,
  handler: (request: Request, context: { params: Promise<P> }) => Promise<Response>,
  options: { notParams?: readonly string[] } = {},
): void {
  const parts = pattern.split("/").slice(1);
  const params: string[] = [];
  const segments = parts.map((part) => {
    const param = /^\[([a-zA-Z]+)\]$/.exec(part);
    if (param) {
      params.push(param[1]!);
      return null;
    }
    if (!/^[a-z0-9.-]+$/.test(part)) throw new Error(`direct route pattern: plain segments and [param]s only: ${pattern}`);
    return part;
  });
  routes().set(`${method} ${pattern}`, { method, segments, params, notParams: new Set(options.notParams ?? []), handler: handler as unknown as DirectHandler });
}

const plainParam = /^[A-Za-z0-9-]{1,100}$/;

/** The registered handler for this method and request target, with its params; null sends the request to Next. */
export function directRouteFor(method: string | undefined, target: string | undefined): { handler: DirectHandler; params: Record<string, string> } | null {
  const map = store.longrunDirectRoutes;
  if (!map || map.size === 0 || !method || !target) return null;
  const query = target.indexOf("?");
  const parts = (query === -1 ? target : target.slice(0, query)).split("/");
  // parts[0] is the empty text before the leading slash. A handful of routes: a scan is cheaper than building a key.
  next: for (const route of map.values()) {
    if (route.method !== method || route.segments.length !== parts.length - 1) continue;
    const params: Record<string, string> = {};
    let p = 0;
    for (let i = 0; i < route.segments.length; i++) {
      const fixed = route.segments[i];
      const part = parts[i + 1]!;
      if (fixed === null) {
        if (!plainParam.test(part) || route.notParams.has(part)) continue next;
        params[route.params[p++]!] = part;
      } else if (fixed !== part) continue next;
    }
    return { handler: route.handler, params };
  }
  return null;
}

/**
 * Work for after the response of a request the server serves directly (Next's
 * `after()` needs Next's request scope, which this path has none of). Returns
 * false for a request Next routed: the caller uses `after()` then.
 */
export function deferAfterResponse(request: Request, task: AfterTask): boolean {
  const queue = afterQueues().get(request);
  if (!queue) return false;
  queue.push(task);
  return true;
}

/** Tasks a handler leaves for after the response of `request` (the direct path, and tests of it). */
export function holdAfterResponse(request: Request): AfterTask[] {
  const queue: AfterTask[] = [];
  afterQueues().set(request, queue);
  return queue;
}

/**
 * The request body as the handler reads it, chunk by chunk (the per-peer limit
 * comes before the body is read). A handler that stops reading (a body over its
 * limit) cancels it: nothing more is read, and the connection is closed once
 * the response went out (serveDirect), so the unread rest cannot be taken for
 * the next request on it.
 */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let detach = () => undefined as void;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const onData = (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) req.pause();
        };
        const onEnd = () => {
          detach();
          controller.close();
        };
        const onClose = () => {
          detach();
          // The client went away before its body was complete (the handler answers BodyAbortedError).
          controller.error(new Error("the request body ended before it was complete"));
        };
        detach = () => {
          req.off("data", onData);
          req.off("end", onEnd);
          req.off("error", onClose);
          req.off("close", onClose);
        };
        req.on("data", onData);
        req.on("end", onEnd);
        req.on("error", onClose);
        req.on("close", onClose);
        req.pause();
      },
      pull() {
        req.resume();
      },
      cancel() {
        detach();
        req.pause();
      },
    },
    { highWaterMark: 1 },
  );
}

function requestOf(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers,
    // Aborted when the client goes away before its answer is complete, as under Next (an open panel stream ends with it).
    signal,
    body: hasBody ? bodyOf(req) : null,
    ...(hasBody ? { duplex: "half" } : {}),
  });
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (response.body && response.headers.get("content-type")?.startsWith("text/event-stream")) {
    await writeStream(res, response.status, headers, response.body);
    return;
  }
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  if (body && headers["content-length"] === undefined) headers["content-length"] = String(body.byteLength);
  if (!req.complete) {
    // Answered before its body arrived whole (refused): the rest is not read, the connection ends.
    headers.connection = "close";
    res.once("finish", () => req.destroy());
  } else if (!req.readableEnded) {
    // Arrived whole but not read (refused before reading): dropped, so the connection can carry the next request.
    res.once("finish", () => {
      req.removeAllListeners("data");
      req.resume();
    });
  }
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Server-sent events: each chunk goes out as the handler enqueues it (chunked,
 * waiting for the socket to drain), and a client that goes away cancels the
 * body, which is how the handler learns it (besides the request's signal).
 */
async function writeStream(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  const gone = new Promise<void>((resolve) => res.once("close", resolve));
  void gone.then(() => reader.cancel().catch(() => undefined));
  res.writeHead(status, headers);
  res.flushHeaders();
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), gone.then(() => ({ done: true as const, value: undefined }))]);
      if (next.done || res.destroyed) break;
      if (!res.write(next.value)) await Promise.race([new Promise((resolve) => res.once("drain", resolve)), gone]);
    }
  } finally {
    if (!res.destroyed) res.end();
  }
}

/**
 * Serves one request through a registered handler: the same Request/Response
 * contract as under Next, then the work the handler left for after its response.
 */
export async function serveDirect(req: IncomingMessage, res: ServerResponse, route: { handler: DirectHandler; params: Record<string, string> }): Promise<void> {
  const aborts = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) aborts.abort();
  });
  const request = requestOf(req, aborts.signal);
  const after = holdAfterResponse(request);
  const response = await route.handler(request, { params: Promise.resolve(route.params) });
  await writeResponse(req, res, response);
  for (const task of after) {
    try {
      await task();
    } catch (error) {
      console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", event: "server.after_response_failed", error: error instanceof Error ? error.message : String(error) }));
    }
  }
}
