// Replays: a captured valid callback sent again changes nothing; timestamps
// outside ±5 minutes are refused; webhook-ids are remembered at least as long
// as a capture could still pass the timestamp check, and pruned after.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { minimumReceiptRetentionMs, pruneWebhookReceipts, receiptRetentionMs, timestampToleranceSeconds } from "@/lib/security/webhook-receipts";
import { call, jsonOf, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { refusalSideEffects, snapshot } from "@/test/support/security-db";

let org: TestOrg;
let restore: () => void = () => undefined;

beforeAll(async () => {
  org = await newOrg();
});
afterEach(() => {
  restore();
  restore = () => undefined;
  vi.unstubAllEnvs();
});

async function startTask(): Promise<{ workflowId: string; url: URL }> {
  const body = workflowBody();
  await call(initiate, "/api/v1/workflows", { body, token: org.token });
  const accepted = await jsonOf<{ callback_url: string }>(await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD", dispatch: false }, token: org.token }));
  return { workflowId: body.workflow_id, url: new URL(accepted.callback_url) };
}

/** A request exactly as captured on the wire: same bytes, same headers. */
function capture(task: { workflowId: string; url: URL }, body: unknown, at?: Date) {
  const raw = JSON.stringify(body);
  const headers = signed(org.signingSecret, raw, { at });
  return () => call(callback, task.url.pathname + task.url.search, { params: { id: task.workflowId }, rawBody: raw, headers });
}

describe("replay", () => {
  it("answers a replayed capture with the first answer and changes nothing, even after the workflow moved on", async () => {
    const task = await startTask();
    const captured = capture(task, { result: "FAILED", reason: "bureau says no" });
    const first = await captured();
    expect(first.status).toBe(200);
    const firstBody = await jsonOf(first);
    const before = await snapshot(refusalSideEffects);
    for (let i = 0; i < 3; i++) {
      const again = await captured();
      expect(again.status).toBe(200);
      expect(again.headers.get("webhook-replayed")).toBe("true");
      expect(await jsonOf(again)).toEqual(firstBody);
    }
    expect(await snapshot(refusalSideEffects)).toEqual(before);
  });

  it("cannot be re-labelled: the same signature under a fresh webhook-id is refused", async () => {
    const task = await startTask();
    const raw = JSON.stringify({ result: "SUCCESS" });
    const headers = signed(org.signingSecret, raw);
    expect((await call(callback, task.url.pathname + task.url.search, { params: { id: task.workflowId }, rawBody: raw, headers })).status).toBe(200);
    const before = await snapshot(refusalSideEffects);
    const relabelled = await call(callback, task.url.pathname + task.url.search, { params: { id: task.workflowId }, rawBody: raw, headers: { ...headers, "webhook-id": "msg_fresh" } });
    expect(relabelled.status).toBe(401);
    expect(await snapshot(refusalSideEffects)).toEqual(before);
  });

  it.each([
    ["5 min 1 s old", -(timestampToleranceSeconds + 1)],
    // Time passes between signing and checking, shrinking a future offset: a margin keeps a slow run honest.
    ["5 min 5 s in the future", timestampToleranceSeconds + 5],
    ["a day old", -86_400],
  ])("refuses a timestamp %s, changing nothing", async (_name, offsetSeconds) => {
    const task = await startTask();
    const before = await snapshot(refusalSideEffects);
    const res = await capture(task, { result: "SUCCESS" }, new Date(clock.now().getTime() + offsetSeconds * 1000))();
    expect(res.status).toBe(401);
    expect(await jsonOf(res)).toMatchObject({ error: { code: "INVALID_SIGNATURE", message: expect.stringContaining("5 minutes") as unknown } });
    expect(await snapshot(refusalSideEffects)).toEqual(before);
  });

  it("accepts timestamps just inside the window both ways", async () => {
    for (const offset of [-(timestampToleranceSeconds - 2), timestampToleranceSeconds - 2]) {
      const task = await startTask();
      expect((await capture(task, { result: "SUCCESS" }, new Date(clock.now().getTime() + offset * 1000))()).status).toBe(200);
    }
  });

  it("remembers a webhook-id for as long as its capture could pass the timestamp check, then prunes it", async () => {
    const start = clock.now();
    const task = await startTask();
    // Signed 5 minutes ahead of our clock: still acceptable until 10 minutes from now.
    const captured = capture(task, { result: "SUCCESS" }, new Date(start.getTime() + (timestampToleranceSeconds - 1) * 1000));
    expect((await captured()).status).toBe(200);
    const prisma = await db();
    const receipts = () => prisma.webhookReceipt.count({ where: { orgId: org.orgId } });
    const kept = await receipts();

    let now = new Date(start.getTime() + 2 * timestampToleranceSeconds * 1000 - 5_000);
    restore = clock.set(() => now);
    expect(await pruneWebhookReceipts()).toBe(0);
    const replay = await captured();
    expect(replay.status).toBe(200);
    expect(replay.headers.get("webhook-replayed")).toBe("true");

    // Even a retention configured below the window is floored above it.
    vi.stubEnv("WEBHOOK_RECEIPT_RETENTION_HOURS", "1");
    expect(receiptRetentionMs()).toBeGreaterThanOrEqual(minimumReceiptRetentionMs);
    expect(minimumReceiptRetentionMs).toBeGreaterThan(2 * timestampToleranceSeconds * 1000);
    now = new Date(start.getTime() + 30 * 60_000);
    expect(await pruneWebhookReceipts()).toBe(0);
    expect(await receipts()).toBe(kept);

    // Past the retention the capture is long refused by its timestamp, and the receipt can go.
    now = new Date(start.getTime() + 2 * 3600_000);
    expect(await pruneWebhookReceipts()).toBeGreaterThanOrEqual(1);
    expect(await receipts()).toBe(0);
    expect((await captured()).status).toBe(401);
  });
});
