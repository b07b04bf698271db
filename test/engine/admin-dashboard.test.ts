// The admin dashboard's queries and the admin API's session rules: keyset
// search, SLA figures from the event log and its rollup, settings validation
// and audit, and admin routes that accept only an admin session of an installed org.
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getSettings, PUT as putSettings } from "@/app/api/admin/settings/route";
import { GET as searchRoute } from "@/app/api/admin/workflows/route";
import { GET as slaRoute } from "@/app/api/admin/sla/route";
import { GET as cronSlaRollup } from "@/app/api/cron/sla-rollup/route";
import { updateAdminSettings } from "@/lib/admin/admin-settings";
import { histogramErrorFactor } from "@/lib/admin/sla-histogram";
import { slaReport, type SlaReport } from "@/lib/admin/sla-report";
import { rollUpSla, settleLagMs } from "@/lib/admin/sla-rollup";
import { deleteOrgData } from "@/lib/genesys/install-steps";
import { searchWorkflows, workflowSearchSchema } from "@/lib/admin/workflow-search";
import { adminAuthOptions, adminSessionSecret } from "@/lib/auth/admin-auth-options";
import { db } from "@/lib/db/client";
import { createOrg } from "@/lib/orgs/create-org";
import { orgSettingsSchema } from "@/lib/orgs/org-settings";
import { call, jsonOf, newOrg } from "@/test/support/api";

const t0 = new Date("2026-11-20T08:00:00.000Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

async function seedWorkflow(orgId: string, options: { createdAt: Date; status?: string; customerId?: string; conversationId?: string | null; taskType?: string; taskId?: string; events?: Array<{ type: string; at: Date }> }) {
  const prisma = await db();
  const id = randomUUID();
  const taskId = options.taskId ?? randomUUID();
  await prisma.workflow.create({
    data: {
      orgId,
      id,
      customerId: options.customerId ?? "C-1",
      conversationId: options.conversationId ?? null,
      status: options.status ?? "PENDING",
      requestHash: "x",
      initiatedAt: options.createdAt,
      createdAt: options.createdAt,
      currentTaskId: options.taskType ? taskId : null,
    },
  });
  if (options.taskType) {
    await prisma.task.create({
      data: { id: taskId, orgId, workflowId: id, type: options.taskType, payload: {}, status: "ACCEPTED", timeoutSeconds: 600, deadlineAt: at(600), callbackVersion: 2, createdAt: options.createdAt },
    });
    await prisma.event.createMany({
      data: (options.events ?? []).map((e, i) => ({
        orgId,
        workflowId: id,
        taskId,
        type: e.type,
        version: i + 2,
        actor: "test",
        createdAt: e.at,
        data: e.type === "TASK_DISPATCHED" ? { task_type: options.taskType } : undefined,
      })),
    });
  }
  return id;
}

describe("workflow search", () => {
  let orgId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    orgId = (await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" })).orgId;
    const other = (await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" })).orgId;
    for (let i = 0; i < 23; i++) {
      ids.push(
        await seedWorkflow(orgId, {
          createdAt: at(i * 60 - (i % 3 === 0 ? 0 : 0)),
          status: i % 4 === 0 ? "TIMED_OUT" : "PENDING",
          customerId: i % 5 === 0 ? "VIP-7" : `C-${i}`,
          conversationId: i === 11 ? "conv-eleven" : null,
          taskType: i % 2 === 0 ? "FRAUD_VERIFICATION" : "CREDIT_CHECK",
        }),
      );
    }
    // Same second, so the id breaks the tie.
    ids.push(await seedWorkflow(orgId, { createdAt: at(22 * 60), customerId: "C-tie" }));
    await seedWorkflow(other, { createdAt: at(30), customerId: "VIP-7", status: "TIMED_OUT" });
  });

  const search = (q: Record<string, string>) => searchWorkflows(orgId, workflowSearchSchema.parse(q));

  it("pages through every workflow once, newest first, with keyset cursors", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof searchWorkflows>> = await search({ limit: "5", ...(cursor ? { cursor } : {}) });
      seen.push(...page.workflows.map((w) => w.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(24);
    expect(seen.sort()).toEqual([...ids].sort());
    const first = await search({ limit: "24" });
    const times = first.workflows.map((w) => w.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("filters by status, customer, conversation, task type and time range within the org", async () => {
    expect((await search({ status: "TIMED_OUT" })).workflows).toHaveLength(6);
    expect((await search({ customerId: "VIP-7" })).workflows).toHaveLength(5);
    expect((await search({ conversationId: "conv-eleven" })).workflows.map((w) => w.id)).toEqual([ids[11]]);
    const credit = await search({ taskType: "CREDIT_CHECK", limit: "100" });
    expect(credit.workflows).toHaveLength(11);
    expect(credit.workflows.every((w) => w.taskType === "CREDIT_CHECK")).toBe(true);
    const window = await search({ from: at(5 * 60).toISOString(), to: at(10 * 60).toISOString() });
    expect(window.workflows).toHaveLength(5);
    expect((await search({ status: "TIMED_OUT", customerId: "VIP-7" })).workflows).toHaveLength(2);
  });

  it("refuses a bad cursor and bad filters with a clear error", async () => {
    await expect(search({ cursor: "bm90LWEtY3Vyc29y" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(workflowSearchSchema.safeParse({ status: "NOPE" }).success).toBe(false);
    expect(workflowSearchSchema.safeParse({ from: "yesterday" }).success).toBe(false);
  });
});

/** A percentile read from the histogram: within its stated error of the exact percentile_cont. */
function expectEstimate(estimate: number | null, exact: number) {
  expect(estimate).not.toBeNull();
  expect(estimate!).toBeGreaterThan(exact / histogramErrorFactor);
  expect(estimate!).toBeLessThanOrEqual(exact * histogramErrorFactor);
}

describe("SLA report", () => {
  it("computes p50/p95 time to result per task type, timeouts and late results, for one org and range", async () => {
    const orgId = (await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" })).orgId;
    const other = (await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" })).orgId;
    for (let i = 1; i <= 5; i++) {
      await seedWorkflow(orgId, { createdAt: at(i), taskType: "FRAUD", events: [{ type: "TASK_DISPATCHED", at: at(i) }, { type: "TASK_ACCEPTED", at: at(i + 1) }, { type: "TASK_SUCCEEDED", at: at(i + i * 10) }] });
    }
    await seedWorkflow(orgId, { createdAt: at(3600), taskType: "CREDIT", events: [{ type: "TASK_DISPATCHED", at: at(3600) }, { type: "TASK_TIMED_OUT", at: at(3600 + 900) }, { type: "LATE_RESULT", at: at(3600 + 1000) }] });
    await seedWorkflow(orgId, { createdAt: at(3700), taskType: "CREDIT", events: [{ type: "TASK_DISPATCHED", at: at(3700) }, { type: "TASK_FAILED", at: at(3800) }] });
    // Outside the range, and another org: not counted.
    await seedWorkflow(orgId, { createdAt: at(-7200), taskType: "FRAUD", events: [{ type: "TASK_DISPATCHED", at: at(-7200) }, { type: "TASK_SUCCEEDED", at: at(-7000) }] });
    await seedWorkflow(other, { createdAt: at(10), taskType: "FRAUD", events: [{ type: "TASK_DISPATCHED", at: at(10) }, { type: "TASK_SUCCEEDED", at: at(5000) }] });

    const report = await slaReport(orgId, { from: at(0), to: at(6 * 3600) });
    expect(report.bucket).toBe("hour");
    expect(report.perTaskType.map(({ p50Seconds: _p50, p95Seconds: _p95, ...counts }) => counts)).toEqual([
      { taskType: "CREDIT", dispatched: 2, results: 1, timedOut: 1, lateResults: 1 },
      { taskType: "FRAUD", dispatched: 5, results: 5, timedOut: 0, lateResults: 0 },
    ]);
    // Exact percentile_cont: CREDIT's one result took 100 s; FRAUD's took 10, 20, 30, 40 and 50 s.
    const [credit, fraud] = report.perTaskType;
    expectEstimate(credit!.p50Seconds, 100);
    expectEstimate(credit!.p95Seconds, 100);
    expectEstimate(fraud!.p50Seconds, 30);
    expectEstimate(fraud!.p95Seconds, 48);
    expect(report.overTime.map((b) => ({ start: b.start.toISOString(), dispatched: b.dispatched, timedOut: b.timedOut, lateResults: b.lateResults, timeoutRate: b.timeoutRate }))).toEqual([
      { start: "2026-11-20T08:00:00.000Z", dispatched: 5, timedOut: 0, lateResults: 0, timeoutRate: 0 },
      { start: "2026-11-20T09:00:00.000Z", dispatched: 2, timedOut: 1, lateResults: 1, timeoutRate: 0.5 },
    ]);
    const days = await slaReport(orgId, { from: at(-3 * 86400), to: at(86400) });
    expect(days.bucket).toBe("day");
    expect(days.perTaskType.find((r) => r.taskType === "FRAUD")?.dispatched).toBe(6);

    // Rolled up, the same figures to the last digit.
    await rollUpSla({ orgIds: [orgId, other], now: at(7 * 86400) });
    expect(await slaReport(orgId, { from: at(0), to: at(6 * 3600) })).toEqual(report);
    expect(await slaReport(orgId, { from: at(-3 * 86400), to: at(86400) })).toEqual(days);
  });

  it("counts each event in the period it happened: a result with the range it arrived in, a dispatch with the range it was sent in", async () => {
    const orgId = (await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" })).orgId;
    await seedWorkflow(orgId, { createdAt: at(0), taskType: "KYC", events: [{ type: "TASK_DISPATCHED", at: at(0) }, { type: "TASK_SUCCEEDED", at: at(2 * 3600 + 60) }] });
    const first = await slaReport(orgId, { from: at(0), to: at(3600) });
    expect(first.perTaskType).toEqual([{ taskType: "KYC", dispatched: 1, results: 0, p50Seconds: null, p95Seconds: null, timedOut: 0, lateResults: 0 }]);
    const later = await slaReport(orgId, { from: at(3600), to: at(3 * 3600) });
    expect(later.perTaskType).toMatchObject([{ taskType: "KYC", dispatched: 0, results: 1, timedOut: 0, lateResults: 0 }]);
    expectEstimate(later.perTaskType[0]!.p50Seconds, 2 * 3600 + 60);
    // A chart point needs a dispatch, a timeout or a late result in its period.
    expect(later.overTime).toEqual([]);
  });

  it("refuses an empty, reversed or too long range", async () => {
    const orgId = randomUUID();
    await expect(slaReport(orgId, { from: at(10), to: at(0) })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(slaReport(orgId, { from: at(0), to: at(91 * 86400) })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

describe("SLA rollup", () => {
  const hour = 3600;
  const taskTypes = ["FRAUD_VERIFICATION", "CREDIT_CHECK", "KYC_REVIEW"];
  // Times to result from under 0.1 s to more than a day, so results land in other hours, days and rollup chunks than their dispatch.
  const durations = [0.04, 3, 47, 610, 2 * hour + 17, 30 * hour + 5];
  let orgId: string;
  let otherOrg: string;
  /** Tasks still waiting for their result after the first batch. */
  const waiting: Array<{ workflowId: string; taskId: string; taskType: string }> = [];

  /** Several ranges: hour- and day-bucketed, aligned to hours and not, around the watermarks used below. */
  const ranges: Array<{ from: Date; to: Date }> = [
    { from: at(-hour), to: at(5 * 86400) },
    { from: at(17 * 60 + 3), to: at(2 * 86400 + 5 * hour + 41 * 60) },
    { from: at(30 * hour + 13 * 60), to: at(40 * hour + 7 * 60) },
    { from: at(15 * hour + 5 * 60), to: at(62 * hour) },
    { from: at(49 * hour), to: at(52 * hour) },
    { from: at(50 * hour + 25 * 60), to: at(50 * hour + 50 * 60) },
  ];
  const reports = () => Promise.all(ranges.map((range) => slaReport(orgId, range)));
  const totals = (report: SlaReport) => report.perTaskType.reduce((n, r) => ({ dispatched: n.dispatched + r.dispatched, results: n.results + r.results, timedOut: n.timedOut + r.timedOut, lateResults: n.lateResults + r.lateResults }), { dispatched: 0, results: 0, timedOut: 0, lateResults: 0 });

  /** The org's SLA events below the watermark, as the rollup rows should count them (each result also in the histogram). */
  async function eventsBelow(id: string, watermark: Date) {
    const prisma = await db();
    const below = (types: string[]) => prisma.event.count({ where: { orgId: id, type: { in: types }, createdAt: { lt: watermark } } });
    const counts = { dispatched: await below(["TASK_DISPATCHED"]), results: await below(["TASK_SUCCEEDED", "TASK_FAILED"]), timedOut: await below(["TASK_TIMED_OUT"]), lateResults: await below(["LATE_RESULT"]) };
    return { ...counts, durations: counts.results, daily: counts, dailyDurations: counts.results };
  }

  /** What the rollup holds for the org: per hour and per day, each against the org's events below its watermark. */
  async function rolledUp(id: string) {
    const prisma = await db();
    const state = await prisma.slaRollupState.findUnique({ where: { orgId: id } });
    const periods = (grain: string) => prisma.slaPeriod.aggregate({ where: { orgId: id, grain }, _sum: { dispatched: true, results: true, timedOut: true, lateResults: true } });
    const durations = (grain: string) => prisma.slaDurationBucket.aggregate({ where: { orgId: id, grain }, _sum: { count: true } });
    const [hourly, daily] = [await periods("hour"), await periods("day")];
    return {
      rolledUpTo: state?.rolledUpTo ?? null,
      rows: { ...hourly._sum, durations: (await durations("hour"))._sum.count, daily: daily._sum, dailyDurations: (await durations("day"))._sum.count },
      events: state && (await eventsBelow(id, state.rolledUpTo)),
    };
  }

  beforeAll(async () => {
    orgId = (await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" })).orgId;
    otherOrg = (await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" })).orgId;
    // 40 tasks over about four days: results after each duration, timeouts, late results, and some still waiting.
    for (let i = 0; i < 40; i++) {
      const dispatched = at(i * (2 * hour + 13 * 60) + (i % 7));
      const taskType = taskTypes[i % 3]!;
      const after = (seconds: number) => new Date(dispatched.getTime() + seconds * 1000);
      const outcome = i % 8;
      const events = [{ type: "TASK_DISPATCHED", at: dispatched }, { type: "TASK_ACCEPTED", at: after(1) }];
      if (outcome < 5) events.push({ type: outcome === 4 ? "TASK_FAILED" : "TASK_SUCCEEDED", at: after(durations[i % durations.length]!) });
      if (outcome === 5 || outcome === 6) events.push({ type: "TASK_TIMED_OUT", at: after(900) });
      if (outcome === 6) events.push({ type: "LATE_RESULT", at: after(1300) });
      const taskId = randomUUID();
      const workflowId = await seedWorkflow(orgId, { createdAt: dispatched, taskType, taskId, events });
      if (outcome === 7 && dispatched < at(50 * hour)) waiting.push({ workflowId, taskId, taskType });
    }
    await seedWorkflow(otherOrg, { createdAt: at(60), taskType: "FRAUD_VERIFICATION", events: [{ type: "TASK_DISPATCHED", at: at(60) }, { type: "TASK_SUCCEEDED", at: at(90) }] });
  });

  it("starts the watermark at the org's first SLA event or the run's horizon, whichever is earlier, and an org without events has none", async () => {
    const empty = (await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" })).orgId;
    // The first events (at 0) are after this run's horizon (now − settle lag): one committing late
    // with an earlier time must still be ahead of the watermark, so it starts at the horizon.
    const run = await rollUpSla({ orgIds: [orgId, empty], now: at(-86400) });
    expect(run).toEqual({ orgs: 2, chunks: 0, events: 0, behind: 0, failed: 0 });
    const prisma = await db();
    expect((await prisma.slaRollupState.findUnique({ where: { orgId } }))?.rolledUpTo).toEqual(new Date(at(-86400).getTime() - settleLagMs));
    expect(await prisma.slaRollupState.findUnique({ where: { orgId: empty } })).toBeNull();
  });

  it("gives the same figures before a rollup, after it, after a repeated run, and after more events and concurrent runs", async () => {
    const before = await reports();
    expect(totals(before[0]!).dispatched).toBe(40);

    // Up to the middle of an hour, in day-long chunks, with events left after the watermark.
    const firstWatermark = at(50 * hour + 20 * 60);
    const first = await rollUpSla({ orgIds: [orgId], now: new Date(firstWatermark.getTime() + settleLagMs) });
    // From a day before the first event (the run above) to 50 h 20 min after it, a day at a time.
    expect(first.chunks).toBe(4);
    expect(first.behind).toBe(0);
    const afterFirst = await rolledUp(orgId);
    expect(afterFirst.rolledUpTo).toEqual(firstWatermark);
    expect(afterFirst.rows).toEqual(afterFirst.events);
    expect(first.events).toBe(afterFirst.events!.dispatched + afterFirst.events!.results + afterFirst.events!.timedOut + afterFirst.events!.lateResults);
    expect(await reports()).toEqual(before);

    // The same run again adds nothing.
    expect(await rollUpSla({ orgIds: [orgId], now: new Date(firstWatermark.getTime() + settleLagMs) })).toEqual({ orgs: 1, chunks: 0, events: 0, behind: 0, failed: 0 });
    expect(await rolledUp(orgId)).toEqual(afterFirst);

    // More events after the watermark, some in its own hour: results and a timeout of tasks dispatched before it, and new tasks.
    const prisma = await db();
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    const late = (seconds: number) => new Date(firstWatermark.getTime() + seconds * 1000);
    const [done, timedOut] = waiting;
    await prisma.event.createMany({
      data: [
        { orgId, workflowId: done!.workflowId, taskId: done!.taskId, type: "TASK_SUCCEEDED", version: 9, actor: "test", createdAt: late(5 * 60) },
        { orgId, workflowId: timedOut!.workflowId, taskId: timedOut!.taskId, type: "TASK_TIMED_OUT", version: 9, actor: "test", createdAt: late(7 * 60) },
      ],
    });
    for (let i = 0; i < 6; i++) {
      const dispatched = late(60 + i * 1500);
      await seedWorkflow(orgId, { createdAt: dispatched, taskType: taskTypes[i % 3]!, events: [{ type: "TASK_DISPATCHED", at: dispatched }, { type: "TASK_SUCCEEDED", at: new Date(dispatched.getTime() + (20 + i * 400) * 1000) }] });
    }
    const live = await reports();
    expect(totals(live[0]!)).toEqual({ ...totals(before[0]!), dispatched: totals(before[0]!).dispatched + 6, results: totals(before[0]!).results + 7, timedOut: totals(before[0]!).timedOut + 1 });
    expect(live[5]).not.toEqual(before[5]);

    // Two runs at once: each event is added once (on PostgreSQL one run skips the org the other holds).
    const secondNow = at(6 * 86400);
    const runs = await Promise.all([rollUpSla({ orgIds: [orgId], now: secondNow }), rollUpSla({ orgIds: [orgId], now: secondNow })]);
    const afterSecond = await rolledUp(orgId);
    expect(afterSecond.rolledUpTo).toEqual(new Date(secondNow.getTime() - settleLagMs));
    expect(afterSecond.rows).toEqual(afterSecond.events);
    expect(runs[0].events + runs[1].events).toBe(await prisma.event.count({ where: { orgId, type: { in: ["TASK_DISPATCHED", "TASK_SUCCEEDED", "TASK_FAILED", "TASK_TIMED_OUT", "LATE_RESULT"] }, createdAt: { gte: firstWatermark } } }));
    expect(await reports()).toEqual(live);
    // The other org was not rolled up, and its figures are still there, live.
    expect(await prisma.slaRollupState.findUnique({ where: { orgId: otherOrg } })).toBeNull();
    expect((await slaReport(otherOrg, { from: at(0), to: at(hour) })).perTaskType).toMatchObject([{ taskType: "FRAUD_VERIFICATION", dispatched: 1, results: 1 }]);
  });

  it("leaves events younger than the settle lag for a later run, and the report still shows them", async () => {
    const prisma = await db();
    const now = at(7 * 86400);
    const recent = new Date(now.getTime() - settleLagMs / 2);
    await seedWorkflow(orgId, { createdAt: recent, taskType: "FRAUD_VERIFICATION", events: [{ type: "TASK_DISPATCHED", at: recent }] });
    await rollUpSla({ orgIds: [orgId], now });
    const rolled = await rolledUp(orgId);
    expect(rolled.rolledUpTo).toEqual(new Date(now.getTime() - settleLagMs));
    expect(rolled.rows).toEqual(rolled.events);
    expect(await prisma.event.count({ where: { orgId, type: "TASK_DISPATCHED" } })).toBe(rolled.rows.dispatched! + 1);
    const range = { from: new Date(now.getTime() - hour * 1000), to: now };
    expect((await slaReport(orgId, range)).perTaskType).toMatchObject([{ taskType: "FRAUD_VERIFICATION", dispatched: 1 }]);

    await rollUpSla({ orgIds: [orgId], now: new Date(now.getTime() + settleLagMs) });
    expect((await rolledUp(orgId)).rows.dispatched).toBe(rolled.rows.dispatched! + 1);
    expect((await slaReport(orgId, range)).perTaskType).toMatchObject([{ taskType: "FRAUD_VERIFICATION", dispatched: 1 }]);
  });

  it("stops at its time budget and goes on in the next run; the cron route runs every org", async () => {
    const orgB = (await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" })).orgId;
    await seedWorkflow(orgB, { createdAt: at(0), taskType: "ERP_ORDER", events: [{ type: "TASK_DISPATCHED", at: at(0) }, { type: "TASK_SUCCEEDED", at: at(3 * 86400) }] });
    const report = await slaReport(orgB, { from: at(0), to: at(4 * 86400) });
    expect(await rollUpSla({ orgIds: [orgB], now: at(5 * 86400), budgetMs: -1 })).toEqual({ orgs: 1, chunks: 0, events: 0, behind: 1, failed: 0 });

    const res = await call(cronSlaRollup, "/api/cron/sla-rollup", { headers: { authorization: "Bearer test-cron-secret-0123456789" } });
    expect(res.status).toBe(200);
    const body = await jsonOf<{ orgs: number; chunks: number; events: number; behind: number; failed: number }>(res);
    expect(body.failed).toBe(0);
    expect(body.behind).toBe(0);
    expect(body.events).toBeGreaterThanOrEqual(2);
    expect((await rolledUp(orgB)).rows).toMatchObject({ dispatched: 1, results: 1, durations: 1, dailyDurations: 1 });
    expect(await slaReport(orgB, { from: at(0), to: at(4 * 86400) })).toEqual(report);
  });

  it("goes with the org: deleting the org's data deletes its rollup", async () => {
    const prisma = await db();
    await rollUpSla({ orgIds: [otherOrg], now: at(86400) });
    expect(await prisma.slaPeriod.count({ where: { orgId: otherOrg } })).toBeGreaterThan(0);
    await deleteOrgData(otherOrg, "admin:test");
    expect(await prisma.slaPeriod.count({ where: { orgId: otherOrg } })).toBe(0);
    expect(await prisma.slaDurationBucket.count({ where: { orgId: otherOrg } })).toBe(0);
    expect(await prisma.slaRollupState.count({ where: { orgId: otherOrg } })).toBe(0);
  });
});

describe("settings", () => {
  it("validates everything before writing, warns about timeouts past the session limit, and audits each change", async () => {
    const org = await createOrg({ orgId: randomUUID(), region: "mypurecloud.com" });
    const prisma = await db();
    const auditBefore = await prisma.auditEntry.count({ where: { orgId: org.orgId } });
    const settings = orgSettingsSchema.parse({ taskTimeoutSeconds: 600, flowSessionLimitSeconds: 1200, taskTypes: { CREDIT_CHECK: { timeoutSeconds: 3600, heartbeatTimeoutSeconds: 300 } } });

    await expect(updateAdminSettings(org.orgId, { orchestratorUrl: "https://orch.example.com/tasks", settings, sourceCidrs: ["10.0.0.0/33"] }, "admin:test")).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    const untouched = await prisma.org.findUniqueOrThrow({ where: { id: org.orgId } });
    expect(untouched.orchestratorUrl).toBeNull();
    expect(await prisma.auditEntry.count({ where: { orgId: org.orgId } })).toBe(auditBefore);

    const view = await updateAdminSettings(org.orgId, { orchestratorUrl: "https://orch.example.com/tasks", settings, sourceCidrs: ["203.0.113.0/24", "2001:db8::/32"] }, "admin:test");
    expect(view.orchestratorUrl).toBe("https://orch.example.com/tasks");
    expect(view.sourceCidrs).toEqual(["203.0.113.0/24", "2001:db8::/32"]);
    expect(view.warnings).toEqual([expect.stringContaining("CREDIT_CHECK: timeout (3600s) exceeds the flow session limit (1200s)")]);
    const audit = await prisma.auditEntry.findMany({ where: { orgId: org.orgId }, orderBy: { id: "asc" } });
    expect(audit.slice(auditBefore).map((a) => [a.actor, a.action])).toEqual([
      ["admin:test", "org.configured"],
      ["admin:test", "org.source_cidrs_changed"],
    ]);

    // Saving the same values again changes nothing and audits nothing.
    await updateAdminSettings(org.orgId, { orchestratorUrl: "https://orch.example.com/tasks", settings, sourceCidrs: ["203.0.113.0/24", "2001:db8::/32"] }, "admin:test");
    expect(await prisma.auditEntry.count({ where: { orgId: org.orgId } })).toBe(audit.length);
  });
});

describe("admin API sessions", () => {
  async function sessionCookie(claims: Record<string, unknown>): Promise<string> {
    const token = await encode({ token: { name: "Ada Admin", canInstall: false, region: "mypurecloud.com", genesysAccessToken: "gc-token", ...claims }, secret: adminSessionSecret() });
    return `next-auth.session-token=${token}`;
  }

  it("answers only an admin session of an installed org, never a data-action token", async () => {
    const org = await newOrg();
    const cookie = await sessionCookie({ orgId: org.orgId, userId: randomUUID() });
    const ok = await call(getSettings, "/api/admin/settings", { headers: { cookie } });
    expect(ok.status).toBe(200);
    const body = await jsonOf<{ signingSecrets: Array<{ id: string }>; genesysClientId: string | null }>(ok);
    expect(body.signingSecrets).toHaveLength(1);
    expect(JSON.stringify(body)).not.toContain("whsec_");

    expect((await call(getSettings, "/api/admin/settings")).status).toBe(401);
    expect((await call(getSettings, "/api/admin/settings", { token: org.token })).status).toBe(401);
    expect((await call(getSettings, "/api/admin/settings", { headers: { cookie: "next-auth.session-token=forged.jwt.value" } })).status).toBe(401);
    const uninstalled = await sessionCookie({ orgId: randomUUID(), userId: randomUUID() });
    const refused = await call(getSettings, "/api/admin/settings", { headers: { cookie: uninstalled } });
    expect(refused.status).toBe(403);
  });

  it("stores the org's task-type display names (all languages and per language), audits them, and refuses bad ones in words the page can translate", async () => {
    const org = await newOrg();
    const cookie = await sessionCookie({ orgId: org.orgId, userId: randomUUID() });
    const named = { FRAUD_VERIFICATION: { displayName: "Fraud check", displayNames: { de: "Betrugsprüfung", ja: "不正チェック" }, timeoutSeconds: 600 } };
    const body = { orchestratorUrl: null, settings: { taskTypes: named }, sourceCidrs: [] };
    const saved = await call(putSettings, "/api/admin/settings", { method: "PUT", body, headers: { cookie } });
    expect(saved.status).toBe(200);
    const view = await jsonOf<{ settings: { taskTypes: Record<string, unknown> } }>(saved);
    expect(view.settings.taskTypes.FRAUD_VERIFICATION).toEqual(named.FRAUD_VERIFICATION);
    const prisma = await db();
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { orgId: org.orgId, action: "org.configured" }, orderBy: { id: "desc" } });
    expect(audit.actor).toContain("Ada Admin");
    expect(audit.data).toMatchObject({ settings: { taskTypes: { FRAUD_VERIFICATION: { displayName: "Fraud check", displayNames: { de: "Betrugsprüfung" } } } } });

    for (const [bad, path, code] of [
      [{ displayName: "   " }, "settings.taskTypes.X.displayName", "too_small"],
      [{ displayName: "x".repeat(81) }, "settings.taskTypes.X.displayName", "too_big"],
      [{ displayName: "two\nlines" }, "settings.taskTypes.X.displayName", "invalid_format"],
      // Only the languages Longrun speaks.
      [{ displayNames: { nl: "Fraudecontrole" } }, "settings.taskTypes.X.displayNames", "unrecognized_keys"],
    ] as const) {
      const refused = await call(putSettings, "/api/admin/settings", { method: "PUT", body: { ...body, settings: { taskTypes: { X: bad } } }, headers: { cookie } });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      const { error } = await jsonOf<{ error: { details: Array<{ path: string; code: string }> } }>(refused);
      expect(error.details.map((d) => [d.path, d.code])).toContainEqual([path, code]);
    }
    // Nothing of the refused writes reached the org.
    const after = await prisma.org.findUniqueOrThrow({ where: { id: org.orgId } });
    expect((after.settings as { taskTypes: Record<string, unknown> }).taskTypes).toEqual(named);
  });

  it("keeps the language of the admin's Genesys user (users/me languagePreference) in the session", async () => {
    const org = await newOrg();
    const jwt = adminAuthOptions("mypurecloud.com").callbacks!.jwt!;
    const signedIn = (languagePreference?: unknown) =>
      jwt({
        token: {},
        user: { id: "u" },
        account: { access_token: "gc", provider: "genesys", type: "oauth", providerAccountId: "u" },
        profile: { id: "u", name: "Dora Admin", organization: { id: org.orgId }, authorization: { permissions: ["integrations:integration:edit"] }, languagePreference } as never,
      });
    expect((await signedIn("de")).language).toBe("de");
    expect((await signedIn("pt-br")).language).toBe("pt-br");
    expect((await signedIn(undefined)).language).toBeNull();
    expect((await signedIn({ not: "a tag" })).language).toBeNull();
  });

  it("refuses cross-site writes and answers bad input with a 400 that names the field", async () => {
    const org = await newOrg();
    const cookie = await sessionCookie({ orgId: org.orgId, userId: randomUUID() });
    const body = { orchestratorUrl: "https://orch.example.com", settings: {}, sourceCidrs: [] };
    const crossSite = await call(putSettings, "/api/admin/settings", { method: "PUT", body, headers: { cookie, origin: "https://evil.example" } });
    expect(crossSite.status).toBe(403);
    const bad = await call(putSettings, "/api/admin/settings", { method: "PUT", body: { ...body, settings: { taskTimeoutSeconds: 2 } }, headers: { cookie } });
    expect(bad.status).toBe(400);
    expect((await jsonOf<{ error: { message: string } }>(bad)).error.message).toContain("settings.taskTimeoutSeconds");
    const good = await call(putSettings, "/api/admin/settings", { method: "PUT", body, headers: { cookie, origin: "http://longrun.test" } });
    expect(good.status).toBe(200);

    const search = await call(searchRoute, "/api/admin/workflows?status=BOGUS", { headers: { cookie } });
    expect(search.status).toBe(400);
    const sla = await call(slaRoute, "/api/admin/sla?from=2026-11-20T00:00:00Z&to=2026-11-19T00:00:00Z", { headers: { cookie } });
    expect(sla.status).toBe(400);
  });
});
