// Every outbound dispatch keeps one webhook-id for its whole life (Standard
// Webhooks: "the same when the same webhook is being resent"): after a 503,
// after a crash that left its lease to run out, and after a re-drive by hand;
// each signature verifies under that id. A receiver deduplicating on it runs
// the task once.
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { retryDeadLetter } from "@/lib/outbox/dead-letters";
import { claimDeliveries, processOutbox } from "@/lib/outbox/process-outbox";
import { call, jsonOf, newOrg, workflowBody, type TestOrg } from "@/test/support/api";
import { startOrchestrator, type Orchestrator } from "@/test/support/orchestrator";

let orchestrator: Orchestrator;
let org: TestOrg;
let restoreClock: () => void = () => undefined;

beforeAll(async () => {
  orchestrator = await startOrchestrator();
  org = await newOrg({ orchestratorUrl: orchestrator.url });
});
afterEach(() => {
  restoreClock();
  restoreClock = () => undefined;
});
afterAll(async () => orchestrator.close());

async function dispatchedTask(): Promise<{ taskId: string; deliveryId: string }> {
  const body = workflowBody();
  await call(initiate, "/api/v1/workflows", { body, token: org.token });
  const { task_id } = await jsonOf<{ task_id: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD" }, token: org.token }));
  const prisma = await db();
  const delivery = await prisma.delivery.findFirstOrThrow({ where: { taskId: task_id, kind: "DISPATCH_TASK" } });
  return { taskId: task_id, deliveryId: delivery.id };
}

function sentFor(taskId: string) {
  return orchestrator.received.filter((r) => r.headers["x-task-id"] === taskId);
}

function expectOneVerifiedId(taskId: string, attempts: number): string {
  const sent = sentFor(taskId);
  expect(sent).toHaveLength(attempts);
  const ids = new Set(sent.map((r) => r.headers["webhook-id"]));
  expect(ids.size).toBe(1);
  const id = [...ids][0] as string;
  for (const r of sent) {
    // Verified the way a receiver does, with the org's secret and an independent implementation.
    expect(() => new Webhook(org.signingSecret).verify(r.body, { "webhook-id": id, "webhook-timestamp": r.headers["webhook-timestamp"] as string, "webhook-signature": r.headers["webhook-signature"] as string })).not.toThrow();
  }
  return id;
}

/** Moves the clock past the delivery's next attempt (and any lease). */
async function dueAgain(deliveryId: string): Promise<void> {
  const prisma = await db();
  const row = await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
  const at = new Date(Math.max(row.nextAttemptAt.getTime(), row.lockedUntil?.getTime() ?? 0, clock.now().getTime()) + 1000);
  restoreClock();
  restoreClock = clock.set(() => at);
}

describe("webhook-id of a dispatch", () => {
  it("is the same on the retry after a 503", async () => {
    orchestrator.respondWith(503, 202);
    const { taskId, deliveryId } = await dispatchedTask();
    await processOutbox({ ids: [deliveryId] });
    await dueAgain(deliveryId);
    await processOutbox({ ids: [deliveryId] });
    expectOneVerifiedId(taskId, 2);
  });

  it("is the same after a crash: a claimed delivery whose lease ran out is sent again under its id", async () => {
    orchestrator.respondWith(202);
    const { taskId, deliveryId } = await dispatchedTask();
    // The first run sent it and died before recording the outcome: claimed, sent, never settled.
    const [claimed] = await claimDeliveries(1, clock.now(), { ids: [deliveryId] });
    expect(claimed).toBeDefined();
    const { deliverTaskDispatch } = await import("@/lib/outbox/dispatch-task");
    await deliverTaskDispatch(claimed!);
    const prisma = await db();
    // The crash lost the task's move to ACCEPTED too, so the next run finds it QUEUED and sends again.
    await prisma.task.update({ where: { id: taskId }, data: { status: "QUEUED" } });
    await dueAgain(deliveryId);
    await processOutbox({ ids: [deliveryId] });
    expectOneVerifiedId(taskId, 2);
  });

  it("is the same after a dead letter is re-driven by hand", async () => {
    orchestrator.respondWith(400, 202);
    const { taskId, deliveryId } = await dispatchedTask();
    await processOutbox({ ids: [deliveryId] });
    const prisma = await db();
    expect((await prisma.delivery.findUniqueOrThrow({ where: { id: deliveryId } })).status).toBe("DEAD");
    const redriven = await retryDeadLetter(org.orgId, deliveryId);
    expect(redriven.status).toBe("DELIVERED");
    expectOneVerifiedId(taskId, 2);
  });

  it("differs between two tasks", async () => {
    orchestrator.respondWith(202);
    const a = await dispatchedTask();
    const b = await dispatchedTask();
    await processOutbox({ ids: [a.deliveryId, b.deliveryId] });
    expect(expectOneVerifiedId(a.taskId, 1)).not.toBe(expectOneVerifiedId(b.taskId, 1));
  });
});
