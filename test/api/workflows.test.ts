import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as initiateAlias } from "@/app/api/v1/workflows/initiate/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as cancel } from "@/app/api/v1/workflows/[id]/cancel/route";
import { GET as events } from "@/app/api/v1/workflows/[id]/events/route";
import { GET as health } from "@/app/api/health/route";
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { call, jsonOf, newOrg, workflowBody, type TestOrg } from "@/test/support/api";

let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  org = await newOrg();
  other = await newOrg();
});

async function rowCounts() {
  const prisma = await db();
  return { workflows: await prisma.workflow.count(), events: await prisma.event.count() };
}

describe("POST /api/v1/workflows", () => {
  it("creates a workflow: 201 with id, status, version and created_at", async () => {
    const body = workflowBody();
    const res = await call(initiate, "/api/v1/workflows", { body, token: org.token });
    expect(res.status).toBe(201);
    const created = await jsonOf(res);
    expect(created).toMatchObject({ workflow_id: body.workflow_id, status: "INITIATED", version: 1 });
    expect(new Date(created.created_at as string).toString()).not.toBe("Invalid Date");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("is idempotent: the same request again is 200 with the stored workflow, nothing new written", async () => {
    const body = workflowBody();
    const first = await jsonOf(await call(initiate, "/api/v1/workflows", { body, token: org.token }));
    const before = await rowCounts();
    const again = await call(initiate, "/api/v1/workflows", { body, token: org.token });
    expect(again.status).toBe(200);
    expect(await jsonOf(again)).toEqual(first);
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses the same id with a different body: 409", async () => {
    const body = workflowBody();
    await call(initiate, "/api/v1/workflows", { body, token: org.token });
    const res = await call(initiate, "/api/v1/workflows", { body: { ...body, customer_id: "SOMEONE-ELSE" }, token: org.token });
    expect(res.status).toBe(409);
    expect(await jsonOf(res)).toMatchObject({ error: { code: "IDEMPOTENCY_CONFLICT" } });
  });

  it("takes timestamp as optional: without it the workflow starts at Longrun's clock, with one it starts then", async () => {
    const prisma = await db();
    const at = new Date("2026-12-02T08:00:00.000Z");
    const restore = clock.set(() => at);
    try {
      const { timestamp: _dropped, ...withoutTimestamp } = workflowBody();
      const res = await call(initiate, "/api/v1/workflows", { body: withoutTimestamp, token: org.token });
      expect(res.status).toBe(201);
      const stored = await prisma.workflow.findUniqueOrThrow({ where: { orgId_id: { orgId: org.orgId, id: withoutTimestamp.workflow_id } } });
      expect(stored.initiatedAt.toISOString()).toBe(at.toISOString());
      // The same body again is the same workflow, whatever the clock says by then.
      clock.set(() => new Date(at.getTime() + 60_000));
      expect((await call(initiate, "/api/v1/workflows", { body: withoutTimestamp, token: org.token })).status).toBe(200);

      const given = workflowBody({ timestamp: "2026-12-02T09:30:00+02:00" });
      expect((await call(initiate, "/api/v1/workflows", { body: given, token: org.token })).status).toBe(201);
      const fromCaller = await prisma.workflow.findUniqueOrThrow({ where: { orgId_id: { orgId: org.orgId, id: given.workflow_id } } });
      expect(fromCaller.initiatedAt.toISOString()).toBe("2026-12-02T07:30:00.000Z");
    } finally {
      restore();
    }
  });

  it("answers at /api/v1/workflows/initiate too", async () => {
    const res = await call(initiateAlias, "/api/v1/workflows/initiate", { body: workflowBody(), token: org.token });
    expect(res.status).toBe(201);
  });

  it("lets two orgs use the same workflow id without seeing each other", async () => {
    const body = workflowBody();
    expect((await call(initiate, "/api/v1/workflows", { body, token: org.token })).status).toBe(201);
    expect((await call(initiate, "/api/v1/workflows", { body: { ...body, customer_id: "B" }, token: other.token })).status).toBe(201);
    const mine = await jsonOf(await call(getWorkflow, `/api/v1/workflows/${body.workflow_id}`, { params: { id: body.workflow_id }, token: org.token }));
    expect(mine.customer_id).toBe(body.customer_id);
  });

  const badRequests: Array<[string, { rawBody?: string; body?: unknown; headers?: Record<string, string> }, number, string]> = [
    ["malformed JSON", { rawBody: "{\"workflow_id\":", headers: { "content-type": "application/json" } }, 400, "INVALID_JSON"],
    ["an empty body", { rawBody: "", headers: { "content-type": "application/json" } }, 400, "INVALID_JSON"],
    ["a JSON array", { body: [1, 2] }, 400, "VALIDATION_FAILED"],
    ["a workflow_id that is not a UUID", { body: workflowBody({ workflow_id: "abc" }) }, 400, "VALIDATION_FAILED"],
    ["customer_id of the wrong type", { body: workflowBody({ customer_id: 42 }) }, 400, "VALIDATION_FAILED"],
    ["a timestamp that is not ISO-8601", { body: workflowBody({ timestamp: "yesterday" }) }, 400, "VALIDATION_FAILED"],
    ["a timestamp without an offset", { body: workflowBody({ timestamp: "2026-11-27T10:00:00" }) }, 400, "VALIDATION_FAILED"],
    ["an empty timestamp", { body: workflowBody({ timestamp: "" }) }, 400, "VALIDATION_FAILED"],
    ["a timestamp that is a number", { body: workflowBody({ timestamp: 1764662400 }) }, 400, "VALIDATION_FAILED"],
    ["a status other than INITIATED", { body: workflowBody({ status: "COMPLETED" }) }, 400, "VALIDATION_FAILED"],
    ["an unknown top-level field", { body: workflowBody({ workflowId: "x" }) }, 400, "VALIDATION_FAILED"],
    ["text/plain", { rawBody: JSON.stringify(workflowBody()), headers: { "content-type": "text/plain" } }, 415, "UNSUPPORTED_MEDIA_TYPE"],
    ["a body over 64 KiB", { body: workflowBody({ context: { blob: "x".repeat(70_000) } }) }, 413, "PAYLOAD_TOO_LARGE"],
    ["JSON nested 40 deep", { rawBody: JSON.stringify(workflowBody({ context: JSON.parse("{\"a\":".repeat(40) + "1" + "}".repeat(40)) })), headers: { "content-type": "application/json" } }, 400, "BAD_REQUEST"],
  ];

  it.each(badRequests)("refuses %s with a clear 4xx and writes nothing", async (_name, request, status, code) => {
    const before = await rowCounts();
    const res = await call(initiate, "/api/v1/workflows", { ...request, token: org.token });
    expect(res.status).toBe(status);
    const body = await jsonOf<{ error: { code: string; message: string } }>(res);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(5);
    expect(await rowCounts()).toEqual(before);
  });

  it("requires a token", async () => {
    const res = await call(initiate, "/api/v1/workflows", { body: workflowBody() });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("requires the workflows:write scope", async () => {
    const reader = await newOrg({ scope: "workflows:read" });
    const res = await call(initiate, "/api/v1/workflows", { body: workflowBody(), token: reader.token });
    expect(res.status).toBe(403);
    expect(await jsonOf(res)).toMatchObject({ error: { code: "INSUFFICIENT_SCOPE" } });
  });
});

describe("GET /api/v1/workflows/{id}", () => {
  it("returns flat fields an Architect translation map can read", async () => {
    const body = workflowBody();
    await call(initiate, "/api/v1/workflows", { body, token: org.token });
    const res = await call(getWorkflow, `/api/v1/workflows/${body.workflow_id}`, { params: { id: body.workflow_id }, token: org.token });
    expect(res.status).toBe(200);
    const view = await jsonOf(res);
    expect(view).toMatchObject({
      workflow_id: body.workflow_id, customer_id: "CUST-1001", conversation_id: body.conversation_id, status: "INITIATED", version: 1,
      task_late_result: false,
    });
    // No value is left out, never null (Architect's translationMapDefaults apply only to missing fields).
    for (const empty of ["task_id", "task_status", "deadline_at"]) expect(view).not.toHaveProperty(empty);
    for (const [key, value] of Object.entries(view)) {
      if (key === "task_result_data") continue;
      expect(value === null || typeof value !== "object", `${key} is flat`).toBe(true);
    }
  });

  it("is a 404 for another org's workflow and for an unknown id", async () => {
    const body = workflowBody();
    await call(initiate, "/api/v1/workflows", { body, token: org.token });
    const res = await call(getWorkflow, `/api/v1/workflows/${body.workflow_id}`, { params: { id: body.workflow_id }, token: other.token });
    expect(res.status).toBe(404);
    const unknown = randomUUID();
    expect((await call(getWorkflow, `/api/v1/workflows/${unknown}`, { params: { id: unknown }, token: org.token })).status).toBe(404);
  });

  it("is a 400 for an id that is not a UUID", async () => {
    const res = await call(getWorkflow, "/api/v1/workflows/nope", { params: { id: "nope" }, token: org.token });
    expect(res.status).toBe(400);
  });
});

describe("POST /api/v1/workflows/{id}/cancel", () => {
  it("cancels, audits, and refuses a second cancel", async () => {
    const body = workflowBody();
    await call(initiate, "/api/v1/workflows", { body, token: org.token });
    const params = { id: body.workflow_id };
    const res = await call(cancel, `/api/v1/workflows/${body.workflow_id}/cancel`, { params, body: { reason: "customer asked" }, token: org.token });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ status: "CANCELLED", version: 2 });
    const again = await call(cancel, `/api/v1/workflows/${body.workflow_id}/cancel`, { params, method: "POST", token: org.token });
    expect(again.status).toBe(409);
    const log = await jsonOf<{ events: Array<{ type: string; from_status: string | null; to_status: string; version: number; actor: string; request_id: string }> }>(
      await call(events, `/api/v1/workflows/${body.workflow_id}/events`, { params, token: org.token, headers: { "x-request-id": "req-events-1" } }),
    );
    expect(log.events.map((e) => [e.type, e.from_status, e.to_status, e.version, e.actor])).toEqual([
      ["WORKFLOW_INITIATED", null, "INITIATED", 1, "data-action"],
      ["WORKFLOW_CANCELLED", "INITIATED", "CANCELLED", 2, "data-action"],
    ]);
    expect(log.events[1]!.request_id).toBeTruthy();
  });

  it("cannot cancel another org's workflow", async () => {
    const body = workflowBody();
    await call(initiate, "/api/v1/workflows", { body, token: org.token });
    const res = await call(cancel, `/api/v1/workflows/${body.workflow_id}/cancel`, { params: { id: body.workflow_id }, method: "POST", token: other.token });
    expect(res.status).toBe(404);
    const view = await jsonOf(await call(getWorkflow, `/x`, { params: { id: body.workflow_id }, token: org.token }));
    expect(view.status).toBe("INITIATED");
  });
});

describe("GET /api/health", () => {
  it("reports the database as reachable", async () => {
    const res = await call(health, "/api/health");
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ status: "ok", database: "reachable" });
  });
});
