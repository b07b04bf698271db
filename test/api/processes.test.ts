import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listProcesses } from "@/app/api/v1/processes/route";
import { GET as getProcess, PUT as putProcess } from "@/app/api/v1/processes/[name]/route";
import { db } from "@/lib/db/client";
import { call, jsonOf, newOrg, type TestOrg } from "@/test/support/api";

// The document, verbatim.
const fraud = JSON.parse(`{"steps": [
  {"name": "fraud", "kind": "task", "task_type": "FRAUD_VERIFICATION", "input": {"amount": "$.context.amount"}, "timeout": 600,
   "retry": {"max_attempts": 3, "initial_interval": 10, "backoff_coefficient": 2, "max_interval": 300, "non_retryable": ["CARD_BLOCKED"]},
   "on_success": {"field": "risk", "cases": {"LOW": "credit"}, "default": "review"}, "on_failure": "escalate"},
  {"name": "credit", "kind": "task", "task_type": "CREDIT_CHECK", "on_success": "end", "on_timeout": "escalate"},
  {"name": "review", "kind": "wait", "duration": 86400, "on_success": "end"}
]}`) as { steps: Array<Record<string, unknown>> };

let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  org = await newOrg();
  other = await newOrg();
});

type VersionBody = { name: string; version: number; step_count: number; created_by: string; created_at: string; definition: { steps: Array<{ name: string; timeout?: number }> } };

const put = (name: string, body: unknown, token = org.token) =>
  call<{ name: string }>(putProcess, `/api/v1/processes/${name}`, { method: "PUT", params: { name }, body, token });
const get = (name: string, query = "", token = org.token) => call<{ name: string }>(getProcess, `/api/v1/processes/${name}${query}`, { params: { name }, token });

async function versionsStored(orgId: string, name: string): Promise<number> {
  return (await db()).processVersion.count({ where: { orgId, name } });
}

describe("PUT /api/v1/processes/{name}", () => {
  it("stores the issue's document as version 1, then each changed document as the next version", async () => {
    const first = await put("card-fraud", fraud);
    expect(first.status).toBe(201);
    const v1 = await jsonOf<VersionBody>(first);
    expect(v1).toMatchObject({ name: "card-fraud", version: 1, step_count: 3 });
    expect(v1.created_by).toMatch(/^data-action:/);
    expect(v1.definition.steps.map((s) => s.name)).toEqual(["fraud", "credit", "review"]);

    const changed = structuredClone(fraud);
    changed.steps[1]!.timeout = 900;
    const second = await put("card-fraud", changed);
    expect(second.status).toBe(201);
    expect(await jsonOf(second)).toMatchObject({ version: 2, definition: { steps: [{}, { name: "credit", timeout: 900 }, {}] } });
    expect(await versionsStored(org.orgId, "card-fraud")).toBe(2);
  });

  it("answers the same document as the latest version with that version (200), storing nothing", async () => {
    expect((await put("same-twice", fraud)).status).toBe(201);
    // Key order and spacing do not make a new version.
    const reordered = { steps: fraud.steps.map((s) => Object.fromEntries(Object.entries(s).reverse())) };
    const again = await put("same-twice", reordered);
    expect(again.status).toBe(200);
    expect(await jsonOf(again)).toMatchObject({ version: 1 });
    expect(await versionsStored(org.orgId, "same-twice")).toBe(1);
  });

  it("refuses an invalid definition with every error listed, storing nothing", async () => {
    const res = await put("broken", {
      steps: [
        { name: "fraud", kind: "task", task_type: "FRAUD_VERIFICATION", input: { s: "$.steps.credit.result.score" }, on_success: { field: "risk", cases: { LOW: "credit", HIGH: "nowhere" } } },
        { name: "credit", kind: "task", task_type: "CREDIT_CHECK", on_success: "fraud" },
        { name: "orphan", kind: "wait", duration: 60 },
      ],
    });
    expect(res.status).toBe(400);
    const body = await jsonOf<{ error: { code: string; message: string; details: Array<{ path: string; code: string; message: string }> } }>(res);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.message).toMatch(/and 3 more/);
    expect(body.error.details.map((d) => [d.code, d.path]).sort()).toEqual([
      ["BAD_REFERENCE", "steps.0.input.s"],
      ["CYCLE_WITHOUT_WAIT", "steps.0"],
      ["UNKNOWN_STEP", "steps.0.on_success.cases.HIGH"],
      ["UNREACHABLE_STEP", "steps.2"],
    ]);
    expect(await versionsStored(org.orgId, "broken")).toBe(0);
  });

  it("refuses what the schema refuses, with each field named", async () => {
    const res = await put("typos", { steps: [{ name: "a", kind: "task", task_type: "A", timeout: "10m", retry: { max_attempts: 0 } }] });
    expect(res.status).toBe(400);
    const { error } = await jsonOf<{ error: { details: Array<{ path: string }> } }>(res);
    expect(error.details.map((d) => d.path).sort()).toEqual(["steps.0.retry.max_attempts", "steps.0.timeout"]);
  });

  const badRequests: Array<[string, string, { rawBody?: string; body?: unknown; headers?: Record<string, string> }, number, string]> = [
    ["a name with capitals", "Card-Fraud", { body: fraud }, 400, "VALIDATION_FAILED"],
    ["a name with a slash-like character", "a%2Fb", { body: fraud }, 400, "VALIDATION_FAILED"],
    ["malformed JSON", "x", { rawBody: "{\"steps\":", headers: { "content-type": "application/json" } }, 400, "INVALID_JSON"],
    ["a JSON array", "x", { body: [fraud] }, 400, "VALIDATION_FAILED"],
    ["text/plain", "x", { rawBody: JSON.stringify(fraud), headers: { "content-type": "text/plain" } }, 415, "UNSUPPORTED_MEDIA_TYPE"],
    ["a body over 64 KiB", "x", { body: { ...fraud, description: "x".repeat(70_000) } }, 413, "PAYLOAD_TOO_LARGE"],
  ];
  it.each(badRequests)("refuses %s", async (_, name, options, status, code) => {
    const res = await call<{ name: string }>(putProcess, `/api/v1/processes/${name}`, { method: "PUT", params: { name }, token: org.token, ...options });
    expect(res.status).toBe(status);
    expect(await jsonOf(res)).toMatchObject({ error: { code } });
  });

  it("gives two concurrent puts of different documents two versions, neither lost", async () => {
    const docs = [300, 400, 500, 600].map((timeout) => ({ steps: [{ ...fraud.steps[0], timeout }, ...fraud.steps.slice(1)] }));
    const answers = await Promise.all(docs.map((doc) => put("raced", doc)));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const versions = await Promise.all(answers.map(async (r) => (await jsonOf<VersionBody>(r)).version));
    expect([...versions].sort()).toEqual([1, 2, 3, 4]);
  });

  it("keeps stored versions immutable: the database refuses an UPDATE", async () => {
    await put("frozen", fraud);
    const prisma = await db();
    await expect(prisma.$executeRaw`UPDATE "ProcessVersion" SET "definition" = '{}'::jsonb WHERE "orgId" = ${org.orgId}::uuid AND "name" = 'frozen'`).rejects.toThrow(/immutable/);
    const stored = await jsonOf<VersionBody>(await get("frozen"));
    expect(stored.definition.steps).toHaveLength(3);
  });

  it("needs the processes:write scope", async () => {
    const reader = await newOrg({ scope: "processes:read workflows:write" });
    const res = await put("card-fraud", fraud, reader.token);
    expect(res.status).toBe(403);
    expect(await jsonOf(res)).toMatchObject({ error: { code: "INSUFFICIENT_SCOPE" } });
  });
});

describe("GET /api/v1/processes/{name} and /api/v1/processes", () => {
  it("reads the latest version, or the one asked for; 404 for a version or a name that does not exist", async () => {
    const name = "versioned";
    await put(name, fraud);
    await put(name, { steps: fraud.steps.slice(0, 1).map((s) => ({ ...s, on_success: "end" })) });
    expect(await jsonOf(await get(name))).toMatchObject({ version: 2, step_count: 1 });
    expect(await jsonOf(await get(name, "?version=1"))).toMatchObject({ version: 1, step_count: 3 });
    const missingVersion = await get(name, "?version=3");
    expect(missingVersion.status).toBe(404);
    expect((await get("never-stored")).status).toBe(404);
    expect((await get(name, "?version=zero")).status).toBe(400);
    expect((await get(name, "?latest=1")).status).toBe(400);
  });

  it("lists every process at its latest version", async () => {
    const mine = await newOrg();
    await put("b-second", fraud, mine.token);
    await put("a-first", fraud, mine.token);
    await put("a-first", { ...fraud, description: "now described" }, mine.token);
    const res = await call(listProcesses, "/api/v1/processes", { token: mine.token });
    expect(res.status).toBe(200);
    const { processes } = await jsonOf<{ processes: Array<Record<string, unknown>> }>(res);
    expect(processes).toMatchObject([
      { name: "a-first", latest_version: 2, step_count: 3, description: "now described" },
      { name: "b-second", latest_version: 1, step_count: 3, description: null },
    ]);
  });

  it("shows another org nothing: 404 for the name, an empty list", async () => {
    await put("private", fraud);
    expect((await get("private", "", other.token)).status).toBe(404);
    const { processes } = await jsonOf<{ processes: unknown[] }>(await call(listProcesses, "/api/v1/processes", { token: other.token }));
    expect(processes).toEqual([]);
  });

  it("needs the processes:read scope", async () => {
    const writer = await newOrg({ scope: "workflows:read workflows:write" });
    expect((await call(listProcesses, "/api/v1/processes", { token: writer.token })).status).toBe(403);
  });

  it.each(["card-fraud.json", "address-change.json"])("stores the shipped example %s", async (file) => {
    const res = await put(file.replace(".json", ""), JSON.parse(readFileSync(`genesys/processes/${file}`, "utf8")));
    expect(res.status).toBe(201);
  });
});
