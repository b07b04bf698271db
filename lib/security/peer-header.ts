// The request rewrite done by server.ts before Next sees a request. Next's
// route handlers get a Request without the socket, so the server hands the
// socket's address over in an internal header — after deleting any copy that
// came from the network, so no client can pick its own address.
// Kept free of Next and Prisma imports: server.ts loads it before Next starts.
import type { IncomingMessage } from "node:http";

export const peerHeader = "x-longrun-peer";

export function stampPeer(req: IncomingMessage): void {
  delete req.headers[peerHeader];
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (raw[i]!.toLowerCase() === peerHeader) raw.splice(i, 2);
  }
  const address = req.socket.remoteAddress;
  if (address) {
    req.headers[peerHeader] = address;
    raw.push(peerHeader, address);
  }
}
