// A keep-alive HTTP/1.1 client over node:http with exactly one socket per
// simulated client, so that N clients mean N connections to the server.
import http from "node:http";
import { assertLoopback } from "./loopback";

export interface HttpResponse {
  status: number;
  body: string;
}

export class LoopbackClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, sockets: number) {
    assertLoopback(baseUrl);
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      request.setTimeout(60_000, () => request.destroy(new Error(`${method} ${path} timed out after 60 s`)));
      request.end(body);
    });
  }

  postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.request("POST", path, { "content-type": "application/json", ...headers }, typeof body === "string" ? body : JSON.stringify(body));
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Throws unless the response has the expected status; the message quotes the body. */
export function expectStatus(response: HttpResponse, expected: number, what: string): HttpResponse {
  if (response.status !== expected) throw new Error(`${what}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  return response;
}
