// What the HTTP server (server.ts, lib/security/peer-server.ts) refuses or
// rewrites before Next sees a request, because Next itself would answer it
// with a plain-text 500, an empty 400 or nothing at all:
// - a request target that is not a path (absolute-form, `*`): 400;
// - a malformed percent-escape in the path (Next's router throws URIError): 400;
// - a method Next cannot route (TRACE, PROPFIND, …): handed to the route's
//   OPTIONS handler with the original method in `x-longrun-method`, so the
//   route answers 405 with its own Allow header (lib/http/api-route.ts);
// - a request Node's parser refuses (bad Content-Length, missing Host, …) and
//   CONNECT: a JSON 400/405 on the raw socket.
// Kept free of Next and Prisma imports: server.ts loads it before Next starts.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { log } from "@/lib/log";

/** Set by the server only (any copy from the network is deleted first); read by the route wrapper. */
export const originalMethodHeader = "x-longrun-method";

/** The methods Next's app router dispatches to route handlers (next/dist/server/web/http.js HTTP_METHODS). */
export const nextMethods = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"] as const;

export interface Refusal {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

function deleteHeader(req: IncomingMessage, name: string): void {
  delete req.headers[name];
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]!.toLowerCase() === name) raw.splice(i, 2);
}

/** Refuses what Next cannot answer, or rewrites it so a route can; null lets the request through. */
export function guardRequest(req: IncomingMessage): Refusal | null {
  deleteHeader(req, originalMethodHeader);
  const target = req.url ?? "";
  if (target === "*" && req.method === "OPTIONS") {
    return { status: 204, code: "", message: "", headers: { allow: nextMethods.join(", ") } };
  }
  if (!target.startsWith("/")) {
    // Absolute-form would let the client pick the origin Next redirects to; a proxy in front sends paths.
    return { status: 400, code: "BAD_REQUEST", message: "the request target must be a path" };
  }
  if (!req.headers.host?.trim()) return { status: 400, code: "BAD_REQUEST", message: "the Host header is required" };
  const path = target.split("?")[0]!;
  try {
    decodeURIComponent(path);
  } catch {
    return { status: 400, code: "BAD_REQUEST", message: "the path holds a malformed percent-escape" };
  }
  const method = req.method ?? "";
  if (!(nextMethods as readonly string[]).includes(method)) {
    req.headers[originalMethodHeader] = method.slice(0, 32);
    req.rawHeaders.push(originalMethodHeader, method.slice(0, 32));
    req.method = "OPTIONS";
  }
  return null;
}

export function logRefusal(event: string, fields: Record<string, unknown>): void {
  log.info(event, fields);
}

/** A JSON answer written straight to a socket (Node's parser refused the request, or CONNECT). */
export function answerSocket(socket: Duplex, refusal: Refusal): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  const headers = { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(body)), connection: "close", "cache-control": "no-store", "x-content-type-options": "nosniff", ...refusal.headers };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\r\n");
  const reason = refusal.status === 405 ? "Method Not Allowed" : refusal.status === 431 ? "Request Header Fields Too Large" : refusal.status === 408 ? "Request Timeout" : "Bad Request";
  socket.end(`HTTP/1.1 ${refusal.status} ${reason}\r\n${head}\r\n\r\n${body}`);
}
