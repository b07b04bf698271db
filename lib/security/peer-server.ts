// The HTTP server in front of Next (server.ts): every request and upgrade is
// rewritten by stampPeer before Next sees it, and slow clients are cut off.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { stampPeer } from "@/lib/security/peer-header";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> | void;

export function createPeerServer(handle: NodeHandler, upgrade?: UpgradeHandler): Server {
  const server = createServer((req, res) => {
    stampPeer(req);
    Promise.resolve(handle(req, res)).catch((error: unknown) => {
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
  // Slow-loris guards: the whole request head within 20 s, the request within 60 s
  // (responses such as the panel's event stream may last longer).
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  return server;
}
