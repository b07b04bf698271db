// The outbox settles a claimed batch with one statement (issue 17): each row
// as its own attempt's outcome decided — delivered, retried after its
// backoff, dead — under its lease's guard, so a run whose lease expired and
// whose rows another run claimed again overwrites nothing.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { settleDeliveries } from "@/lib/db/workflow-writes";
import { env } from "@/lib/env";
import { claimDeliveries, settlementOf } from "@/lib/outbox/process-outbox";
import { newOrg } from "@/test/support/api";

async function pendingDeliveries(orgId: string, count: number, nextAttemptAt: Date): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const prisma = await db();
  await prisma.delivery.createMany({ data: ids.map((id) => ({ id, orgId, kind: "DISPATCH_TASK", payload: {}, nextAttemptAt, maxAttempts: 3 })) });
  return ids;
}

describe("settling a batch of attempts", () => {
  it("writes each attempt's outcome in one statement and leaves a row another run claimed since alone", async () => {
    const org = await newOrg();
    const now = new Date(Date.now() - 60_000);
    const ids = await pendingDeliveries(org.orgId, 5, now);
    const claimed = await claimDeliveries(10, now, { ids });
    expect(claimed.map((d) => d.id).sort()).toEqual([...ids].sort());
    const byId = new Map(claimed.map((d) => [d.id, d]));
    const [delivered, retried, dead, lost, alone] = ids.map((id) => byId.get(id)!);
    // The lease of this run expires and another run claims `lost` again (its second attempt).
    const later = new Date(now.getTime() + (env().OUTBOX_LEASE_SECONDS + 1) * 1000);
    expect((await claimDeliveries(10, later, { ids: [lost!.id] })).map((d) => ({ id: d.id, attempts: d.attempts }))).toEqual([{ id: lost!.id, attempts: 2 }]);

    const settledAt = new Date(now.getTime() + 5_000);
    const retryAt = new Date(settledAt.getTime() + 30_000);
    const settled = await settleDeliveries(
      [
        { delivery: delivered!, settlement: settlementOf(delivered!, { ok: true, status: 202 }, settledAt) },
        { delivery: retried!, settlement: settlementOf(retried!, { ok: false, retryable: true, status: 503, error: "HTTP 503: busy", retryAfterSeconds: 30 }, settledAt) },
        { delivery: dead!, settlement: settlementOf(dead!, { ok: false, retryable: false, status: 422, error: "HTTP 422: refused" }, settledAt) },
        { delivery: lost!, settlement: settlementOf(lost!, { ok: true, status: 202 }, settledAt) },
      ],
      settledAt,
    );
    expect([...settled].sort()).toEqual([delivered!.id, retried!.id, dead!.id].sort());
    // A batch of one takes the statement's single-row form.
    expect([...(await settleDeliveries([{ delivery: alone!, settlement: settlementOf(alone!, { ok: false, retryable: true, error: "network: reset" }, settledAt) }], settledAt))]).toEqual([alone!.id]);

    const prisma = await db();
    const rows = new Map((await prisma.delivery.findMany({ where: { id: { in: ids } } })).map((r) => [r.id, r]));
    expect(rows.get(delivered!.id)).toMatchObject({ status: "DELIVERED", deliveredAt: settledAt, lockedUntil: null, lastStatus: 202, lastError: null, attempts: 1 });
    expect(rows.get(retried!.id)).toMatchObject({ status: "PENDING", nextAttemptAt: retryAt, lockedUntil: null, lastStatus: 503, lastError: "HTTP 503: busy", deliveredAt: null });
    expect(rows.get(dead!.id)).toMatchObject({ status: "DEAD", lockedUntil: null, lastStatus: 422, lastError: "HTTP 422: refused", deliveredAt: null });
    // The newer attempt's lease stands: nothing of the older run's outcome was written.
    expect(rows.get(lost!.id)).toMatchObject({ status: "PENDING", attempts: 2, lastStatus: null, deliveredAt: null });
    expect(rows.get(lost!.id)!.lockedUntil!.getTime()).toBeGreaterThan(later.getTime());
    // A network failure has no status; its backoff is the first attempt's (5 s base, full jitter: 3–5 s).
    const aloneRow = rows.get(alone!.id)!;
    expect(aloneRow).toMatchObject({ status: "PENDING", lastStatus: null, lastError: "network: reset", lockedUntil: null });
    expect(aloneRow.nextAttemptAt.getTime() - settledAt.getTime()).toBeGreaterThanOrEqual(2_000);
    expect(aloneRow.nextAttemptAt.getTime() - settledAt.getTime()).toBeLessThanOrEqual(5_000);
  });

  it("makes a row whose last attempt failed a dead letter, whatever the failure", async () => {
    const org = await newOrg();
    const now = new Date(Date.now() - 60_000);
    const [id] = await pendingDeliveries(org.orgId, 1, now);
    let attempt = (await claimDeliveries(1, now, { ids: [id!] }))[0]!;
    for (let i = 1; i < 3; i++) {
      const at = new Date(now.getTime() + i * 1000);
      const settlement = settlementOf(attempt, { ok: false, retryable: true, status: 500, error: "HTTP 500", retryAfterSeconds: 0 }, at);
      expect(settlement.outcome).toBe("retry");
      await settleDeliveries([{ delivery: attempt, settlement }], at);
      attempt = (await claimDeliveries(1, at, { ids: [id!] }))[0]!;
    }
    expect(attempt.attempts).toBe(3);
    const last = settlementOf(attempt, { ok: false, retryable: true, status: 500, error: "HTTP 500" }, now);
    expect(last.outcome).toBe("dead");
    await settleDeliveries([{ delivery: attempt, settlement: last }], now);
    expect(await (await db()).delivery.findUniqueOrThrow({ where: { id: id! } })).toMatchObject({ status: "DEAD", attempts: 3, lastStatus: 500 });
  });
});
