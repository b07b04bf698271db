// Issue 17: callbacks and initiates at fixed arrival rates (50, 200 and 400
// per second, 30 s each by default) against the server `npm start` starts,
// on PostgreSQL: p50/p95/p99/max from each request's scheduled start, errors,
// the backlog when the arrivals stop, and where the server saturates. Also
// the server's memory idle, after the load and at its peak.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { accessToken, benchEncryptionKey, callbackBody, initiateBody, prepareCallbackTargets, signatureHeaders, unreachableLimits } from "./support/app-requests";
import { serverEntryLabel, startAppServer } from "./support/app-server";
import { createBenchDatabase, postgresVersion } from "./support/bench-database";
import type { BenchModule } from "./support/bench-module";
import { startCpuProbe, type CpuShares } from "./support/cpu-usage";
import { expectStatus, LoopbackClient } from "./support/http-client";
import { runLoad, WorkQueue } from "./support/load-loop";
import { formatMs, formatPct, formatRate, markdownTable } from "./support/markdown-table";
import { runOpenLoop, type OpenLoopResult } from "./support/open-loop";
import { processMemory, type ProcessMemory } from "./support/process-memory";
import { seedOrg } from "./support/seed-org";

type Operation = "initiate" | "callback";

interface Cell extends OpenLoopResult {
  operation: Operation;
  cpu: CpuShares;
}

function rates(): number[] {
  const list = (process.env.BENCH_OPEN_RATES ?? "50,200,400").split(",").map(Number);
  if (list.some((r) => !(r > 0 && r <= 5000))) throw new Error("BENCH_OPEN_RATES: arrival rates per second, e.g. 50,200,400");
  return list;
}

/**
 * A cell keeps up when it answered what arrived, without errors, and no queue
 * was left when arrivals stopped. A p99 that rose in the last fifth with no
 * queue left is a latency spike (a GC pause, a sweep run), said beside the
 * verdict, not saturation.
 */
function verdict(cell: Cell): string {
  if (cell.errors > 0) return `**saturated**: ${cell.errors} errors`;
  const keptUp = cell.answeredPerSecondInWindow >= 0.97 * cell.ratePerSecond && cell.inFlightAtEnd <= Math.max(5, cell.ratePerSecond * 0.05);
  const spike = cell.p99LastFifthMs > 3 * Math.max(cell.p99FirstFifthMs, 25);
  if (keptUp) return spike ? `keeps up (p99 rose to ${formatMs(cell.p99LastFifthMs)} ms in the last fifth, no queue left)` : "keeps up";
  return `**saturated**: answered ${formatRate(cell.answeredPerSecondInWindow)}/s of ${cell.ratePerSecond}/s, ${cell.inFlightAtEnd} in flight when arrivals stopped`;
}

/** `count` workflows (PENDING, version 1) with an accepted task each; returns each task's callback path with its query. */
async function seedCallbackTargets(url: string, orgId: string, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const ids = Array.from({ length: count }, () => ({ workflowId: randomUUID(), taskId: randomUUID() }));
    await client.query(
      `WITH r AS (SELECT * FROM unnest($2::uuid[], $3::uuid[]) AS r("workflowId", "taskId")),
       w AS (INSERT INTO "Workflow" ("orgId", "id", "customerId", "status", "version", "requestHash", "initiatedAt", "sessionState", "currentTaskId", "deadlineAt", "updatedAt")
             SELECT $1::uuid, r."workflowId", 'CUST-BENCH', 'PENDING', 1, 'bench', now(), 'NONE', r."taskId", now() + interval '1 hour', now() FROM r)
       INSERT INTO "Task" ("id", "orgId", "workflowId", "type", "payload", "status", "dispatch", "timeoutSeconds", "deadlineAt", "callbackVersion", "updatedAt")
       SELECT r."taskId", $1::uuid, r."workflowId", 'BENCH', '{}', 'ACCEPTED', false, 3600, now() + interval '1 hour', 1, now() FROM r`,
      [orgId, ids.map((i) => i.workflowId), ids.map((i) => i.taskId)],
    );
    return ids.map((i) => `/api/v1/webhooks/flow/callback/${i.workflowId}?task_id=${i.taskId}&version=1`);
  } finally {
    await client.end();
  }
}

async function postgresBackendPids(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    pids: async () => (await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")).rows.map((r) => r.pid),
    close: () => client.end(),
  };
}

export const openLoop: BenchModule = {
  name: "open-loop",
  async run(settings) {
    const seconds = Number(process.env.BENCH_OPEN_SECONDS ?? 30);
    if (!(seconds >= 1 && seconds <= 300)) throw new Error("BENCH_OPEN_SECONDS: 1 to 300");
    const arrivalRates = rates();
    // The first of BENCH_DATABASES (default: the embedded PostgreSQL, what `npm start` runs on without DATABASE_URL).
    const database = await createBenchDatabase(settings.databases[0]!, settings.postgresServerUrl);
    const serverVersion = await postgresVersion(database.url);
    const cells: Cell[] = [];
    let memory: { idle: ProcessMemory; afterLoad: ProcessMemory } | null = null;
    try {
      const org = await seedOrg(database.url, benchEncryptionKey);
      const backends = await postgresBackendPids(database.url);
      const server = await startAppServer({
        distDir: settings.distDir,
        databaseUrl: database.url,
        encryptionKey: benchEncryptionKey,
        poolSize: settings.poolSize,
        logFile: path.join(settings.resultsDir, `${settings.runStamp}-open-loop-server.log`),
        entry: "npm-start",
        extraEnv: unreachableLimits,
      });
      try {
        await sleep(3000);
        const idle = processMemory(server.pid);
        const token = await accessToken(server.baseUrl, org);
        const auth = { authorization: `Bearer ${token}` };
        const webhook = new Webhook(org.signingSecret);
        // Sockets enough that requests never wait for one here: the queue under test is the server's.
        const client = new LoopbackClient(server.baseUrl, 4096);
        try {
          // Warm-up: module loading, JIT, pool.
          const warm = await prepareCallbackTargets(server.baseUrl, token, 300);
          const warmQueue = new WorkQueue(warm);
          await runLoad({ concurrency: 16, durationMs: 60_000 }, async () => {
            const target = warmQueue.take();
            if (target === undefined) return "exhausted";
            expectStatus(await client.postJson(target, callbackBody, signatureHeaders(webhook, callbackBody)), 200, "warm-up callback");
            return "ok";
          });

          const measure = async (operation: Operation, rate: number, op: (i: number) => Promise<void>) => {
            const stop = await startCpuProbe({ appServerPid: server.pid, databasePids: backends.pids });
            const result = await runOpenLoop({ ratePerSecond: rate, seconds, drainMs: 90_000 }, op);
            const cell: Cell = { operation, ...result, cpu: await stop(result.ok) };
            cells.push(cell);
            settings.log(
              `open-loop ${operation} ${rate}/s: ok ${cell.ok} errors ${cell.errors} p50 ${formatMs(cell.p50Ms)} p99 ${formatMs(cell.p99Ms)} max ${formatMs(cell.maxMs)} ms; ` +
                `answered ${formatRate(cell.answeredPerSecondInWindow)}/s, ${cell.inFlightAtEnd} in flight at the end; server ${formatPct(cell.cpu.appServerPct)}${cell.failures[0] ? `; ${cell.failures[0]}` : ""}`,
            );
            // Let the server drain and settle before the next rate.
            await sleep(3000);
          };

          for (const rate of arrivalRates) {
            await measure("initiate", rate, async () => {
              expectStatus(await client.postJson("/api/v1/workflows", initiateBody(randomUUID()), auth), 201, "initiate");
            });
          }

          // The callbacks' targets: a workflow with an accepted task each, written straight into the database
          // in one statement (registering ~20,000 tasks through the API took longer than the cells on a
          // loaded machine); the rows are what POST /tasks leaves, and the paths are what callbackUrl builds.
          const needed = arrivalRates.reduce((sum, rate) => sum + Math.round(rate * seconds), 0);
          settings.log(`open-loop: seeding ${needed} callback targets`);
          const targets = await seedCallbackTargets(database.url, org.orgId, needed);
          const callbacks = new WorkQueue(targets);
          for (const rate of arrivalRates) {
            await measure("callback", rate, async () => {
              const target = callbacks.take();
              if (target === undefined) throw new Error("no callback target left");
              const response = expectStatus(await client.postJson(target, callbackBody, signatureHeaders(webhook, callbackBody)), 200, "callback");
              if (!response.body.includes('"COMPLETED"')) throw new Error(`callback did not complete the workflow: ${response.body.slice(0, 200)}`);
            });
          }
          memory = { idle, afterLoad: processMemory(server.pid) };
        } finally {
          client.close();
        }
      } finally {
        await server.stop();
        await backends.close();
      }
    } finally {
      await database.drop();
    }
    return { data: { seconds, rates: arrivalRates, cells, memory }, markdown: openLoopMarkdown(cells, seconds, memory, `${database.kind} ${serverVersion}`) };
  },
};

export function openLoopMarkdown(cells: Cell[], seconds: number, memory: { idle: ProcessMemory; afterLoad: ProcessMemory } | null, database: string): string {
  const at200 = cells.find((c) => c.operation === "callback" && c.ratePerSecond === 200);
  const at400 = cells.find((c) => c.operation === "callback" && c.ratePerSecond === 400);
  const firstSaturated = (operation: Operation) => cells.find((c) => c.operation === operation && !verdict(c).startsWith("keeps up"));
  const aims: string[] = [];
  if (at200) {
    const met = at200.p99Ms <= 25 && at200.errors === 0;
    aims.push(`- Callbacks at 200/s: p99 **${formatMs(at200.p99Ms)} ms**, ${at200.errors} errors (aim: p99 ≤ 25 ms, no errors) — ${met ? "met" : "not met"}.`);
  }
  if (at400) aims.push(`- Callbacks at 400/s for ${seconds} s: ${verdict(at400)} (aim: no growing backlog).`);
  for (const operation of ["callback", "initiate"] as const) {
    const saturated = firstSaturated(operation);
    const kept = cells.filter((c) => c.operation === operation && verdict(c).startsWith("keeps up")).map((c) => c.ratePerSecond);
    aims.push(`- ${operation === "callback" ? "Callbacks" : "Initiates"}: ${saturated ? `saturate at ${saturated.ratePerSecond}/s (the server answered ${formatRate(saturated.answeredPerSecondInWindow)}/s there)` : "kept up at every rate tried"}${kept.length ? `; kept up at ${kept.join(", ")}/s` : ""}.`);
  }
  return [
    `${serverEntryLabel("npm-start")} on ${database}, in-process scheduler on (as users run it); arrivals at a fixed rate for ${seconds} s each, latency from each request's scheduled start (time queued in the load generator counts).`,
    "",
    ...aims,
    "",
    markdownTable(
      ["operation", "rate /s", "sent", "answered", "errors", "answered/s in the window", "in flight when arrivals stopped", "p50 ms", "p95 ms", "p99 ms", "max ms", "p99 first / last fifth ms", "server CPU", "PostgreSQL CPU", "server CPU ms/op", "verdict"],
      cells.map((c) => [
        c.operation,
        c.ratePerSecond,
        c.offered,
        c.ok,
        c.errors,
        formatRate(c.answeredPerSecondInWindow),
        c.inFlightAtEnd,
        formatMs(c.p50Ms),
        formatMs(c.p95Ms),
        formatMs(c.p99Ms),
        formatMs(c.maxMs),
        `${formatMs(c.p99FirstFifthMs)} / ${formatMs(c.p99LastFifthMs)}`,
        formatPct(c.cpu.appServerPct),
        formatPct(c.cpu.databasePct),
        formatMs(c.cpu.appServerMsPerOp),
        verdict(c),
      ]),
    ),
    "",
    memory
      ? `Server memory (${serverEntryLabel("npm-start")}): RSS **${memory.idle.rssMb.toFixed(0)} MB** idle (3 s after it answered), **${memory.afterLoad.rssMb.toFixed(0)} MB** after these runs, peak ${memory.afterLoad.peakRssMb.toFixed(0)} MB (aim: ≤ 300 MB after load — ${memory.afterLoad.rssMb <= 300 ? "met" : "not met"}).`
      : "",
  ].join("\n");
}
