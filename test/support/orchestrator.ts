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
  /**
   * Requests whose body matches are recorded but not answered (the connection
   * stays open) until `release()`: a dispatch in flight when a test kills the
   * server. null: answer everything.
   */
  hold(match: ((body: string) => boolean) | null): void;
  /** Answers the held requests (with the script) and stops holding. */
  release(): void;
  /** Statuses to answer with, in order; the last one repeats. */
  respondWith(...statuses: Array<number | { status: number; headers?: Record<string, string> }>): void;
  close(): Promise<void>;
}

export async function startOrchestrator(): Promise<Orchestrator> {
  const received: ReceivedRequest[] = [];
  let script: Array<{ status: number; headers?: Record<string, string> }> = [{ status: 202 }];
  let holding: ((body: string) => boolean) | null = null;
  const held: http.ServerResponse[] = [];
  const answer = (res: http.ServerResponse) => {
    if (res.writableEnded || res.destroyed) return;
    const next = script.length > 1 ? script.shift()! : script[0]!;
    res.writeHead(next.status, { "content-type": "application/json", ...next.headers });
    res.end(JSON.stringify({ queued: next.status < 300 }));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, body });
      if (holding?.(body)) held.push(res);
      else answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tasks`,
    received,
    hold: (match) => {
      holding = match;
    },
    release: () => {
      holding = null;
      for (const res of held.splice(0)) answer(res);
    },
    respondWith: (...statuses) => {
      script = statuses.map((s) => (typeof s === "number" ? { status: s } : s));
    },
    close: () => {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
