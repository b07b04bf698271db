// The crash drill (`npm run drill`; a short version runs in the suite,
// test/api/security-drill.test.ts): the production server (`npm start`) on
// PostgreSQL under a bounded mixed load — initiates, tasks dispatched to a
// local orchestrator, signed callbacks with client retries — is killed with
// SIGKILL (its whole process tree) mid-load, started again, and then checked:
// every acknowledged write is there, no event is recorded twice, and every
// dispatch reached the orchestrator under one webhook-id per task.
//
// The orchestrator here behaves as the README asks receivers to: it
// deduplicates on webhook-id, answers 202 at once and reports the result
// later, retrying its callback (same webhook-id, fresh signature) until it gets
// an answer that is not a network error or a 5xx.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface DrillOptions {
  /** PostgreSQL server to create the drill's own database on. */
  serverUrl: string;
  /** Seconds of load in all; the kill comes at `killAfterSeconds`. */
  loadSeconds: number;
  killAfterSeconds: number;
  /** Concurrent clients (each: initiate → dispatch; the orchestrator calls back). */
  clients: number;
  /** Next build folder the server runs (NEXT_DIST_DIR). */
  distDir: string;
  /** Longest wait for dispatches left claimed by the killed server (the drill's server leases them for 15 s). */
  drainSeconds: number;
  log?: (line: string) => void;
}

export interface DrillReport {
  acknowledged: { initiates: number; dispatches: number; callbacks: number };
  missing: string[];
  duplicateEvents: number;
  dispatch: { tasks: number; reached: number; deliveries: number; tasksWithSeveralIds: string[]; executions: number };
  kill: { at: string; restartedInMs: number; refusedDuringOutage: number };
  serverErrors: string[];
  ok: boolean;
}

const encryptionKey = Buffer.from("longrun-crash-drill-key-32-bytes").toString("base64");
const cronSecret = `drill-cron-${randomBytes(8).toString("hex")}`;

export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function createDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const { Client } = await import("pg");
  const name = `longrun_drill_${randomBytes(5).toString("hex")}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** `npm start` in its own process group, so that one kill reaches npm, the shell and node alike. */
export function startServer(env: Record<string, string>, output: string[]): ChildProcess {
  const child = spawn("npm", ["start", "--silent"], { env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.trim()) output.push(line);
    });
  }
  return child;
}

export function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

export async function waitForHealth(base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was healthy`);
    try {
      const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server was not healthy within ${timeoutMs} ms`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCrashDrill(options: DrillOptions): Promise<DrillReport> {
  const say = options.log ?? (() => undefined);
  const database = await createDatabase(options.serverUrl);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const serverEnv: Record<string, string> = {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    NEXT_DIST_DIR: options.distDir,
    NODE_ENV: "production",
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? encryptionKey,
    CRON_SECRET: cronSecret,
    PUBLIC_BASE_URL: base,
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    // A dispatch the killed server had claimed is taken over once its lease runs out (default 120 s).
    OUTBOX_LEASE_SECONDS: "15",
    // The drill measures durability, not the limits.
    RATE_LIMIT_CLIENT_PER_MINUTE: "1000000",
    RATE_LIMIT_ORG_PER_MINUTE: "1000000",
    RATE_LIMIT_WEBHOOK_PEER_PER_MINUTE: "1000000",
    RATE_LIMIT_WEBHOOK_ORG_PER_MINUTE: "1000000",
    RATE_LIMIT_TOKEN_PEER_PER_MINUTE: "1000000",
  };

  // --- the orchestrator ------------------------------------------------------
  const dispatchIds = new Map<string, Set<string>>(); // task → webhook-ids seen
  const executed = new Set<string>(); // webhook-ids run (deduplicated)
  let executions = 0;
  let signingSecret = "";
  const callbacks: Array<Promise<void>> = [];
  const acknowledgedCallbacks = new Map<string, { workflowId: string; result: string }>();
  let refusedDuringOutage = 0;
  let stopping = false;

  async function callBack(workflowId: string, taskId: string, callbackUrl: string): Promise<void> {
    const result = Math.random() < 0.8 ? "SUCCESS" : "FAILED";
    const body = JSON.stringify({ result, task_id: taskId, result_data: { drill: true } });
    const webhookId = `msg_${randomUUID()}`;
    for (let attempt = 0; attempt < 400 && !stopping; attempt++) {
      const now = new Date();
      try {
        const res = await fetch(callbackUrl, {
          method: "POST",
          headers: { "content-type": "application/json", "webhook-id": webhookId, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": new Webhook(signingSecret).sign(webhookId, now, body) },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.text();
        if (res.status === 200) acknowledgedCallbacks.set(taskId, { workflowId, result });
        if (res.status < 500) return;
      } catch {
        refusedDuringOutage++;
      }
      await sleep(250);
    }
  }

  const orchestrator = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const webhookId = String(req.headers["webhook-id"] ?? "");
      const taskId = String(req.headers["x-task-id"] ?? "");
      const callbackUrl = String(req.headers["x-callback-url"] ?? "");
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        new Webhook(signingSecret).verify(text, { "webhook-id": webhookId, "webhook-timestamp": String(req.headers["webhook-timestamp"]), "webhook-signature": String(req.headers["webhook-signature"]) });
      } catch {
        res.writeHead(401).end();
        return;
      }
      if (!dispatchIds.has(taskId)) dispatchIds.set(taskId, new Set());
      dispatchIds.get(taskId)!.add(webhookId);
      res.writeHead(202, { "content-type": "application/json" }).end('{"queued":true}');
      // The receiver's rule: a webhook-id already run is acknowledged, not run again.
      if (executed.has(webhookId)) return;
      executed.add(webhookId);
      executions++;
      const { workflow_id } = JSON.parse(text) as { workflow_id: string };
      callbacks.push(sleep(50 + Math.random() * 300).then(() => callBack(workflow_id, taskId, callbackUrl)));
    });
  });
  await new Promise<void>((resolve) => orchestrator.listen(0, "127.0.0.1", resolve));
  const orchestratorUrl = `http://127.0.0.1:${(orchestrator.address() as AddressInfo).port}/tasks`;

  let server = startServer(serverEnv, output);
  const report: DrillReport = {
    acknowledged: { initiates: 0, dispatches: 0, callbacks: 0 },
    missing: [],
    duplicateEvents: 0,
    dispatch: { tasks: 0, reached: 0, deliveries: 0, tasksWithSeveralIds: [], executions: 0 },
    kill: { at: "", restartedInMs: 0, refusedDuringOutage: 0 },
    serverErrors: [],
    ok: false,
  };
  const { Client } = await import("pg");
  const sql = new Client({ connectionString: database.url });
  try {
    await waitForHealth(base, server, 120_000);
    await sql.connect();
    say(`drill: server up on ${base}, database ${new URL(database.url).pathname.slice(1)}`);

    // An org as `npm run org:create` makes it, through the same code, on the drill's database.
    const orgEnv: NodeJS.ProcessEnv = { ...process.env, ...serverEnv, NODE_ENV: "production" };
    const created = await new Promise<string>((resolve, reject) => {
      const child = spawn("npx", ["tsx", "scripts/drill/create-drill-org.ts", orchestratorUrl], { env: orgEnv, stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.on("data", (c: Buffer) => (text += c.toString()));
      child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`creating the drill's org failed (${code})`))));
    });
    const org = JSON.parse(created.trim().split("\n").pop()!) as { clientId: string; clientSecret: string; signingSecret: string };
    signingSecret = org.signingSecret;
    const tokenRes = await fetch(`${base}/api/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "client_credentials", client_id: org.clientId, client_secret: org.clientSecret }) });
    if (tokenRes.status !== 200) throw new Error(`token: ${tokenRes.status} ${await tokenRes.text()}`);
    const { access_token } = (await tokenRes.json()) as { access_token: string };

    // --- load ----------------------------------------------------------------
    const acknowledgedInitiates = new Set<string>();
    const acknowledgedDispatches = new Map<string, string>(); // workflow → task
    const deadline = Date.now() + options.loadSeconds * 1000;
    let down = false;

    /** A client that retries what got no answer (network error, 5xx) with the same body: initiate is idempotent. */
    async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> } | null> {
      for (let attempt = 0; attempt < 600; attempt++) {
        try {
          const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${access_token}` }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
          const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
          if (res.status < 500) return { status: res.status, json };
          if (!down) report.serverErrors.push(`${path} → ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
        } catch {
          if (!down) report.kill.refusedDuringOutage++;
        }
        await sleep(200);
      }
      return null;
    }

    async function client(): Promise<void> {
      while (Date.now() < deadline) {
        const workflowId = randomUUID();
        const started = await post("/api/v1/workflows", { workflow_id: workflowId, customer_id: "CUST-DRILL", timestamp: new Date().toISOString(), context: { drill: true } });
        if (!started || started.status >= 300) continue;
        acknowledgedInitiates.add(workflowId);
        const task = await post(`/api/v1/workflows/${workflowId}/tasks`, { task_type: "DRILL", payload: { n: 1 } });
        // A retried dispatch whose first try did land answers 409 (a task is waiting): the first one counts.
        // A 202 whose body the kill cut off is acknowledged all the same; its task is found by workflow in the checks.
        if (task?.status === 202) acknowledgedDispatches.set(workflowId, typeof task.json.task_id === "string" ? task.json.task_id : "");
      }
    }

    const clients = Array.from({ length: options.clients }, () => client());
    await sleep(options.killAfterSeconds * 1000);
    // --- the crash -------------------------------------------------------------
    down = true;
    report.kill.at = new Date().toISOString();
    say(`drill: SIGKILL to the server's process group (pid ${server.pid}) at ${report.kill.at}`);
    killTree(server, "SIGKILL");
    await new Promise((r) => server.once("exit", r));
    const restartAt = Date.now();
    server = startServer(serverEnv, output);
    await waitForHealth(base, server, 120_000);
    report.kill.restartedInMs = Date.now() - restartAt;
    down = false;
    say(`drill: restarted in ${report.kill.restartedInMs} ms`);
    await Promise.all(clients);

    // --- drain: every acknowledged dispatch reaches the orchestrator ------------
    const drainUntil = Date.now() + options.drainSeconds * 1000;
    while (Date.now() < drainUntil) {
      const waiting = [...acknowledgedDispatches.values()].filter((t) => !dispatchIds.has(t)).length;
      if (waiting === 0) break;
      await fetch(`${base}/api/cron/timeouts`, { headers: { authorization: `Bearer ${cronSecret}` } }).catch(() => undefined);
      await sleep(2000);
    }
    await Promise.all(callbacks);
    stopping = true;

    // --- checks ----------------------------------------------------------------
    report.acknowledged = { initiates: acknowledgedInitiates.size, dispatches: acknowledgedDispatches.size, callbacks: acknowledgedCallbacks.size };
    const workflows = new Set((await sql.query<{ id: string }>(`SELECT id::text FROM "Workflow"`)).rows.map((r) => r.id));
    for (const id of acknowledgedInitiates) if (!workflows.has(id)) report.missing.push(`workflow ${id} (initiate acknowledged)`);
    const tasks = new Map((await sql.query<{ id: string; workflowId: string; status: string }>(`SELECT id::text, "workflowId"::text AS "workflowId", status FROM "Task"`)).rows.map((r) => [r.id, r]));
    for (const [workflowId, taskId] of acknowledgedDispatches) {
      if (taskId === "") {
        const found = [...tasks.values()].find((t) => t.workflowId === workflowId);
        if (found) acknowledgedDispatches.set(workflowId, found.id);
        else report.missing.push(`a task of workflow ${workflowId} (dispatch acknowledged, body cut off by the kill)`);
      } else if (tasks.get(taskId)?.workflowId !== workflowId) report.missing.push(`task ${taskId} (dispatch acknowledged)`);
    }
    for (const [taskId, { result }] of acknowledgedCallbacks) {
      const status = tasks.get(taskId)?.status;
      const expected = result === "SUCCESS" ? "SUCCEEDED" : "FAILED";
      if (status !== expected) report.missing.push(`result of task ${taskId} (callback acknowledged: ${result}, task is ${status})`);
    }
    const duplicates = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM (SELECT 1 FROM "Event" GROUP BY "orgId", "workflowId", version, type HAVING count(*) > 1) d`);
    report.duplicateEvents = Number(duplicates.rows[0]!.n);
    const deliveries = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Delivery" WHERE kind = 'DISPATCH_TASK'`);
    report.dispatch = {
      tasks: acknowledgedDispatches.size,
      reached: [...acknowledgedDispatches.values()].filter((t) => dispatchIds.has(t)).length,
      deliveries: Number(deliveries.rows[0]!.n),
      tasksWithSeveralIds: [...dispatchIds].filter(([, ids]) => ids.size > 1).map(([task]) => task),
      executions,
    };
    report.kill.refusedDuringOutage += refusedDuringOutage;
    report.serverErrors.push(...output.filter((l) => /"level":"error"/.test(l)).slice(0, 20));
    report.ok =
      report.missing.length === 0 &&
      report.duplicateEvents === 0 &&
      report.dispatch.reached === report.dispatch.tasks &&
      report.dispatch.tasksWithSeveralIds.length === 0 &&
      report.dispatch.executions === dispatchIds.size &&
      report.serverErrors.length === 0 &&
      report.acknowledged.initiates > 0 &&
      report.acknowledged.callbacks > 0;
    return report;
  } finally {
    stopping = true;
    killTree(server, "SIGTERM");
    await Promise.race([new Promise((r) => server.once("exit", r)), sleep(12_000)]);
    killTree(server, "SIGKILL");
    await sql.end().catch(() => undefined);
    await new Promise<void>((resolve) => orchestrator.close(() => resolve()));
    orchestrator.closeAllConnections();
    await database.drop().catch(() => undefined);
  }
}
