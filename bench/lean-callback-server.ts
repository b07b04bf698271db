// The lean comparison for the callback (issue 17): a plain node:http + pg
// server that does what a callback must — read the workflow, its task, the
// org's signing secrets and any earlier answer in one query; open the sealed
// secrets and check the Standard Webhooks signature with Longrun's own code;
// write the change with Longrun's callback write (compare-and-swap, task,
// event, receipt, NOTIFY in one statement) — and nothing else: no Next.js,
// no Prisma, no rate limiter, no schema validation beyond JSON.parse.
// bench/callback-goals.ts compiles it with esbuild and runs it as its own
// process, so its CPU is measured apart from the load generator's.
//
//   POST /callback/<workflowId>   Standard Webhooks headers, JSON body
//   GET  /health
// Environment: DATABASE_URL, ENCRYPTION_KEY, PORT, POOL_SIZE.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { openSigningSecrets, verifyWithAny } from "@/lib/webhooks/signing-secrets";
// The one place this server takes the callback's SQL from (the writer's builders, through the bench's raw module).
import { rawCallbackAnswer, rawCallbackRead, rawCallbackWrite, type RawCallbackRow } from "./support/raw-callback-writes";
import type { SqlQuery } from "./support/sql-driver";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 20) });
const query: SqlQuery = async (sql, params) => {
  const result = await pool.query(sql, params);
  return { rows: result.rows as Array<Record<string, unknown>>, affected: result.rowCount ?? 0 };
};

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, JSON.stringify({ error: { code, message } }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function callback(req: IncomingMessage, res: ServerResponse, workflowId: string): Promise<void> {
  const headers = {
    "webhook-id": String(req.headers["webhook-id"] ?? ""),
    "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
    "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
  };
  if (!headers["webhook-id"] || !headers["webhook-timestamp"] || !headers["webhook-signature"]) {
    return error(res, 401, "INVALID_SIGNATURE", "Standard Webhooks headers are required");
  }
  const body = await readBody(req);
  const read = await rawCallbackRead(query, workflowId, headers["webhook-id"]);
  if (!read) return error(res, 404, "NOT_FOUND", "workflow not found");
  if (!verifyWithAny(openSigningSecrets(read.secrets ?? []), body, headers).ok) {
    return error(res, 401, "INVALID_SIGNATURE", "signature does not match any active signing secret");
  }
  if (read.earlier) return send(res, read.earlier.status, JSON.stringify(read.earlier.body));
  try {
    JSON.parse(body);
  } catch {
    return error(res, 400, "BAD_REQUEST", "body is not JSON");
  }
  if (!read.taskId) return error(res, 409, "CONFLICT", "no task");
  const row: RawCallbackRow = { orgId: read.orgId, workflowId, taskId: read.taskId, version: read.version };
  if (!(await rawCallbackWrite(query, row, headers["webhook-id"], read))) return error(res, 409, "STALE_VERSION", "the workflow changed meanwhile");
  send(res, 200, rawCallbackAnswer(row));
}

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  const match = /^\/callback\/([0-9a-f-]{36})(?:\?|$)/.exec(url);
  const work = match && req.method === "POST" ? callback(req, res, match[1]!) : url === "/health" ? Promise.resolve(send(res, 200, '{"status":"ok"}')) : Promise.resolve(error(res, 404, "NOT_FOUND", "no such route"));
  work.catch((e: unknown) => {
    if (!res.headersSent) error(res, 500, "INTERNAL", e instanceof Error ? e.message : String(e));
    else res.destroy();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(JSON.stringify({ event: "lean.listening", port: typeof address === "object" && address ? address.port : null }));
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void pool.end().then(() => process.exit(0));
  });
}
