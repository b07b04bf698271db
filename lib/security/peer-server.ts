// The HTTP server in front of Next (server.ts): every request and upgrade is
// rewritten by stampPeer before Next sees it, what Next cannot answer is
// refused or rewritten first (lib/security/request-guard.ts), and slow
// clients are cut off.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { directRouteFor, serveDirect } from "@/lib/http/direct-routes";
import { stampPeer } from "@/lib/security/peer-header";
import { answerSocket, guardRequest, logRefusal } from "@/lib/security/request-guard";
import { apiSecurityHeaders } from "@/lib/security/security-headers";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> | void;

// Node's own reasons for refusing a request before any handler runs (node:http clientError codes).
function parserReason(error: NodeJS.ErrnoException): { status: number; message: string } {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, message: "request headers are too large" };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, message: "the request took too long" };
    case "HPE_INVALID_CONTENT_LENGTH":
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
      return { status: 400, message: "Content-Length is invalid (or sent with Transfer-Encoding)" };
    default:
      return { status: 400, message: "the request is not valid HTTP/1.1" };
  }
}

export interface PeerServerOptions {
  /** Serve the hot routes registered in lib/http/direct-routes.ts without Next's router (production). */
  directRoutes?: boolean;
}

export function createPeerServer(handle: NodeHandler, upgrade?: UpgradeHandler, options: PeerServerOptions = {}): Server {
  // Host is checked by guardRequest, so that its absence gets the API's JSON 400 rather than Node's bare one.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    stampPeer(req);
    const refusal = guardRequest(req);
    if (refusal) {
      const requestId = randomUUID();
      const body = refusal.code ? JSON.stringify({ error: { code: refusal.code, message: refusal.message } }) : "";
      logRefusal("request.refused", { requestId, status: refusal.status, reason: refusal.message || "OPTIONS *", method: req.method, peer: req.socket.remoteAddress });
      res.writeHead(refusal.status, {
        ...apiSecurityHeaders(),
        "cache-control": "no-store",
        "x-request-id": requestId,
        "content-length": String(Buffer.byteLength(body)),
        // A client that sent this may be out of step with the protocol: the connection ends here.
        ...(refusal.status >= 400 ? { connection: "close" } : {}),
        ...(body ? { "content-type": "application/json; charset=utf-8" } : {}),
        ...refusal.headers,
      });
      res.end(body);
      return;
    }
    // After the peer stamp and the guard, exactly as a request Next routes.
    const direct = options.directRoutes ? directRouteFor(req.method, req.url) : null;
    Promise.resolve(direct ? serveDirect(req, res, direct) : handle(req, res)).catch((error: unknown) => {
      console.error(JSON.stringify({ time: new Date().toISOString(), level: "error", event: "server.unhandled", error: error instanceof Error ? error.message : String(error) }));
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: { code: "INTERNAL", message: "internal error" } }));
      } else res.destroy();
    });
  });
  if (upgrade) {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      stampPeer(req);
      void Promise.resolve(upgrade(req, socket, head)).catch(() => socket.destroy());
    });
  }
  // A tunnel is never offered; without a listener Node would just drop the socket.
  server.on("connect", (req: IncomingMessage, socket: Duplex) => {
    logRefusal("request.refused", { status: 405, reason: "CONNECT", peer: req.socket.remoteAddress });
    answerSocket(socket, { status: 405, code: "METHOD_NOT_ALLOWED", message: "CONNECT is not supported", headers: { allow: "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE" } });
  });
  // What Node's parser refuses (bad Content-Length, missing Host, header overflow) gets the API's JSON error too.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, message } = parserReason(error);
    logRefusal("request.refused", { status, reason: error.code ?? error.message });
    answerSocket(socket, { status, code: "BAD_REQUEST", message });
  });
  // Slow-loris guards: the whole request head within 20 s, the request within 60 s
  // (responses such as the panel's event stream may last longer).
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  return server;
}
