// The server `npm start` runs (createPeerServer with its direct routes) on a
// free loopback port, with a stand-in for Next's handler that answers 418 and
// counts, so a test sees which requests reached Next.
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { createPeerServer } from "@/lib/security/peer-server";

export interface DirectServer {
  server: http.Server;
  port: number;
  base: string;
  /** Requests that went to Next's handler so far. */
  nextCalls: () => number;
  close: () => Promise<void>;
}

/** Call after stubbing LONGRUN_PEER_HEADER=1 (what server.ts sets: the peer header is the server's own). */
export async function startDirectServer(): Promise<DirectServer> {
  let nextCalls = 0;
  const server = createPeerServer(
    (_req, res) => {
      nextCalls++;
      res.writeHead(418, { "content-type": "text/plain" });
      res.end("next");
    },
    undefined,
    { directRoutes: true },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    base: `http://127.0.0.1:${port}`,
    nextCalls: () => nextCalls,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
