// Issue 15: how many process steps per second Longrun drives at 64
// concurrent clients, next to single-task callbacks in the same run, against
// the server `npm start` starts, on the first of BENCH_DATABASES.
//
// A process step here is what Longrun does for each step of a 3-step process
// (three task steps, no flow involved): the signed callback with the step's
// result, recorded together with the next step's dispatch in one change, and
// that dispatch delivered to the orchestrator (a local HTTP server answering
// 202). The bench's clients play the orchestrator's callback side: each takes
// a dispatched step off the queue the orchestrator fills and posts its
// result. A single-task callback is the same signed callback for a workflow
// with one task the flow dispatched (nothing to dispatch next). Cells of the
// two kinds alternate (BENCH_PROCESS_ROUNDS rounds, default 2), each bounded
// by BENCH_SECONDS; the figures are each kind's median over its rounds.
//
// BENCH_PROCESS_WORKFLOWS (default 1500 per round) processes are started
// before a round's process cell and as many single-task workflows prepared
// before its callback cell (smaller for trials).
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import type { BenchModule, BenchSettings } from "./support/bench-module";
import { accessToken, benchEncryptionKey, callbackBody, prepareCallbackTargets, signatureHeaders, unreachableLimits } from "./support/app-requests";
import { serverEntryLabel, startAppServer } from "./support/app-server";
import { createBenchDatabase } from "./support/bench-database";
import { registerCleanup } from "./support/cleanup-registry";
import { expectStatus, LoopbackClient } from "./support/http-client";
import { runLoad, WorkQueue, type LoadResult } from "./support/load-loop";
import { formatMs, formatRate, markdownTable } from "./support/markdown-table";
import { seedOrg } from "./support/seed-org";

const concurrency = 64;
const rounds = Number(process.env.BENCH_PROCESS_ROUNDS ?? 2);
const workflowsPerRound = Number(process.env.BENCH_PROCESS_WORKFLOWS ?? 1500);
/** How long a client waits for the next dispatch before it calls the cell's work done. */
const idleMs = 5_000;

const definition = {
  description: "Bench: three task steps, each dispatched by Longrun when the previous one's result arrives.",
  steps: [
    { name: "first", kind: "task", task_type: "BENCH_FIRST", input: { amount: "$.context.amount" } },
    { name: "second", kind: "task", task_type: "BENCH_SECOND", input: { score: "$.steps.first.result.score" } },
    { name: "third", kind: "task", task_type: "BENCH_THIRD" },
  ],
};

interface Cell extends LoadResult {
  kind: "process-step" | "single-task-callback";
  round: number;
  /** Process cells: processes that reached COMPLETED during the cell. */
  completedProcesses?: number;
}

/** The orchestrator: answers 202 at once and queues each dispatch's callback path for the clients. */
class DispatchQueue {
  private readonly items: string[] = [];
  private readonly waiters: Array<(path: string | null) => void> = [];
  received = 0;

  push(path: string): void {
    this.received++;
    const waiter = this.waiters.shift();
    if (waiter) waiter(path);
    else this.items.push(path);
  }

  /** The next dispatched step, or null when none came for `idleMs`. */
  take(): Promise<string | null> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => {
      const waiter = (path: string | null) => {
        clearTimeout(timer);
        resolve(path);
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(null);
      }, idleMs);
      this.waiters.push(waiter);
    });
  }
}

async function startOrchestrator(queue: DispatchQueue): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(202, { "content-type": "application/json" }).end('{"queued":true}');
      const callbackUrl = String(req.headers["x-callback-url"] ?? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { callback_url: string }).callback_url);
      const url = new URL(callbackUrl);
      queue.push(`${url.pathname}${url.search}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = registerCleanup("stop the process-steps orchestrator", async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tasks`, close };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

async function run(settings: BenchSettings): Promise<{ cells: Cell[]; database: string; server: string }> {
  const kind = settings.databases[0] ?? "embedded";
  const database = await createBenchDatabase(kind, settings.postgresServerUrl);
  const queue = new DispatchQueue();
  const orchestrator = await startOrchestrator(queue);
  try {
    const org = await seedOrg(database.url, benchEncryptionKey);
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    await sql.query(`UPDATE "Org" SET "orchestratorUrl" = $1 WHERE "id" = $2`, [orchestrator.url, org.orgId]);
    await sql.end();
    const server = await startAppServer({
      distDir: settings.distDir,
      databaseUrl: database.url,
      encryptionKey: benchEncryptionKey,
      poolSize: settings.poolSize,
      logFile: path.join(settings.resultsDir, `${settings.runStamp}-process-steps.log`),
      // Dispatches go out right after each response (the kick); nothing else runs in the background.
      extraEnv: { ...unreachableLimits, LONGRUN_SCHEDULER: "off" },
      entry: settings.serverEntry,
    });
    const client = new LoopbackClient(server.baseUrl, concurrency);
    const token = await accessToken(server.baseUrl, org);
    const auth = { authorization: `Bearer ${token}` };
    const webhook = new Webhook(org.signingSecret);
    const cells: Cell[] = [];
    try {
      expectStatus(await client.request("PUT", "/api/v1/processes/bench-three", { ...auth, "content-type": "application/json" }, JSON.stringify(definition)), 201, "put process");
      const callback = async (target: string) => {
        const headers = { ...signatureHeaders(webhook, callbackBody), "content-type": "application/json" };
        expectStatus(await client.request("POST", target, headers, callbackBody), 200, "callback");
      };
      for (let round = 1; round <= rounds; round++) {
        // Single-task callbacks: workflows with a task the flow dispatched, completed by callback.
        const targets = new WorkQueue(await prepareCallbackTargets(server.baseUrl, token, workflowsPerRound));
        const single = await runLoad({ concurrency, durationMs: settings.cellMs }, async () => {
          const target = targets.take();
          if (!target) return "exhausted";
          await callback(target);
          return "ok";
        });
        cells.push({ kind: "single-task-callback", round, ...single });
        settings.log(`process-steps round ${round}: single-task callbacks ${formatRate(single.perSecond)}/s (${single.ok} ok, ${single.failed} failed)`);

        // Process steps: start the processes (Longrun dispatches each first step), then post every step's result as it is dispatched.
        const before = queue.received;
        const starting = await runLoad({ concurrency: 16, durationMs: 30 * 60_000, maxOps: workflowsPerRound }, async () => {
          const body = JSON.stringify({ workflow_id: randomUUID(), customer_id: "CUST-BENCH", timestamp: new Date().toISOString(), context: { amount: 1200 }, process: { name: "bench-three" } });
          expectStatus(await client.postJson("/api/v1/workflows", body, auth), 201, "initiate with process");
          return "ok";
        });
        if (starting.failed > 0) throw new Error(`starting processes: ${starting.failures[0]}`);
        const deadline = Date.now() + 120_000;
        while (queue.received - before < workflowsPerRound && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        const completedBefore = await completedCount(database.url);
        const steps = await runLoad({ concurrency, durationMs: settings.cellMs }, async () => {
          const target = await queue.take();
          if (!target) return "exhausted";
          await callback(target);
          return "ok";
        });
        const completedProcesses = (await completedCount(database.url)) - completedBefore;
        cells.push({ kind: "process-step", round, ...steps, completedProcesses });
        settings.log(`process-steps round ${round}: process steps ${formatRate(steps.perSecond)}/s (${steps.ok} ok, ${steps.failed} failed, ${completedProcesses} processes completed)`);
        // What is left of this round's processes finishes before the next round, so that rounds start alike.
        await runLoad({ concurrency, durationMs: 30 * 60_000 }, async () => {
          const target = await queue.take();
          if (!target) return "exhausted";
          await callback(target);
          return "ok";
        });
      }
    } finally {
      client.close();
      await server.stop();
    }
    return { cells, database: kind, server: serverEntryLabel(settings.serverEntry) };
  } finally {
    await orchestrator.close();
    await database.drop();
  }
}

async function completedCount(url: string): Promise<number> {
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  try {
    return Number((await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Workflow" WHERE "processName" IS NOT NULL AND "status" = 'COMPLETED'`)).rows[0]!.n);
  } finally {
    await sql.end();
  }
}

export const processSteps: BenchModule = {
  name: "process-steps",
  async run(settings) {
    const result = await run(settings);
    const of = (kind: Cell["kind"]) => result.cells.filter((c) => c.kind === kind);
    const row = (label: string, cells: Cell[]) => [
      label,
      String(cells.length),
      formatRate(median(cells.map((c) => c.perSecond))),
      formatMs(median(cells.map((c) => c.p50Ms))),
      formatMs(median(cells.map((c) => c.p99Ms))),
      String(cells.reduce((n, c) => n + c.failed, 0)),
    ];
    const steps = of("process-step");
    const single = of("single-task-callback");
    const ratio = median(steps.map((c) => c.perSecond)) / median(single.map((c) => c.perSecond));
    const markdown = [
      `Process steps against single-task callbacks at ${concurrency} concurrent clients, ${result.database} PostgreSQL, the server ${result.server} starts, cells of the two kinds alternating (${rounds} rounds, each cell at most ${settings.cellMs / 1000} s). A process step is a signed callback with a step's result, written with the next step's dispatch in one change, and that dispatch delivered to a local orchestrator (202) — the next step's callback is only possible once it arrived. A single-task callback completes a workflow's one task (nothing to dispatch next). Medians over the rounds.`,
      "",
      markdownTable(["operation", "rounds", "per second", "p50", "p99", "failed"], [row("process step (3-step process)", steps), row("single-task callback", single)], ["l", "r", "r", "r", "r", "r"]),
      "",
      `Process steps per second / single-task callbacks per second: **${Number.isFinite(ratio) ? ratio.toFixed(2) : "—"}**. Processes completed during the process cells: ${steps.map((c) => c.completedProcesses ?? 0).join(", ")}.`,
    ].join("\n");
    return { data: result, markdown };
  },
};
