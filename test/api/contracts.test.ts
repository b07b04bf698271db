// The Genesys data actions in genesys/data-actions, run the way Genesys runs
// them: the custom auth action gets a real token from the token endpoint, each
// action's Velocity templates build the request, the real route handler
// answers it, and the translation map turns the answer into flat outputs.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as cancel } from "@/app/api/v1/workflows/[id]/cancel/route";
import { POST as token } from "@/app/api/oauth/token/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { GET as cronTimeouts } from "@/app/api/cron/timeouts/route";
import { clock } from "@/lib/clock";
import { contractFiles, customAuthFile, dataActions, placeholderBaseUrl, type DataActionDefinition } from "@/lib/api/data-action-contracts";
import { apiOperations, httpMethods } from "@/lib/api/openapi";
import { call, newOrg, signed, type TestOrg } from "@/test/support/api";
import { renderVelocity, translateResponse, type ResponseConfig } from "@/test/support/velocity";
import { newSchemaValidator } from "@/test/support/json-schema";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const handlers: Record<string, Handler> = { initiateWorkflow: initiate, getWorkflow, dispatchTask: dispatch, cancelWorkflow: cancel } as unknown as Record<string, Handler>;

const directory = path.join(import.meta.dirname, "../../genesys/data-actions");

interface ActionFile {
  name: string;
  integrationType: string;
  config: { request: { requestUrlTemplate: string; requestType: string; headers: Record<string, string>; requestTemplate: string }; response: ResponseConfig };
  contract: { input: { inputSchema: Record<string, unknown> }; output: { successSchema: Record<string, unknown> } };
}

async function committed<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(path.join(directory, file), "utf8")) as T;
}

const ajv = newSchemaValidator();
function expectValid(schema: Record<string, unknown>, value: unknown) {
  const validate = ajv.compile(schema);
  const ok = validate(value);
  expect(ok, `${ajv.errorsText(validate.errors)} in ${JSON.stringify(value)}`).toBe(true);
}

/** The documented path of an operation as a regex with named groups, e.g. /api/v1/workflows/(?<id>[^/]+). */
function documentedPath(operationId: string): { method: string; pattern: RegExp } {
  for (const [documented, item] of Object.entries(apiOperations)) {
    for (const method of httpMethods) {
      if (item[method]?.operationId === operationId) {
        return { method: method.toUpperCase(), pattern: new RegExp("^" + documented.replace(/\{([^}]+)\}/g, "(?<$1>[^/?]+)") + "$") };
      }
    }
  }
  throw new Error(`no documented operation ${operationId}`);
}

let org: TestOrg;
let authResponse: Record<string, unknown>;

beforeAll(async () => {
  org = await newOrg({ orchestratorUrl: "https://orchestrator.example.com/tasks" });
});

describe("the committed files", () => {
  it("are what npm run contracts generates from lib/api/schemas.ts (run it after changing a schema)", async () => {
    const expected = contractFiles();
    const present = (await readdir(directory)).filter((f) => f.endsWith(".json")).sort();
    expect(present).toEqual(Object.keys(expected).sort());
    for (const [file, content] of Object.entries(expected)) {
      expect(await readFile(path.join(directory, file), "utf8"), `${file} is stale: run npm run contracts`).toBe(content);
    }
  });

  it("are one Web Services data action per API operation a flow uses, each calling a documented operation", async () => {
    expect(dataActions.map((a) => a.operationId).sort()).toEqual(["cancelWorkflow", "conversationEnded", "dispatchTask", "getWorkflow", "initiateWorkflow"]);
    for (const action of dataActions) {
      const file = await committed<ActionFile>(action.file);
      expect(file.integrationType).toBe("custom-rest-actions");
      expect(file.config.request.requestType).toBe(documentedPath(action.operationId).method);
      expect(file.config.request.headers.Authorization).toBe("${authResponse.token_type} ${authResponse.access_token}");
      // Flat outputs only: Architect cannot hold objects.
      for (const property of Object.values(file.contract.output.successSchema.properties as Record<string, { type: string }>)) {
        expect(["string", "integer", "number", "boolean"]).toContain(property.type);
      }
    }
  });
});

describe("the custom auth action", () => {
  it("gets a token from POST /api/oauth/token with the credentials' clientId and clientSecret", async () => {
    const auth = await committed<{ config: { request: ActionFile["config"]["request"]; response: ResponseConfig } }>(customAuthFile);
    const context = { credentials: { clientId: org.clientId, clientSecret: org.clientSecret } };
    const url = new URL(renderVelocity(auth.config.request.requestUrlTemplate, context));
    expect(url.origin).toBe(placeholderBaseUrl);
    expect(url.pathname).toBe("/api/oauth/token");
    const headers = Object.fromEntries(Object.entries(auth.config.request.headers).map(([k, v]) => [k, renderVelocity(v, context)]));
    const res = await call(token, url.pathname, { rawBody: renderVelocity(auth.config.request.requestTemplate, context), headers });
    const raw = await res.text();
    expect(res.status, raw).toBe(200);
    authResponse = translateResponse(auth.config.response, raw) as Record<string, unknown>;
    expect(authResponse).toMatchObject({ token_type: "Bearer", access_token: expect.any(String), expires_in: expect.any(Number) });
  });

  it("refuses wrong credentials with 401, so the data actions fail instead of running unauthenticated", async () => {
    const auth = await committed<{ config: { request: ActionFile["config"]["request"] } }>(customAuthFile);
    const context = { credentials: { clientId: org.clientId, clientSecret: "wrong" } };
    const res = await call(token, "/api/oauth/token", { rawBody: renderVelocity(auth.config.request.requestTemplate, context), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(401);
  });
});

interface Run {
  status: number;
  apiBody: Record<string, unknown>;
  sent: unknown;
  output: Record<string, unknown>;
}

/** Runs one data action end to end: templates → route handler → translation map → success schema. */
async function runAction(action: DataActionDefinition, input: Record<string, string>): Promise<Run> {
  const file = await committed<ActionFile>(action.file);
  expectValid(file.contract.input.inputSchema, input);
  const context = { input: { ...input, rawRequest: JSON.stringify(input) }, authResponse };
  const url = new URL(renderVelocity(file.config.request.requestUrlTemplate, context));
  expect(url.origin).toBe(placeholderBaseUrl);
  const { pattern } = documentedPath(action.operationId);
  const match = pattern.exec(url.pathname);
  expect(match, `${url.pathname} is not the documented path of ${action.operationId}`).not.toBeNull();
  const headers = Object.fromEntries(Object.entries(file.config.request.headers).map(([k, v]) => [k.toLowerCase(), renderVelocity(v, context)]));
  expect(headers.authorization).toBe(`Bearer ${String(authResponse.access_token)}`);
  const isGet = file.config.request.requestType === "GET";
  const rawBody = isGet ? undefined : renderVelocity(file.config.request.requestTemplate, context);
  const sent: unknown = rawBody === undefined ? undefined : JSON.parse(rawBody);
  const res = await call(handlers[action.operationId]!, url.pathname, { method: file.config.request.requestType, params: { ...match!.groups }, headers, rawBody });
  const raw = await res.text();
  expect(res.status, raw).toBeGreaterThanOrEqual(200);
  expect(res.status, raw).toBeLessThan(300);
  const output = translateResponse(file.config.response, raw) as Record<string, unknown>;
  expectValid(file.contract.output.successSchema, output);
  const apiBody = JSON.parse(raw) as Record<string, unknown>;
  // The API never answers JSON null: Genesys would pass it through instead of applying the default.
  expect(Object.entries(apiBody).filter(([, v]) => v === null).map(([k]) => k), `${action.name}: null fields`).toEqual([]);
  // Every flat output is the API's field, or the default where the API left the field out.
  for (const [name, value] of Object.entries(output)) {
    const fromApi = apiBody[name];
    if (fromApi === undefined) expect(value, name).toEqual(JSON.parse(file.config.response.translationMapDefaults[name]!));
    else expect(value, name).toEqual(fromApi);
  }
  return { status: res.status, apiBody, sent, output };
}

const byOperation = (id: string) => dataActions.find((a) => a.operationId === id)!;

describe("each data action on its example input", () => {
  it("Initiate Workflow: escapes the strings, is accepted (201), and outputs the new workflow", async () => {
    const action = byOperation("initiateWorkflow");
    const input = { ...action.example, workflow_id: randomUUID() };
    const run = await runAction(action, input);
    expect(run.status).toBe(201);
    // The optional process inputs, left out, are sent as empty strings (quiet references): no process.
    expect(run.sent).toEqual({ ...input, status: "INITIATED", process_name: "", context_json: "" });
    expect(run.output).toEqual({ workflow_id: input.workflow_id, status: "INITIATED", version: 1, created_at: expect.any(String) });
  });

  it("Initiate Workflow takes no timestamp (the API's is optional): the flow sends none and Longrun's clock stamps the workflow", async () => {
    const action = byOperation("initiateWorkflow");
    const file = await committed<ActionFile>(action.file);
    const inputSchema = file.contract.input.inputSchema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(inputSchema.properties).sort()).toEqual(["context_json", "conversation_id", "customer_id", "process_name", "workflow_id"]);
    expect(inputSchema.required.sort()).toEqual(["conversation_id", "customer_id", "workflow_id"]);
    expect(file.config.request.requestTemplate).not.toContain("timestamp");
    const at = new Date("2026-12-02T08:15:00.000Z");
    const restore = clock.set(() => at);
    try {
      const input = { ...action.example, workflow_id: randomUUID() };
      const run = await runAction(action, input);
      expect(run.status).toBe(201);
      expect(run.sent).not.toHaveProperty("timestamp");
      const { db } = await import("@/lib/db/client");
      const stored = await (await db()).workflow.findUniqueOrThrow({ where: { orgId_id: { orgId: org.orgId, id: input.workflow_id } } });
      expect(stored.initiatedAt.toISOString()).toBe(at.toISOString());
    } finally {
      restore();
    }
  });

  it("Initiate Workflow with process_name and context_json: the first step is dispatched in the same change (PENDING, version 2)", async () => {
    const { PUT: putProcess } = await import("@/app/api/v1/processes/[name]/route");
    const definition = { steps: [{ name: "check", kind: "task", task_type: "FRAUD_VERIFICATION", input: { amount: "$.context.amount" } }] };
    expect((await call(putProcess, "/x", { method: "PUT", params: { name: "contract-check" }, body: definition, token: org.token })).status).toBe(201);
    const action = byOperation("initiateWorkflow");
    const input = { ...action.example, workflow_id: randomUUID(), process_name: "contract-check", context_json: "{\"amount\": 99}" };
    const run = await runAction(action, input);
    expect(run.status).toBe(201);
    expect(run.output).toMatchObject({ workflow_id: input.workflow_id, status: "PENDING", version: 2 });
  });

  it("Get Workflow Status: before any task the task outputs are empty defaults, never null", async () => {
    const workflowId = randomUUID();
    await runAction(byOperation("initiateWorkflow"), { ...byOperation("initiateWorkflow").example, workflow_id: workflowId });
    const run = await runAction(byOperation("getWorkflow"), { workflow_id: workflowId });
    expect(run.apiBody).not.toHaveProperty("task_status");
    expect(run.output).toMatchObject({ workflow_id: workflowId, status: "INITIATED", task_id: "", task_status: "", task_result_success: false, task_late_result: false });
    expect(Object.values(run.output)).not.toContain(null);
  });

  it("Dispatch Task: sends the payload's separate fields escaped (quotes, newlines), is accepted (202), then Get Workflow Status shows the task", async () => {
    const workflowId = randomUUID();
    await runAction(byOperation("initiateWorkflow"), { ...byOperation("initiateWorkflow").example, workflow_id: workflowId });
    const action = byOperation("dispatchTask");
    const run = await runAction(action, { ...action.example, workflow_id: workflowId });
    expect(run.status).toBe(202);
    const { customer_ani, reference, note } = action.example;
    expect(run.sent).toEqual({ task_type: action.example.task_type, payload: { customer_ani, reference, note } });
    expect(run.output).toMatchObject({ workflow_id: workflowId, status: "ACCEPTED", task_status: "QUEUED", version: 2 });
    expect(run.output.callback_url).toContain(`/api/v1/webhooks/flow/callback/${workflowId}`);

    const status = await runAction(byOperation("getWorkflow"), { workflow_id: workflowId });
    expect(status.output).toMatchObject({ status: "PENDING", task_id: run.output.task_id, task_type: "FRAUD_VERIFICATION", task_status: "QUEUED" });
  });

  it("Dispatch Task: fields a flow leaves out are empty strings, still valid JSON", async () => {
    const workflowId = randomUUID();
    await runAction(byOperation("initiateWorkflow"), { ...byOperation("initiateWorkflow").example, workflow_id: workflowId });
    const run = await runAction(byOperation("dispatchTask"), { workflow_id: workflowId, task_type: "FRAUD_VERIFICATION" });
    expect(run.status).toBe(202);
    expect(run.sent).toEqual({ task_type: "FRAUD_VERIFICATION", payload: { customer_ani: "", reference: "", note: "" } });
  });

  it("Cancel Workflow: escapes the reason (quotes, newlines) and outputs the cancelled workflow", async () => {
    const workflowId = randomUUID();
    await runAction(byOperation("initiateWorkflow"), { ...byOperation("initiateWorkflow").example, workflow_id: workflowId });
    const action = byOperation("cancelWorkflow");
    const run = await runAction(action, { ...action.example, workflow_id: workflowId });
    expect(run.sent).toEqual({ reason: action.example.reason });
    expect(run.output).toEqual({ workflow_id: workflowId, status: "CANCELLED", version: 2 });
  });
});

describe("Get Workflow Status and Cancel Workflow on real API answers in every state", () => {
  const cronAuth = { authorization: `Bearer ${process.env.CRON_SECRET}` };
  let restoreClock: (() => void) | null = null;

  async function newWorkflow(): Promise<string> {
    const workflowId = randomUUID();
    await runAction(byOperation("initiateWorkflow"), { ...byOperation("initiateWorkflow").example, workflow_id: workflowId });
    return workflowId;
  }

  async function newTask(workflowId: string, timeoutSeconds?: number): Promise<{ callbackUrl: string; taskId: string }> {
    // Registered only (dispatch: false), as a flow that calls the orchestrator itself would.
    const body = { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, ...(timeoutSeconds ? { timeout: timeoutSeconds } : {}) };
    const res = await call(dispatch, `/api/v1/workflows/${workflowId}/tasks`, { params: { id: workflowId }, body, token: org.token });
    expect(res.status, await res.clone().text()).toBe(202);
    const accepted = (await res.json()) as { callback_url: string; task_id: string };
    return { callbackUrl: accepted.callback_url, taskId: accepted.task_id };
  }

  async function report(callbackUrl: string, body: Record<string, unknown>): Promise<void> {
    const url = new URL(callbackUrl);
    const raw = JSON.stringify(body);
    const res = await call(callback, url.pathname + url.search, { params: { id: url.pathname.split("/").pop()! }, rawBody: raw, headers: signed(org.signingSecret, raw) });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  async function timeOut(): Promise<void> {
    const later = new Date(clock.now().getTime() + 10 * 60_000);
    restoreClock?.();
    restoreClock = clock.set(() => later);
    const res = await call(cronTimeouts, "/api/cron/timeouts", { headers: cronAuth });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  const status = (workflowId: string) => runAction(byOperation("getWorkflow"), { workflow_id: workflowId });

  const states: Array<{ name: string; arrange: () => Promise<string>; expected: Record<string, unknown> }> = [
    {
      name: "without a task",
      arrange: newWorkflow,
      expected: { status: "INITIATED", task_id: "", task_status: "", task_result_success: false, task_failure_reason: "", task_result_json: "", callback_url: "", deadline_at: "" },
    },
    {
      name: "with a running task",
      arrange: async () => {
        const id = await newWorkflow();
        await newTask(id);
        return id;
      },
      expected: { status: "PENDING", task_status: "ACCEPTED", task_result_success: false, task_result_status: "", task_failure_reason: "", task_result_json: "" },
    },
    {
      name: "succeeded",
      arrange: async () => {
        const id = await newWorkflow();
        await report((await newTask(id)).callbackUrl, { result: "SUCCESS", result_data: { score: 712 } });
        return id;
      },
      expected: { status: "COMPLETED", task_status: "SUCCEEDED", task_result_success: true, task_failure_reason: "", task_result_json: JSON.stringify({ score: 712 }), task_late_result: false },
    },
    {
      name: "failed",
      arrange: async () => {
        const id = await newWorkflow();
        await report((await newTask(id)).callbackUrl, { result: "FAILURE", reason: "card blocked" });
        return id;
      },
      expected: { status: "FAILED", task_status: "FAILED", task_result_success: false, task_result_json: "", task_late_result: false },
    },
    {
      name: "timed out",
      arrange: async () => {
        const id = await newWorkflow();
        await newTask(id, 60);
        await timeOut();
        return id;
      },
      // The timeout job escalates at once (no Genesys credentials here: a notice), so the workflow may be past TIMED_OUT.
      expected: { task_status: "TIMED_OUT", task_result_success: false, task_result_status: "", task_result_json: "", task_late_result: false },
    },
    {
      name: "with a late result",
      arrange: async () => {
        const id = await newWorkflow();
        const { callbackUrl } = await newTask(id, 60);
        await timeOut();
        await report(callbackUrl, { result: "SUCCESS", result_data: { late: true } });
        return id;
      },
      expected: { task_status: "TIMED_OUT", task_late_result: true, task_result_success: true, task_result_json: JSON.stringify({ late: true }) },
    },
    {
      name: "cancelled",
      arrange: async () => {
        const id = await newWorkflow();
        await newTask(id);
        // Cancel Workflow's own answer went through the same checks in runAction (no nulls, its successSchema).
        const cancelled = await runAction(byOperation("cancelWorkflow"), { workflow_id: id, reason: "caller hung up" });
        expect(cancelled.output).toEqual({ workflow_id: id, status: "CANCELLED", version: 3 });
        return id;
      },
      expected: { status: "CANCELLED", task_result_success: false, task_result_json: "" },
    },
  ];

  for (const state of states) {
    it(`a workflow ${state.name}: every output typed, none null, defaults where the API left a field out`, async () => {
      try {
        const workflowId = await state.arrange();
        const run = await status(workflowId);
        expect(run.output).toMatchObject({ workflow_id: workflowId, ...state.expected });
        // Every output of the contract is there (runAction validated it against successSchema).
        const file = await committed<ActionFile>(byOperation("getWorkflow").file);
        expect(Object.keys(run.output).sort()).toEqual(Object.keys(file.contract.output.successSchema.properties as Record<string, unknown>).sort());
      } finally {
        restoreClock?.();
        restoreClock = null;
      }
    });
  }

  it("a present JSON null would not take the default: Genesys passes it through and the contract refuses it", async () => {
    const file = await committed<ActionFile>(byOperation("getWorkflow").file);
    const workflowId = await newWorkflow();
    const body = JSON.parse(await (await call(getWorkflow, `/api/v1/workflows/${workflowId}`, { params: { id: workflowId }, token: org.token })).text()) as Record<string, unknown>;
    const withNull = { ...body, task_status: null };
    const output = translateResponse(file.config.response, JSON.stringify(withNull)) as Record<string, unknown>;
    expect(output.task_status).toBeNull();
    const validate = ajv.compile(file.contract.output.successSchema);
    expect(validate(output)).toBe(false);
  });
});
