// What the HTTP server in front of Next (createPeerServer) does with requests
// Next itself would answer with a plain-text 500, an empty 400 or nothing:
// raw bytes over a socket, as an attacker would write them.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { originalMethodHeader } from "@/lib/security/request-guard";
import { createPeerServer } from "@/lib/security/peer-server";

let server: http.Server;
let port: number;
/** What reached the stand-in for Next's handler. */
const seen: Array<{ method: string; url: string; original: string | undefined }> = [];

beforeAll(async () => {
  server = createPeerServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, original: req.headers[originalMethodHeader] as string | undefined });
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

function raw(request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.write(request));
    let text = "";
    socket.setTimeout(10_000, () => socket.destroy(new Error("timeout")));
    socket.on("data", (c: Buffer) => (text += c.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") });
    });
  });
}

function expectJsonError(answer: { status: number; headers: Record<string, string>; body: string }, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer)).toBe(status);
  expect(answer.headers["content-type"], JSON.stringify(answer)).toContain("application/json");
  expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe(code);
}

describe("the server in front of Next", () => {
  it("answers a malformed percent-escape in the path with a JSON 400 (Next would throw URIError: a plain-text 500)", async () => {
    for (const path of ["/api/v1/workflows/%zz/tasks", "/api/v1/workflows/%E0%A4%A/tasks", "/%", "/admin/%ff%"]) {
      const before = seen.length;
      expectJsonError(await raw(`GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`), 400, "BAD_REQUEST");
      expect(seen.length).toBe(before);
    }
    // A well-formed escape, NUL included, goes through: the route's text rule answers it.
    await raw("GET /api/v1/workflows/%00 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(seen.at(-1)!.url).toBe("/api/v1/workflows/%00");
  });

  it("refuses a request target that is not a path (absolute-form would pick the origin of Next's redirects)", async () => {
    expectJsonError(await raw("GET http://evil.example/api/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), 400, "BAD_REQUEST");
    expectJsonError(await raw("GET * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), 400, "BAD_REQUEST");
    const star = await raw("OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(star.status).toBe(204);
    expect(star.headers.allow).toContain("GET");
  });

  it("hands a method Next cannot route to the route's OPTIONS handler with the original method, and drops a client's own copy of that header", async () => {
    await raw(`TRACE /api/v1/workflows HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
    expect(seen.at(-1)).toEqual({ method: "OPTIONS", url: "/api/v1/workflows", original: "TRACE" });
    await raw(`GET /api/health HTTP/1.1\r\nHost: a\r\n${originalMethodHeader}: TRACE\r\nConnection: close\r\n\r\n`);
    expect(seen.at(-1)).toEqual({ method: "GET", url: "/api/health", original: undefined });
    await raw(`PROPFIND /api/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
    expect(seen.at(-1)).toMatchObject({ method: "OPTIONS", original: "PROPFIND" });
  });

  it("answers CONNECT with a JSON 405", async () => {
    const answer = await raw("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n");
    expectJsonError(answer, 405, "METHOD_NOT_ALLOWED");
    expect(answer.headers.allow).toContain("POST");
  });

  it("answers what Node's parser refuses (Content-Length oddities, no Host) with a JSON 400 instead of a bare one", async () => {
    for (const request of [
      "POST /api/v1/workflows HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
      "POST /api/v1/workflows HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
      "POST /api/v1/workflows HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
      "POST /api/oauth/token HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET /api/health HTTP/1.1\r\n\r\n",
      "GET /api/health HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n",
    ]) {
      expectJsonError(await raw(request), 400, "BAD_REQUEST");
    }
  });
});
