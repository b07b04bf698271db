// The admin dashboard's queries and the admin API's session rules: keyset
// search, SLA percentiles from the event log, settings validation and audit,
// and admin routes that accept only an admin session of an installed org.
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getSettings, PUT as putSettings } from "@/app/api/admin/settings/route";
import { GET as searchRoute } from "@/app/api/admin/workflows/route";
import { GET as slaRoute } from "@/app/api/admin/sla/route";
import { updateAdminSettings } from "@/lib/admin/admin-settings";
import { slaReport } from "@/lib/admin/sla-report";
import { searchWorkflows, workflowSearchSchema } from "@/lib/admin/workflow-search";
import { adminSessionSecret } from "@/lib/auth/admin-auth-options";
import { db } from "@/lib/db/client";
import { createOrg } from "@/lib/orgs/create-org";
import { orgSettingsSchema } from "@/lib/orgs/org-settings";
import { call, jsonOf, newOrg } from "@/test/support/api";

const t0 = new Date("2026-11-20T08:00:00.000Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

async function seedWorkflow(orgId: string, options: { createdAt: Date; status?: string; customerId?: string; conversationId?: string | null; taskType?: string; events?: Array<{ type: string; at: Date }> }) {
  const prisma = await db();
  const id = randomUUID();
  const taskId = randomUUID();
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
    expect(report.perTaskType).toEqual([
      { taskType: "CREDIT", dispatched: 2, results: 1, p50Seconds: 100, p95Seconds: 100, timedOut: 1, lateResults: 1 },
      { taskType: "FRAUD", dispatched: 5, results: 5, p50Seconds: 30, p95Seconds: 48, timedOut: 0, lateResults: 0 },
    ]);
    expect(report.overTime.map((b) => ({ start: b.start.toISOString(), dispatched: b.dispatched, timedOut: b.timedOut, lateResults: b.lateResults, timeoutRate: b.timeoutRate }))).toEqual([
      { start: "2026-11-20T08:00:00.000Z", dispatched: 5, timedOut: 0, lateResults: 0, timeoutRate: 0 },
      { start: "2026-11-20T09:00:00.000Z", dispatched: 2, timedOut: 1, lateResults: 1, timeoutRate: 0.5 },
    ]);
    const days = await slaReport(orgId, { from: at(-3 * 86400), to: at(86400) });
    expect(days.bucket).toBe("day");
    expect(days.perTaskType.find((r) => r.taskType === "FRAUD")?.dispatched).toBe(6);
  });

  it("refuses an empty, reversed or too long range", async () => {
    const orgId = randomUUID();
    await expect(slaReport(orgId, { from: at(10), to: at(0) })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(slaReport(orgId, { from: at(0), to: at(91 * 86400) })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
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
