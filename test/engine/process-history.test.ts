// What people see of a process, on PostgreSQL with real runs: processes are
// started and driven through the route handlers (the orchestrator stand-in is
// a real HTTP server, results come back as signed callbacks, retries and waits
// are swept), on a clock the test moves, so every time is known. Then the
// panel's snapshot carries each step's outcome, the retry with its reason and
// time, and the wait's wake-up time; the admin step history tells the same
// story; and the SLA per process and per step has exact figures.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { PUT as putProcess } from "@/app/api/v1/processes/[name]/route";
import { slaProcessReport } from "@/lib/admin/sla-processes";
import { workflowStepHistory } from "@/lib/admin/step-history";
import { workflowDetail } from "@/lib/admin/workflow-search";
import { clock } from "@/lib/clock";
import { configureOrg } from "@/lib/orgs/org-configuration";
import type { OrgSettings } from "@/lib/orgs/org-settings";
import { processOutbox } from "@/lib/outbox/process-outbox";
import "@/lib/outbox/handlers";
import { loadConversationSnapshot } from "@/lib/panel/conversation-snapshot";
import { panelSnapshotSchema } from "@/lib/panel/panel-snapshot-schema";
import { sweepProcessWakes } from "@/lib/processes/process-sweep";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { call, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";

const cardFraud = JSON.parse(readFileSync("genesys/processes/card-fraud.json", "utf8")) as unknown;
const settings: Partial<OrgSettings> = { taskTimeoutSeconds: 300, flowSessionLimitSeconds: 1200, taskTypes: {} };
const t0 = new Date("2026-11-25T10:00:00.000Z");

let orchestrator: Orchestrator;
let genesys: GenesysFake;
let org: TestOrg;
let now: Date;
let restore: () => void = () => undefined;

interface Dispatched {
  workflow_id: string;
  task_id: string;
  task_type: string;
  callback_url: string;
}

beforeAll(async () => {
  orchestrator = await startOrchestrator();
  genesys = startGenesysFake();
  org = await newOrg({ orchestratorUrl: orchestrator.url });
  await configureOrg(org.orgId, { settings: settings as OrgSettings }, "test");
  expect((await call(putProcess, "/api/v1/processes/card-fraud", { method: "PUT", params: { name: "card-fraud" }, body: cardFraud, token: org.token })).status).toBe(201);
});
afterAll(async () => {
  restore();
  genesys.close();
  await orchestrator.close();
});
beforeEach(() => {
  restore();
  restore = clock.set(() => now);
});

const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const setNow = (seconds: number) => (now = at(seconds));

async function deliver(): Promise<Dispatched[]> {
  const before = orchestrator.received.length;
  await processOutbox();
  return orchestrator.received.slice(before).map((r) => JSON.parse(r.body) as Dispatched);
}

async function start(conversationId: string | undefined): Promise<string> {
  const body = workflowBody({ timestamp: now.toISOString(), conversation_id: conversationId, context: { amount: 900, card_last4: "1881", customer_ref: "C-5" }, process: { name: "card-fraud" } });
  const res = await call(initiate, "/api/v1/workflows", { body, token: org.token });
  expect(res.status, await res.clone().text()).toBe(201);
  return body.workflow_id;
}

async function report(task: Dispatched | undefined, body: Record<string, unknown>): Promise<void> {
  expect(task).toBeDefined();
  const url = new URL(task!.callback_url);
  const raw = JSON.stringify(body);
  const res = await call(callback, url.pathname + url.search, { params: { id: url.pathname.split("/").pop()! }, rawBody: raw, headers: signed(org.signingSecret, raw) });
  expect(res.status, await res.clone().text()).toBe(200);
}

const only = (list: Dispatched[], workflowId: string) => list.filter((d) => d.workflow_id === workflowId);

describe("a process as people see it", () => {
  // One conversation, two runs: A retries its fraud check, then goes credit → approval to the end; B goes to the day-long review wait.
  const conversationId = "5f0e2c1a-9d3b-4c7e-8a11-3b2c1d0e9f77";
  let a: string;
  let b: string;

  it("carries each step's outcome, the retry with its reason and time, and the wait's wake-up time in the panel snapshot", async () => {
    setNow(0);
    a = await start(conversationId);
    const [fraudA1] = only(await deliver(), a);
    setNow(4);
    await report(fraudA1, { status: "FAILED", reason: "VENDOR_DOWN" });

    let snapshot = panelSnapshotSchema.parse(await loadConversationSnapshot(org.orgId, conversationId));
    let process = snapshot.workflows.find((w) => w.workflow_id === a)!.process!;
    expect(process).toMatchObject({ name: "card-fraud", version: 1, step: "fraud", step_title: "Fraud check", step_position: 1, step_count: 4, attempt: 1, phase: "RETRY", wake_at: at(14).toISOString() });
    expect(process.steps).toEqual([
      {
        step: "fraud", title: "Fraud check", position: 1, kind: "task", outcome: "retrying", max_attempts: 3,
        attempts: [{ attempt: 1, task_id: fraudA1!.task_id, status: "FAILED", reason: "VENDOR_DOWN", started_at: at(0).toISOString(), ended_at: at(4).toISOString(), retry_at: at(14).toISOString() }],
        next_attempt: { attempt: 2, at: at(14).toISOString(), reason: "VENDOR_DOWN" },
        wake_at: null, woke_at: null, escalated: null, started_at: at(0).toISOString(), ended_at: null,
      },
    ]);

    setNow(14);
    expect((await sweepProcessWakes({ deliver: false })).woken).toBeGreaterThanOrEqual(1);
    const [fraudA2] = only(await deliver(), a);
    setNow(20);
    await report(fraudA2, { status: "COMPLETED", result_data: { risk: "LOW", score: 4 } });
    const [creditA] = only(await deliver(), a);
    setNow(50);
    await report(creditA, { status: "COMPLETED", result_data: { limit: 3000 } });
    const [approvalA] = only(await deliver(), a);

    b = await start(conversationId);
    const [fraudB] = only(await deliver(), b);
    setNow(60);
    await report(fraudB, { status: "COMPLETED", result_data: { risk: "HIGH", score: 80 } });

    snapshot = panelSnapshotSchema.parse(await loadConversationSnapshot(org.orgId, conversationId));
    process = snapshot.workflows.find((w) => w.workflow_id === a)!.process!;
    expect(process).toMatchObject({ step: "approval", step_title: "ERP approval", step_position: 3, attempt: 1, phase: "RUNNING", wake_at: null, ended: null });
    expect(process.steps.map((s) => [s.step, s.outcome, s.attempts.map((x) => `${x.attempt}:${x.status}`).join(",")])).toEqual([
      ["fraud", "succeeded", "1:FAILED,2:SUCCEEDED"],
      ["credit", "succeeded", "1:SUCCEEDED"],
      ["approval", "running", "1:ACCEPTED"],
    ]);
    expect(process.steps[0]).toMatchObject({ next_attempt: null, ended_at: at(20).toISOString() });
    expect(process.steps[0]!.attempts[1]).toMatchObject({ task_id: fraudA2!.task_id, started_at: at(14).toISOString(), ended_at: at(20).toISOString(), retry_at: null });

    const waiting = snapshot.workflows.find((w) => w.workflow_id === b)!.process!;
    expect(waiting).toMatchObject({ step: "review", step_title: "Fraud analyst review", step_position: 4, phase: "WAIT", wake_at: at(60 + 86_400).toISOString() });
    expect(waiting.steps.map((s) => [s.step, s.kind, s.outcome])).toEqual([
      ["fraud", "task", "succeeded"],
      ["review", "wait", "waiting"],
    ]);
    expect(waiting.steps[1]).toMatchObject({ wake_at: at(60 + 86_400).toISOString(), woke_at: null, started_at: at(60).toISOString(), attempts: [] });

    // A ends; B wakes after its day and ends.
    setNow(110);
    await report(approvalA, { status: "COMPLETED", result_data: { order: "PO-5" } });
    setNow(60 + 86_400);
    expect((await sweepProcessWakes()).woken).toBeGreaterThanOrEqual(1);
    snapshot = panelSnapshotSchema.parse(await loadConversationSnapshot(org.orgId, conversationId));
    const endedA = snapshot.workflows.find((w) => w.workflow_id === a)!;
    expect(endedA.status).toBe("COMPLETED");
    expect(endedA.process).toMatchObject({ phase: "ENDED", ended: { outcome: "COMPLETED", reason: null } });
    const endedB = snapshot.workflows.find((w) => w.workflow_id === b)!.process!;
    expect(endedB.steps[1]).toMatchObject({ outcome: "woke", woke_at: at(60 + 86_400).toISOString(), ended_at: at(60 + 86_400).toISOString() });
    // A single-task workflow has no process in its snapshot.
    expect(snapshot.workflows.every((w) => w.process !== null)).toBe(true);
  });

  it("tells the admin the same story, one row per attempt", async () => {
    const detail = await workflowDetail(org.orgId, a);
    const history = await workflowStepHistory(detail.workflow, detail.tasks, detail.events);
    expect(history!.steps.flatMap((s) => s.attempts.map((x) => ({ step: s.step, attempt: x.attempt, status: x.status, reason: x.reason, started: x.started_at, ended: x.ended_at, retry: x.retry_at })))).toEqual([
      { step: "fraud", attempt: 1, status: "FAILED", reason: "VENDOR_DOWN", started: at(0).toISOString(), ended: at(4).toISOString(), retry: at(14).toISOString() },
      { step: "fraud", attempt: 2, status: "SUCCEEDED", reason: null, started: at(14).toISOString(), ended: at(20).toISOString(), retry: null },
      { step: "credit", attempt: 1, status: "SUCCEEDED", reason: null, started: at(20).toISOString(), ended: at(50).toISOString(), retry: null },
      { step: "approval", attempt: 1, status: "SUCCEEDED", reason: null, started: at(50).toISOString(), ended: at(110).toISOString(), retry: null },
    ]);
    const single = await call(initiate, "/api/v1/workflows", { body: workflowBody({ timestamp: now.toISOString() }), token: org.token });
    const plain = await workflowDetail(org.orgId, ((await single.json()) as { workflow_id: string }).workflow_id);
    expect(await workflowStepHistory(plain.workflow, plain.tasks, plain.events)).toBeNull();
  });

  it("reports the SLA per process and per step with exact percentiles and rates", async () => {
    // A third run: each of its three fraud attempts times out (600 s); after the third, the step's on_timeout (escalate, the default) ends the run at 2030 s.
    setNow(200);
    const c = await start(undefined);
    for (const [attempt, dispatchedAt] of [[1, 200], [2, 810], [3, 1430]] as const) {
      if (attempt > 1) {
        setNow(dispatchedAt);
        expect((await sweepProcessWakes({ deliver: false })).woken).toBeGreaterThanOrEqual(1);
      }
      expect(only(await deliver(), c)).toHaveLength(1);
      setNow(dispatchedAt + 600);
      expect((await sweepTimeouts({ deliver: false })).timedOut).toBeGreaterThanOrEqual(1);
    }

    const sla = await slaProcessReport(org.orgId, at(0), at(100_000));
    // A: 110 s, completed after a retry; B: started at 50 s, woke and completed at 86,460 s; C: escalated 1830 s after its start, with retries.
    expect(sla.perProcess).toHaveLength(1);
    const [fraudProcess] = sla.perProcess;
    expect(fraudProcess).toMatchObject({ process: "card-fraud", started: 3, ended: 3, completed: 2, failed: 0, timedOut: 1, retried: 2, p50Seconds: 1830, failureRate: 0, timeoutRate: 1 / 3, retryRate: 2 / 3 });
    // percentile_cont: 95 % of the way is 0.9 of the way from the second to the third of three.
    expect(fraudProcess!.p95Seconds).toBeCloseTo(1830 + 0.9 * (86_410 - 1830), 6);
    const steps = Object.fromEntries(sla.perStep.map((s) => [s.step, s]));
    expect(Object.keys(steps).sort()).toEqual(["approval", "credit", "fraud"]);
    // fraud: attempts A1 (failed after 4 s), A2 (6 s), B (10 s), C1-C3 (timed out); retries: A once, C twice.
    expect(steps.fraud).toMatchObject({ process: "card-fraud", step: "fraud", attempts: 6, results: 3, failed: 1, timedOut: 3, retries: 3, p50Seconds: 6, failureRate: 1 / 6, timeoutRate: 3 / 6, retryRate: 3 / 6 });
    expect(steps.fraud!.p95Seconds).toBeCloseTo(6 + 0.9 * (10 - 6), 6);
    expect(steps.credit).toMatchObject({ attempts: 1, results: 1, failed: 0, timedOut: 0, retries: 0, p50Seconds: 30, p95Seconds: 30, failureRate: 0, timeoutRate: 0, retryRate: 0 });
    expect(steps.approval).toMatchObject({ attempts: 1, results: 1, p50Seconds: 60, p95Seconds: 60 });

    // Each event counts in the range it happened in: a range that ends before A's credit check dispatch sees only fraud.
    const early = await slaProcessReport(org.orgId, at(0), at(15));
    expect(early.perProcess).toEqual([expect.objectContaining({ process: "card-fraud", started: 1, ended: 0, p50Seconds: null, failureRate: null })]);
    expect(early.perStep).toEqual([expect.objectContaining({ step: "fraud", attempts: 2, results: 1, failed: 1, retries: 1, p50Seconds: 4 })]);
  });
});
