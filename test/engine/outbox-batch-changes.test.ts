// An outbox batch records what its deliveries did with one writer statement
// (applyCommands), each change still its own compare-and-swap; kicks after
// responses are coalesced into a few runs (issue 17: follow-up deliveries
// batched). Real PostgreSQL, the real route handlers, a loopback orchestrator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { kickCounts, kickOutbox, maxKickRunsInFlight } from "@/lib/outbox/kick";
import { processOutbox } from "@/lib/outbox/process-outbox";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { applyCommand, applyCommands, loadTasks, loadWorkflow } from "@/lib/workflows/workflow-store";
import { call, jsonOf, newOrg, workflowBody, type TestOrg } from "@/test/support/api";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";

let orchestrator: Orchestrator;
let org: TestOrg;

beforeAll(async () => {
  orchestrator = await startOrchestrator();
  org = await newOrg({ orchestratorUrl: orchestrator.url });
});
afterAll(() => orchestrator.close());

async function workflowWithTask(owner: TestOrg, task: Record<string, unknown> = {}) {
  const body = workflowBody({ timestamp: clock.now().toISOString() });
  expect((await call(initiate, "/api/v1/workflows", { body, token: owner.token })).status).toBe(201);
  const res = await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 600, ...task }, token: owner.token });
  expect(res.status).toBe(202);
  const { task_id } = await jsonOf<{ task_id: string }>(res);
  return { workflowId: body.workflow_id, taskId: task_id };
}

async function eventTypes(workflowId: string): Promise<string[]> {
  const prisma = await db();
  return (await prisma.event.findMany({ where: { workflowId }, orderBy: { id: "asc" } })).map((e) => e.type);
}

const meta = { actor: "outbox" as const, requestId: null };

describe("applyCommands", () => {
  it("writes commands decided on their callers' reads, re-decides one whose workflow moved, and runs a second command on one workflow after the first", async () => {
    const a = await workflowWithTask(org);
    const b = await workflowWithTask(org);
    const c = await workflowWithTask(org);
    const prisma = await db();
    const loadedA = await loadWorkflow(prisma, org.orgId, a.workflowId);
    const loadedB = await loadWorkflow(prisma, org.orgId, b.workflowId);
    const loadedC = await loadWorkflow(prisma, org.orgId, c.workflowId);
    // B moves on after its caller read it: the read is stale and its swap must miss.
    await applyCommand(org.orgId, b.workflowId, { type: "HEARTBEAT", taskId: b.taskId }, meta);

    const results = await applyCommands([
      { orgId: org.orgId, workflowId: a.workflowId, command: { type: "HEARTBEAT", taskId: a.taskId }, meta, loaded: loadedA },
      { orgId: org.orgId, workflowId: b.workflowId, command: { type: "HEARTBEAT", taskId: b.taskId }, meta, loaded: loadedB },
      { orgId: org.orgId, workflowId: a.workflowId, command: { type: "HEARTBEAT", taskId: a.taskId }, meta, loaded: loadedA },
      // Refused by the state machine: the task named is not this workflow's.
      { orgId: org.orgId, workflowId: c.workflowId, command: { type: "HEARTBEAT", taskId: a.taskId }, meta, loaded: loadedC },
    ]);

    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    const refused = results[3]!;
    expect(!refused.ok && refused.error instanceof AppError && refused.error.code).toBe("CONFLICT");
    // Every applied command moved the revision by one, in order: nothing was written on a stale read.
    const after = await prisma.workflow.findMany({ where: { id: { in: [a.workflowId, b.workflowId, c.workflowId] } } });
    const revision = new Map(after.map((w) => [w.id, w.revision]));
    expect(revision.get(a.workflowId)).toBe(loadedA.workflow.revision + 2);
    expect(revision.get(b.workflowId)).toBe(loadedB.workflow.revision + 2);
    expect(revision.get(c.workflowId)).toBe(loadedC.workflow.revision);
    expect((await eventTypes(a.workflowId)).filter((t) => t === "TASK_HEARTBEAT")).toHaveLength(2);
    expect((await eventTypes(b.workflowId)).filter((t) => t === "TASK_HEARTBEAT")).toHaveLength(2);
    expect((await eventTypes(c.workflowId)).filter((t) => t === "TASK_HEARTBEAT")).toHaveLength(0);
  });

  it("reads many tasks with their workflows in one statement, the current task once, and answers null for what is gone", async () => {
    const a = await workflowWithTask(org);
    const found = await loadTasks(await db(), [
      { orgId: org.orgId, workflowId: a.workflowId, taskId: a.taskId },
      { orgId: org.orgId, workflowId: a.workflowId, taskId: "00000000-0000-4000-8000-000000000000" },
      // A task named under another org's id is not found.
      { orgId: "00000000-0000-4000-8000-000000000001", workflowId: a.workflowId, taskId: a.taskId },
    ]);
    expect(found[0]?.task.id).toBe(a.taskId);
    expect(found[0]?.loaded.workflow.id).toBe(a.workflowId);
    expect(found[0]?.loaded.task?.id).toBe(a.taskId);
    expect(found[0]?.task.deadlineAt).toBeInstanceOf(Date);
    expect(found.slice(1)).toEqual([null, null]);
  });
});

describe("an outbox batch", () => {
  it("escalates every timed-out task of the batch once and records each on its workflow", async () => {
    // No Genesys credentials: every escalation becomes an open notice (the last channel).
    const quiet = await newOrg({ orchestratorUrl: orchestrator.url });
    const tasks = [];
    for (let i = 0; i < 12; i++) tasks.push(await workflowWithTask(quiet, { timeout: 30 }));
    const restore = clock.set(() => new Date(Date.now() + 60_000));
    try {
      expect((await sweepTimeouts({ deliver: false })).timedOut).toBeGreaterThanOrEqual(12);
      const run = await processOutbox({ kinds: ["ESCALATE"], batchSize: 50 });
      expect(run.dead).toBe(0);
      expect(run.delivered).toBeGreaterThanOrEqual(12);
      for (const { workflowId } of tasks) expect((await eventTypes(workflowId)).filter((t) => t === "ESCALATED")).toHaveLength(1);
      const prisma = await db();
      const notices = await prisma.notice.count({ where: { orgId: quiet.orgId } });
      expect(notices).toBe(12);
      // A second run finds nothing left to escalate.
      expect((await processOutbox({ kinds: ["ESCALATE"] })).claimed).toBe(0);
    } finally {
      restore();
    }
  });

  it("records the dispatches of many kicks in a few runs: each task sent once and accepted", async () => {
    const tasks = [];
    for (let i = 0; i < 30; i++) tasks.push(await workflowWithTask(org, { dispatch: true }));
    const before = kickCounts();
    const sentBefore = orchestrator.received.length;
    // Thirty responses kick at once, as thirty requests finishing together would.
    await Promise.all(tasks.map(() => kickOutbox()));
    const counts = kickCounts();
    expect(counts.asked - before.asked).toBe(30);
    expect(counts.runs - before.runs).toBeLessThanOrEqual(maxKickRunsInFlight + 1);

    const sent = orchestrator.received.slice(sentBefore).map((r) => (JSON.parse(r.body) as { task_id: string }).task_id);
    expect([...sent].sort()).toEqual(tasks.map((t) => t.taskId).sort());
    const prisma = await db();
    const statuses = await prisma.task.findMany({ where: { id: { in: tasks.map((t) => t.taskId) } }, select: { status: true } });
    expect(statuses.map((s) => s.status)).toEqual(tasks.map(() => "ACCEPTED"));
    for (const { workflowId } of tasks) expect((await eventTypes(workflowId)).filter((t) => t === "TASK_ACCEPTED")).toHaveLength(1);
  });
});
