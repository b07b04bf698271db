// A real HTTP server on loopback standing in for a customer's orchestrator.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Orchestrator {
  url: string;
  received: ReceivedRequest[];
  /** Statuses to answer with, in order; the last one repeats. */
  respondWith(...statuses: Array<number | { status: number; headers?: Record<string, string> }>): void;
  close(): Promise<void>;
}

export async function startOrchestrator(): Promise<Orchestrator> {
  const received: ReceivedRequest[] = [];
  let script: Array<{ status: number; headers?: Record<string, string> }> = [{ status: 202 }];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const next = script.length > 1 ? script.shift()! : script[0]!;
      res.writeHead(next.status, { "content-type": "application/json", ...next.headers });
      res.end(JSON.stringify({ queued: next.status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tasks`,
    received,
    respondWith: (...statuses) => {
      script = statuses.map((s) => (typeof s === "number" ? { status: s } : s));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
