// GET /api/metrics: its own bearer secret, the Prometheus text format, and
// figures that move when requests, callbacks, sweeps and deliveries happen.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { GET as health } from "@/app/api/health/route";
import { GET as cronTimeouts } from "@/app/api/cron/timeouts/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { db } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { routePattern } from "@/lib/metrics/http-metrics";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";

const secret = "metrics-secret-for-tests-0123456789";
let org: TestOrg;

beforeAll(async () => {
  vi.stubEnv("METRICS_SECRET", secret);
  resetEnvCache();
  org = await newOrg();
});
afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

async function scrape(): Promise<string> {
  const response = await call(metricsRoute, "/api/metrics", { headers: { authorization: `Bearer ${secret}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one sample, 0 when the series does not exist yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return 0;
}

async function startTask(): Promise<{ workflowId: string; callbackUrl: string }> {
  const body = workflowBody();
  expect((await call(initiate, "/api/v1/workflows", { body, token: org.token })).status).toBe(201);
  const res = await call(dispatch, `/api/v1/workflows/${body.workflow_id}/tasks`, { params: { id: body.workflow_id }, body: { task_type: "METRICS", dispatch: false }, token: org.token });
  expect(res.status).toBe(202);
  return { workflowId: body.workflow_id, callbackUrl: (await jsonOf<{ callback_url: string }>(res)).callback_url };
}

function postCallback(task: { workflowId: string; callbackUrl: string }, raw: string, headers: Record<string, string>) {
  const url = new URL(task.callbackUrl);
  return call(callback, url.pathname + url.search, { params: { id: task.workflowId }, rawBody: raw, headers });
}

describe("GET /api/metrics", () => {
  it("refuses a scrape without its own secret, and every scrape while METRICS_SECRET is unset", async () => {
    for (const authorization of [undefined, "Bearer wrong-secret-0123456789abcdef", `Bearer ${process.env.CRON_SECRET}`, `Basic ${secret}`, secret]) {
      const response = await call(metricsRoute, "/api/metrics", { headers: authorization ? { authorization } : {} });
      expect(response.status, String(authorization)).toBe(401);
      const body = await jsonOf<{ error: { code: string; message: string } }>(response);
      expect(body.error.code).toBe("UNAUTHORIZED");
      expect(JSON.stringify(body)).not.toContain(secret);
    }
    vi.stubEnv("METRICS_SECRET", undefined);
    resetEnvCache();
    try {
      const response = await call(metricsRoute, "/api/metrics", { headers: { authorization: "Bearer " } });
      expect(response.status).toBe(401);
      expect((await jsonOf<{ error: { message: string } }>(response)).error.message).toMatch(/METRICS_SECRET is not configured/);
    } finally {
      vi.stubEnv("METRICS_SECRET", secret);
      resetEnvCache();
    }
  });

  it("answers in the Prometheus text format, every line a comment or a sample", async () => {
    const response = await call(metricsRoute, "/api/metrics", { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    const lines = text.split("\n").filter((line) => line !== "");
    for (const line of lines) {
      expect(line).toMatch(/^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? -?(\d+(\.\d+)?(e[+-]?\d+)?|NaN|\+Inf|-Inf))$/);
    }
    for (const [name, type] of [
      ["longrun_http_requests_total", "counter"],
      ["longrun_http_request_duration_seconds", "histogram"],
      ["longrun_callbacks_total", "counter"],
      ["longrun_sweep_runs_total", "counter"],
      ["longrun_sweep_duration_seconds", "histogram"],
      ["longrun_outbox_backlog", "gauge"],
      ["longrun_outbox_dead_letters", "gauge"],
      ["longrun_db_pool_connections", "gauge"],
      ["longrun_notices_open", "gauge"],
      ["longrun_process_resident_memory_bytes", "gauge"],
    ]) {
      expect(lines, name).toContain(`# TYPE ${name} ${type}`);
    }
  });

  it("counts and times a request under its route pattern, never under its ids", async () => {
    const before = await scrape();
    expect((await call(health, "/api/health")).status).toBe(200);
    const id = randomUUID();
    expect((await call(getWorkflow, `/api/v1/workflows/${id}`, { params: { id }, token: org.token })).status).toBe(404);
    const after = await scrape();
    const labels = { route: "/api/health", method: "GET", status: "200" };
    expect(sample(after, "longrun_http_requests_total", labels)).toBe(sample(before, "longrun_http_requests_total", labels) + 1);
    const timed = { route: "/api/health", method: "GET" };
    expect(sample(after, "longrun_http_request_duration_seconds_count", timed)).toBe(sample(before, "longrun_http_request_duration_seconds_count", timed) + 1);
    const missing = { route: "/api/v1/workflows/[id]", method: "GET", status: "404" };
    expect(sample(after, "longrun_http_requests_total", missing)).toBe(sample(before, "longrun_http_requests_total", missing) + 1);
    expect(after).not.toContain(id);
  });

  it("counts callbacks applied, replayed and refused by reason", async () => {
    const task = await startTask();
    const raw = JSON.stringify({ result: "SUCCESS" });
    const headers = signed(org.signingSecret, raw);
    const before = await scrape();
    expect((await postCallback(task, raw, { ...headers, "webhook-signature": "v1,bm90IGEgc2lnbmF0dXJl" })).status).toBe(401);
    expect((await postCallback(task, raw, headers)).status).toBe(200);
    expect((await postCallback(task, raw, headers)).status).toBe(200);
    const refused = (text: string) => text.split("\n").filter((l) => l.startsWith('longrun_callbacks_total{outcome="refused"')).reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
    // A refusal's reason is read from its answer after the response went out.
    await vi.waitFor(async () => expect(refused(await scrape())).toBe(refused(before) + 1), { timeout: 10_000 });
    const after = await scrape();
    expect(sample(after, "longrun_callbacks_total", { outcome: "applied" })).toBe(sample(before, "longrun_callbacks_total", { outcome: "applied" }) + 1);
    expect(sample(after, "longrun_callbacks_total", { outcome: "replayed" })).toBe(sample(before, "longrun_callbacks_total", { outcome: "replayed" }) + 1);
    const reasons = after.split("\n").filter((l) => l.startsWith('longrun_callbacks_total{outcome="refused"')).map((l) => /reason="([^"]*)"/.exec(l)?.[1]);
    expect(reasons.every((r) => r && /^[A-Z_]+$/.test(r))).toBe(true);
  });

  it("counts and times sweeps", async () => {
    const before = await scrape();
    expect((await call(cronTimeouts, "/api/cron/timeouts", { headers: { authorization: `Bearer ${process.env.CRON_SECRET}` } })).status).toBe(200);
    const after = await scrape();
    expect(sample(after, "longrun_sweep_runs_total", { outcome: "ok" })).toBe(sample(before, "longrun_sweep_runs_total", { outcome: "ok" }) + 1);
    expect(sample(after, "longrun_sweep_duration_seconds_count")).toBe(sample(before, "longrun_sweep_duration_seconds_count") + 1);
  });

  it("reads the outbox backlog and the dead letters by kind from the database at each scrape", async () => {
    const prisma = await db();
    // Kinds are the domain's effect kinds (the database refuses others); this file's database has no LATE_RESULT rows of its own.
    const kind = "LATE_RESULT";
    const later = new Date(Date.now() + 3_600_000);
    const ids: string[] = [];
    const row = (status: string) => {
      const id = randomUUID();
      ids.push(id);
      return { id, orgId: org.orgId, kind, payload: {}, status, nextAttemptAt: later };
    };
    expect((await scrape()).includes(`kind="${kind}"`)).toBe(false);
    await prisma.delivery.createMany({ data: [row("PENDING"), row("PENDING"), row("DEAD"), row("DELIVERED")] });
    try {
      const text = await scrape();
      expect(sample(text, "longrun_outbox_backlog", { kind })).toBe(2);
      expect(sample(text, "longrun_outbox_dead_letters", { kind })).toBe(1);
      // Waiting for a retry an hour from now is backlog, but not overdue.
      expect(sample(text, "longrun_outbox_oldest_due_seconds", { kind })).toBe(0);
    } finally {
      await prisma.delivery.deleteMany({ where: { id: { in: ids } } });
    }
    expect((await scrape()).includes(`kind="${kind}"`)).toBe(false);
  });
});

describe("open notices", () => {
  it("are counted by kind from the database at each scrape", async () => {
    const prisma = await db();
    const kind = `metrics-test-${randomUUID().slice(0, 8)}`;
    const notice = (status: string) => ({ id: randomUUID(), orgId: org.orgId, workflowId: randomUUID(), deliveryId: randomUUID(), customerId: "CUST-1", kind, status });
    await prisma.notice.createMany({ data: [notice("OPEN"), notice("OPEN"), notice("SENT"), notice("RESOLVED")] });
    try {
      expect(sample(await scrape(), "longrun_notices_open", { kind })).toBe(2);
    } finally {
      await prisma.notice.deleteMany({ where: { kind } });
    }
    expect((await scrape()).includes(`kind="${kind}"`)).toBe(false);
  });
});

describe("database pool figures", () => {
  it("report this process's pool: open connections, in use and waiting", async () => {
    await (await db()).$queryRaw`SELECT 1`;
    const text = await scrape();
    const total = sample(text, "longrun_db_pool_connections", { state: "total" });
    expect(total).toBeGreaterThanOrEqual(1);
    expect(sample(text, "longrun_db_pool_connections", { state: "idle" }) + sample(text, "longrun_db_pool_connections", { state: "in_use" })).toBe(total);
    expect(text).toMatch(/^longrun_db_pool_connections\{state="waiting"\} \d+$/m);
    expect(sample(text, "longrun_db_pool_max")).toBeGreaterThanOrEqual(total);
  });
});

describe("route patterns", () => {
  it.each([
    ["/api/health", {}, "/api/health"],
    ["/api/v1/workflows/abc/tasks/def/heartbeat", { id: "abc", taskId: "def" }, "/api/v1/workflows/[id]/tasks/[taskId]/heartbeat"],
    ["/api/v1/conversations/a%20b/stream", { conversationId: "a b" }, "/api/v1/conversations/[conversationId]/stream"],
    ["/api/auth/callback/genesys", { nextauth: ["callback", "genesys"] }, "/api/auth/[...nextauth]"],
    ["/api/v1/webhooks/flow/callback/123", { id: "123" }, "/api/v1/webhooks/flow/callback/[id]"],
  ])("%s → its pattern", (pathname, params, pattern) => {
    expect(routePattern(pathname, params)).toBe(pattern);
  });
});
