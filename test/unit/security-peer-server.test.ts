// The server in front of Next (server.ts uses createPeerServer): a client's own
// x-longrun-peer never reaches a route handler; the socket address does.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePeer } from "@/lib/security/peer-address";
import { peerHeader } from "@/lib/security/peer-header";
import { createPeerServer } from "@/lib/security/peer-server";
import { securityConfig } from "@/lib/security/security-config";

let server: http.Server;
let port: number;
let dualStack = true;

beforeAll(async () => {
  // Stands in for Next's request handler: builds the Request a route handler gets from the Node request.
  server = createPeerServer((req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of Array.isArray(value) ? value : [value ?? ""]) headers.append(name, v);
    }
    const stamped = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i]!.toLowerCase() === peerHeader).length;
    const peer = resolvePeer(headers, { ...securityConfig(), peerHeaderTrusted: true });
    const body = JSON.stringify({ header: req.headers[peerHeader], peer: peer.address, rawCopies: stamped });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "::", () => resolve());
  }).catch(async () => {
    dualStack = false;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

/** Raw bytes over a socket, so that the headers arrive exactly as an attacker would write them. */
function get(host: string, headerLines: string[]): Promise<{ header: string; peer: string; rawCopies: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => {
      socket.write(["GET /api/v1/webhooks/flow/callback/x HTTP/1.1", `Host: longrun.test`, "Connection: close", ...headerLines, "", ""].join("\r\n"));
    });
    let text = "";
    socket.on("data", (c: Buffer) => (text += c.toString()));
    socket.on("error", reject);
    socket.on("end", () => {
      const body = text.slice(text.indexOf("\r\n\r\n") + 4);
      try {
        if (!text.startsWith("HTTP/1.1 200")) throw new Error(text);
        resolve(JSON.parse(body) as { header: string; peer: string; rawCopies: number });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

describe("the peer-stamping server", () => {
  it("replaces a client's x-longrun-peer (any case, repeated) with the socket address", async () => {
    const answer = await get("127.0.0.1", ["X-Longrun-Peer: 203.0.113.5", "x-longrun-peer: 198.51.100.1", "X-LONGRUN-PEER:10.0.0.1", "X-Forwarded-For: 203.0.113.5"]);
    expect(answer.header).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(answer.peer).toBe("127.0.0.1");
    expect(answer.rawCopies).toBe(1);
  });

  it("stamps IPv6 peers", async () => {
    if (!dualStack) return;
    const answer = await get("::1", ["x-longrun-peer: 203.0.113.5"]);
    expect(answer).toMatchObject({ header: "::1", peer: "::1" });
  });

  it("stamps a request that brought no header of its own", async () => {
    expect((await get("127.0.0.1", [])).peer).toBe("127.0.0.1");
  });
});
