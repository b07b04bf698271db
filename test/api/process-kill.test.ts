// Rule 6 for processes, with a real server process killed by SIGKILL (its
// whole process tree, as the crash drill does): the production server (`npm
// start`, the build the browser tests share) on its own database of this
// file's PostgreSQL, the orchestrator stand-in a real HTTP server.
//
// 1. Killed between a step's result and the next dispatch: the callback for
//    step one committed (the next dispatch is in the outbox in the same
//    change), the server sent step two to the orchestrator, which holds the
//    request open, and the kill comes before the server hears back. After the
//    restart the dispatch is taken over once its lease runs out: step two has
//    one task and one delivery, reaches the orchestrator under one
//    webhook-id (a receiver deduplicates on it), and step three follows once.
// 2. The wake-up sweep killed mid-batch: due retries claimed (row locks held),
//    the batch's write (its retries' new tasks) blocked on a lock the test
//    holds, the server killed.
//    The batch rolls back whole; after the restart every retry is dispatched
//    exactly once.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, freePort, killTree, startServer, waitForHealth } from "@/scripts/drill/crash-drill";
import buildForBrowserTests, { browserDistDir } from "@/test/browser/global-setup";
import { signed } from "@/test/support/api";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";

const root = path.resolve(import.meta.dirname, "../..");
const leaseSeconds = 5;
/** Generous: the machine may be loaded; nothing here measures speed. */
const patience = 120_000;

const definition = {
  steps: [
    { name: "one", title: "Step one", kind: "task", task_type: "KILL_ONE", retry: { max_attempts: 2, initial_interval: 1 }, on_failure: "end" },
    { name: "two", title: "Step two", kind: "task", task_type: "KILL_TWO" },
    { name: "three", title: "Step three", kind: "task", task_type: "KILL_THREE" },
  ],
};

interface Dispatched {
  workflow_id: string;
  task_id: string;
  task_type: string;
  callback_url: string;
}

let database: { url: string; drop: () => Promise<void> };
let orchestrator: Orchestrator;
let sql: pg.Client;
let server: ChildProcess | null = null;
let base = "";
let env: Record<string, string> = {};
let token = "";
let signingSecret = "";
const output: string[] = [];
const cronSecret = "process-kill-cron-secret-0123456789";

function ensureCompiledServer(): void {
  const out = path.join(root, "dist/server.js");
  if (existsSync(out) && statSync(out).mtimeMs > Math.max(statSync(path.join(root, "server.ts")).mtimeMs, statSync(path.join(root, "lib")).mtimeMs)) return;
  const result = spawnSync("npm", ["run", "--silent", "build:server"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm run build:server failed: ${result.stderr}`);
}

async function up(): Promise<void> {
  server = startServer(env, output);
  await waitForHealth(base, server, patience);
}

async function kill(): Promise<void> {
  const child = server!;
  const exited = new Promise((r) => child.once("exit", r));
  killTree(child, "SIGKILL");
  await exited;
  server = null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + patience;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output.slice(-20).join("\n")}`);
    await sleep(250);
  }
}

async function api(pathname: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}${pathname}`, {
    method: init.method ?? "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function cron(): Promise<void> {
  await fetch(`${base}/api/cron/timeouts`, { headers: { authorization: `Bearer ${cronSecret}` } }).catch(() => undefined);
}

async function report(task: Dispatched, body: unknown): Promise<number> {
  const url = new URL(task.callback_url);
  const raw = JSON.stringify(body);
  const res = await fetch(`${base}${url.pathname}${url.search}`, { method: "POST", headers: { "content-type": "application/json", ...signed(signingSecret, raw) }, body: raw });
  await res.text();
  return res.status;
}

function received(workflowId: string, taskType: string): Array<Dispatched & { webhookId: string }> {
  return orchestrator.received
    .map((r) => ({ ...(JSON.parse(r.body) as Dispatched), webhookId: String(r.headers["webhook-id"]) }))
    .filter((d) => d.workflow_id === workflowId && d.task_type === taskType);
}

async function start(workflowId: string): Promise<void> {
  const res = await api("/api/v1/workflows", { body: { workflow_id: workflowId, customer_id: "CUST-KILL", timestamp: new Date().toISOString(), context: {}, process: { name: "kill-drill" } } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeAll(async () => {
  buildForBrowserTests();
  ensureCompiledServer();
  orchestrator = await startOrchestrator();
  database = await createDatabase(process.env.DATABASE_URL!);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    NEXT_DIST_DIR: browserDistDir,
    NODE_ENV: "production",
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
    CRON_SECRET: cronSecret,
    PUBLIC_BASE_URL: base,
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    // A dispatch the killed server had claimed is taken over once its lease runs out.
    OUTBOX_LEASE_SECONDS: String(leaseSeconds),
    // The test drives the sweeps through the cron route, as Vercel's cron does.
    LONGRUN_SCHEDULER: "off",
  };
  await up();
  const created = await new Promise<string>((resolve, reject) => {
    const child = spawn("npx", ["tsx", "scripts/drill/create-drill-org.ts", orchestrator.url], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (c: Buffer) => (text += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`creating the org failed (${code})`))));
  });
  const org = JSON.parse(created.trim().split("\n").pop()!) as { clientId: string; clientSecret: string; signingSecret: string };
  signingSecret = org.signingSecret;
  const res = await fetch(`${base}/api/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "client_credentials", client_id: org.clientId, client_secret: org.clientSecret }) });
  expect(res.status).toBe(200);
  token = ((await res.json()) as { access_token: string }).access_token;
  expect((await api("/api/v1/processes/kill-drill", { method: "PUT", body: definition })).status).toBe(201);
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
}, 900_000);

afterAll(async () => {
  if (server) {
    killTree(server, "SIGKILL");
    await new Promise((r) => server!.once("exit", r));
  }
  await sql?.end().catch(() => undefined);
  await orchestrator?.close();
  await database?.drop().catch(() => undefined);
});

async function count(query: string, params: unknown[]): Promise<number> {
  const row = (await sql.query<Record<string, unknown>>(query, params)).rows[0]!;
  return Number(Object.values(row)[0]);
}

describe("a process across a SIGKILL of the server", () => {
  it("dispatches the next step exactly once when the server dies between a step's result and the next dispatch", async () => {
    const workflowId = "7c1d2e3f-4a5b-4c6d-8e7f-901234567801";
    await start(workflowId);
    // The initiate delivers the first step right after its response.
    const [one] = await until("step one's dispatch", async () => received(workflowId, "KILL_ONE").length > 0 && received(workflowId, "KILL_ONE"));
    // The orchestrator takes step two but never answers: the server dies with the dispatch in flight.
    orchestrator.hold((body) => body.includes('"KILL_TWO"'));
    expect(await report(one!, { status: "COMPLETED", result_data: { ok: true } })).toBe(200);
    // The callback's change wrote step two's dispatch; the route delivers it right after its response (no cron run needed).
    await until("step two's dispatch to reach the orchestrator", async () => received(workflowId, "KILL_TWO").length === 1);
    await kill();

    // The result and the next dispatch were one change: step two's task and its outbox row exist, the delivery unsettled.
    expect(await count(`SELECT count(*) FROM "Task" WHERE "workflowId" = $1 AND step = 'two'`, [workflowId])).toBe(1);
    const pending = await sql.query<{ status: string; attempts: number }>(`SELECT d.status, d.attempts FROM "Delivery" d JOIN "Task" t ON t.id = d."taskId" WHERE t."workflowId" = $1 AND t.step = 'two' AND d.kind = 'DISPATCH_TASK'`, [workflowId]);
    expect(pending.rows).toEqual([{ status: "PENDING", attempts: 1 }]);

    orchestrator.release();
    await up();
    // Once the dead server's lease has run out, a cron run takes the dispatch over.
    await until("step two's delivery after the restart", async () => {
      await cron();
      return (await count(`SELECT count(*) FROM "Delivery" d JOIN "Task" t ON t.id = d."taskId" WHERE t."workflowId" = $1 AND t.step = 'two' AND d.status = 'DELIVERED'`, [workflowId])) === 1;
    });
    const two = received(workflowId, "KILL_TWO");
    expect(two.length).toBeGreaterThanOrEqual(2);
    // One task, one webhook-id: the redelivery is the same dispatch, which a receiver runs once.
    expect(new Set(two.map((d) => d.task_id)).size).toBe(1);
    expect(new Set(two.map((d) => d.webhookId)).size).toBe(1);
    expect(await count(`SELECT count(*) FROM "Task" WHERE "workflowId" = $1 AND step = 'two'`, [workflowId])).toBe(1);
    expect(await count(`SELECT count(*) FROM "Delivery" WHERE "workflowId" = $1 AND kind = 'DISPATCH_TASK'`, [workflowId])).toBe(2);

    expect(await report(two[0]!, { status: "COMPLETED", result_data: { ok: true } })).toBe(200);
    const [three] = await until("step three's dispatch", async () => {
      await cron();
      return received(workflowId, "KILL_THREE").length > 0 && received(workflowId, "KILL_THREE");
    });
    expect(await report(three!, { status: "COMPLETED", result_data: { done: true } })).toBe(200);
    const status = await api(`/api/v1/workflows/${workflowId}`, { method: "GET" });
    expect(status.body).toMatchObject({ status: "COMPLETED", current_step: "three", step_index: 3, step_count: 3 });
    expect(received(workflowId, "KILL_THREE")).toHaveLength(1);
    expect(await count(`SELECT count(*) FROM "Event" WHERE "workflowId" = $1 AND type = 'TASK_DISPATCHED'`, [workflowId])).toBe(3);
    expect(await count(`SELECT count(*) FROM (SELECT 1 FROM "Event" WHERE "workflowId" = $1 GROUP BY version, type HAVING count(*) > 1) d`, [workflowId])).toBe(0);
  }, 600_000);

  it("rolls back a wake-up sweep killed mid-batch and dispatches each due retry exactly once after the restart", async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `7c1d2e3f-4a5b-4c6d-8e7f-9012345678${String(10 + i)}`);
    for (const id of ids) await start(id);
    const firsts = await until("the first attempts", async () => {
      await cron();
      return ids.every((id) => received(id, "KILL_ONE").length === 1) && ids.map((id) => received(id, "KILL_ONE")[0]!);
    });

    // Each first attempt fails: a retry 1 s later (no outbox row: a durable timer on the workflow, which only a sweep wakes).
    for (const first of firsts) expect(await report(first, { status: "FAILED", reason: "VENDOR_DOWN" })).toBe(200);
    expect(await count(`SELECT count(*) FROM "Workflow" WHERE id = ANY($1::uuid[]) AND "processPhase" = 'RETRY'`, [ids])).toBe(6);
    // Then the test holds a lock the sweep's write needs and nothing before it in the cron run does: no new task while it is held
    // (the timeout sweep's claim and the outbox runs take none; the callbacks' own outbox runs are over first).
    await sleep(1500);
    const blocker = new pg.Client({ connectionString: database.url });
    // Ended below; if the test fails first, dropping the database ends it, which is no error of the test.
    blocker.on("error", () => undefined);
    await blocker.connect();
    await blocker.query(`BEGIN`);
    await blocker.query(`LOCK TABLE "Task" IN SHARE MODE`);

    // A cron run: the wake-up sweep claims the due retries, runs them through the state machine and blocks in the batch's write.
    const sweeping = cron();
    await until("the sweep to hold the claimed rows and wait on the lock", async () => {
      const waiting = await count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`, []);
      const claimed = ids.length - (await sql.query(`SELECT id FROM "Workflow" WHERE id = ANY($1::uuid[]) FOR UPDATE SKIP LOCKED`, [ids])).rowCount!;
      return waiting > 0 && claimed === ids.length;
    });
    await kill();
    void sweeping;
    await blocker.query(`COMMIT`);
    await blocker.end();
    // The killed server's transaction never committed: nothing of the batch is there.
    await until("the killed server's backends to go", async () => (await count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`, [])) === 0);
    expect(await count(`SELECT count(*) FROM "Task" WHERE "workflowId" = ANY($1::uuid[])`, [ids])).toBe(6);
    expect(await count(`SELECT count(*) FROM "Workflow" WHERE id = ANY($1::uuid[]) AND "processPhase" = 'RETRY' AND attempt = 1`, [ids])).toBe(6);

    await up();
    await until("every second attempt to reach the orchestrator", async () => {
      await cron();
      return ids.every((id) => received(id, "KILL_ONE").length >= 2);
    });
    for (const id of ids) {
      const attempts = received(id, "KILL_ONE");
      expect(attempts, id).toHaveLength(2);
      expect(new Set(attempts.map((a) => a.task_id)).size, id).toBe(2);
    }
    expect(await count(`SELECT count(*) FROM "Task" WHERE "workflowId" = ANY($1::uuid[])`, [ids])).toBe(12);
    expect(await count(`SELECT count(*) FROM "Event" WHERE "workflowId" = ANY($1::uuid[]) AND type = 'TASK_DISPATCHED'`, [ids])).toBe(12);
    expect(await count(`SELECT count(*) FROM "Workflow" WHERE id = ANY($1::uuid[]) AND "processPhase" = 'RUNNING' AND attempt = 2`, [ids])).toBe(6);
    // Another sweep finds nothing due.
    await cron();
    expect(await count(`SELECT count(*) FROM "Task" WHERE "workflowId" = ANY($1::uuid[])`, [ids])).toBe(12);
  }, 600_000);
});
