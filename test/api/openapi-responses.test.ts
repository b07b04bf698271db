// Real responses of the main flows, produced by the route handlers against the
// test database, validate against the OpenAPI document's schema for their
// operation and status — success and error bodies alike. The requests this
// file sends validate against the documented request bodies too.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as openApi } from "@/app/api/openapi.json/route";
import { POST as token } from "@/app/api/oauth/token/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as initiateAlias } from "@/app/api/v1/workflows/initiate/route";
import { GET as getWorkflow } from "@/app/api/v1/workflows/[id]/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { POST as cancel } from "@/app/api/v1/workflows/[id]/cancel/route";
import { GET as events } from "@/app/api/v1/workflows/[id]/events/route";
import { POST as heartbeat } from "@/app/api/v1/workflows/[id]/tasks/[taskId]/heartbeat/route";
import { POST as callback } from "@/app/api/v1/webhooks/flow/callback/[id]/route";
import { GET as cronTimeouts } from "@/app/api/cron/timeouts/route";
import { GET as cronDeadLetters } from "@/app/api/cron/dead-letters/route";
import { GET as cronSlaRollup } from "@/app/api/cron/sla-rollup/route";
import { GET as deadLetters } from "@/app/api/v1/dead-letters/route";
import { POST as retryDeadLetter } from "@/app/api/v1/dead-letters/[id]/retry/route";
import { GET as listProcesses } from "@/app/api/v1/processes/route";
import { GET as getProcess, PUT as putProcess } from "@/app/api/v1/processes/[name]/route";
import { openApiDocument, type HttpMethod, type JsonSchema } from "@/lib/api/openapi";
import { call, newOrg, signed, workflowBody, type TestOrg } from "@/test/support/api";
import { newSchemaValidator, type ValidateFunction } from "@/test/support/json-schema";

const document = openApiDocument();
const ajv = newSchemaValidator();
const compiled = new Map<string, ValidateFunction>();

function standalone(schema: JsonSchema): JsonSchema {
  const text = JSON.stringify({ ...schema, $defs: document.components.schemas }).replaceAll("#/components/schemas/", "#/$defs/");
  return JSON.parse(text) as JsonSchema;
}

function validatorFor(key: string, schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(standalone(schema));
    compiled.set(key, validate);
  }
  return validate;
}

type Operation = { operationId: string; requestBody?: { content: Record<string, { schema: JsonSchema }> }; responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> };

function operation(path: string, method: HttpMethod): Operation {
  const op = document.paths[path]?.[method] as Operation | undefined;
  if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  return op;
}

const seen = new Set<string>();

/** Validates a real response against the document and returns its JSON body. */
async function documented(res: Response, path: string, method: HttpMethod): Promise<Record<string, unknown>> {
  const op = operation(path, method);
  const response = op.responses[String(res.status)];
  const text = await res.text();
  expect(response, `${method.toUpperCase()} ${path} answered ${res.status}, which the document does not list: ${text}`).toBeDefined();
  expect(res.headers.get("x-request-id"), "every response carries x-request-id").toBeTruthy();
  const schema = response!.content?.["application/json"]?.schema;
  expect(schema, `${op.operationId} ${res.status} documents no JSON body`).toBeDefined();
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = JSON.parse(text) as Record<string, unknown>;
  const validate = validatorFor(`${op.operationId} ${res.status}`, schema!);
  expect(validate(body), `${op.operationId} ${res.status}: ${ajv.errorsText(validate.errors)} in ${text}`).toBe(true);
  seen.add(`${op.operationId} ${res.status}`);
  return body;
}

/** A request body this test sends must itself match the documented request body. */
function sends<T>(path: string, method: HttpMethod, body: T, contentType = "application/json"): T {
  const op = operation(path, method);
  const schema = op.requestBody?.content[contentType]?.schema;
  expect(schema, `${op.operationId} documents no ${contentType} body`).toBeDefined();
  const validate = validatorFor(`${op.operationId} request ${contentType}`, schema!);
  expect(validate(body), `${op.operationId} request: ${ajv.errorsText(validate.errors)}`).toBe(true);
  return body;
}

let org: TestOrg;
let reader: TestOrg;

beforeAll(async () => {
  org = await newOrg({ orchestratorUrl: "https://orchestrator.example.com/tasks" });
  reader = await newOrg({ scope: "workflows:read" });
});

const W = "/api/v1/workflows";
const one = `${W}/{id}`;

async function started(): Promise<string> {
  const body = sends(W, "post", workflowBody());
  await documented(await call(initiate, W, { body, token: org.token }), W, "post");
  return body.workflow_id;
}

describe("responses validate against the OpenAPI document", () => {
  it("health and the document itself", async () => {
    await documented(await call(health, "/api/health"), "/api/health", "get");
    await documented(await call(openApi, "/api/openapi.json"), "/api/openapi.json", "get");
  });

  it("token: 200, and the errors 400, 401, 415", async () => {
    const path = "/api/oauth/token";
    const form = sends(path, "post", { grant_type: "client_credentials", client_id: org.clientId, client_secret: org.clientSecret }, "application/x-www-form-urlencoded");
    const ok = await documented(
      await call(token, path, { rawBody: new URLSearchParams(form).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } }),
      path,
      "post",
    );
    expect(ok.token_type).toBe("Bearer");
    await documented(await call(token, path, { body: { grant_type: "password" } }), path, "post");
    await documented(await call(token, path, { body: { grant_type: "client_credentials", client_id: org.clientId, client_secret: "nope" } }), path, "post");
    await documented(await call(token, path, { rawBody: "grant_type=client_credentials", headers: { "content-type": "text/plain" } }), path, "post");
  });

  it("initiate: 201, 200 on repeat, 409, 400, 401, 403, 413, 415 — and the alias", async () => {
    const body = sends(W, "post", workflowBody());
    expect((await documented(await call(initiate, W, { body, token: org.token }), W, "post")).status).toBe("INITIATED");
    await documented(await call(initiate, W, { body, token: org.token }), W, "post");
    await documented(await call(initiate, W, { body: { ...body, customer_id: "OTHER" }, token: org.token }), W, "post");
    await documented(await call(initiate, W, { body: { ...body, workflow_id: "nope" }, token: org.token }), W, "post");
    await documented(await call(initiate, W, { body }), W, "post");
    await documented(await call(initiate, W, { body: workflowBody(), token: reader.token }), W, "post");
    await documented(await call(initiate, W, { body: workflowBody({ context: { blob: "x".repeat(70_000) } }), token: org.token }), W, "post");
    await documented(await call(initiate, W, { rawBody: JSON.stringify(workflowBody()), headers: { "content-type": "text/plain" }, token: org.token }), W, "post");
    await documented(await call(initiateAlias, `${W}/initiate`, { body: sends(`${W}/initiate`, "post", workflowBody()), token: org.token }), `${W}/initiate`, "post");
  });

  it("status, dispatch, heartbeat, callback, events and cancel along one workflow's life", async () => {
    const id = await started();
    const before = await documented(await call(getWorkflow, `${W}/${id}`, { params: { id }, token: org.token }), one, "get");
    expect(before).not.toHaveProperty("task_status");

    const tasks = `${one}/tasks`;
    const accepted = await documented(
      await call(dispatch, `${W}/${id}/tasks`, { params: { id }, body: sends(tasks, "post", { task_type: "CREDIT_CHECK", payload: { amount: 5 } }), token: org.token }),
      tasks,
      "post",
    );
    expect(accepted.status).toBe("ACCEPTED");
    // A second task while one waits is a documented 409.
    await documented(await call(dispatch, `${W}/${id}/tasks`, { params: { id }, body: { task_type: "CREDIT_CHECK" }, token: org.token }), tasks, "post");
    await documented(await call(dispatch, `${W}/${id}/tasks`, { params: { id }, body: { task_type: "bad type!" }, token: org.token }), tasks, "post");

    const taskId = accepted.task_id as string;
    const beat = `${one}/tasks/{taskId}/heartbeat`;
    const beatPath = `${W}/${id}/tasks/${taskId}/heartbeat`;
    await documented(await call(heartbeat, beatPath, { params: { id, taskId }, rawBody: "", headers: signed(org.signingSecret, "") }), beat, "post");
    await documented(await call(heartbeat, beatPath, { params: { id, taskId }, rawBody: "", headers: signed("whsec_" + Buffer.from("x".repeat(32)).toString("base64"), "") }), beat, "post");

    const cb = "/api/v1/webhooks/flow/callback/{id}";
    const url = new URL(accepted.callback_url as string);
    const noResult = JSON.stringify(sends(cb, "post", { result_data: { score: 1 } }));
    await documented(await call(callback, url.pathname + url.search, { params: { id }, rawBody: noResult, headers: signed(org.signingSecret, noResult) }), cb, "post");
    const stale = JSON.stringify(sends(cb, "post", { result: "SUCCESS", version: 1 }));
    await documented(await call(callback, url.pathname, { params: { id }, rawBody: stale, headers: signed(org.signingSecret, stale) }), cb, "post");
    const result = JSON.stringify(sends(cb, "post", { status: "COMPLETED", result: "SUCCESS", result_data: { score: 712 } }));
    const headers = signed(org.signingSecret, result);
    const applied = await documented(await call(callback, url.pathname + url.search, { params: { id }, rawBody: result, headers }), cb, "post");
    expect(applied).toMatchObject({ status: "COMPLETED", task_status: "SUCCEEDED" });
    // The same webhook-id again: the first answer, still documented.
    expect(await documented(await call(callback, url.pathname + url.search, { params: { id }, rawBody: result, headers }), cb, "post")).toEqual(applied);
    await documented(await call(callback, url.pathname + url.search, { params: { id }, rawBody: result, headers: { ...signed(org.signingSecret, result), "webhook-signature": "v1,AAAA" } }), cb, "post");

    const after = await documented(await call(getWorkflow, `${W}/${id}`, { params: { id }, token: org.token }), one, "get");
    expect(after).toMatchObject({ status: "COMPLETED", task_result_success: true, task_result_json: JSON.stringify({ score: 712 }) });

    const log = await documented(await call(events, `${W}/${id}/events`, { params: { id }, token: org.token }), `${one}/events`, "get");
    expect((log.events as unknown[]).length).toBeGreaterThanOrEqual(3);

    // A completed workflow cannot be cancelled any more: a documented 409.
    await documented(await call(cancel, `${W}/${id}/cancel`, { params: { id }, token: org.token, method: "POST" }), `${one}/cancel`, "post");
  });

  it("cancel: 200 with or without a reason", async () => {
    const cancelPath = `${one}/cancel`;
    const id = await started();
    const cancelled = await documented(await call(cancel, `${W}/${id}/cancel`, { params: { id }, body: sends(cancelPath, "post", { reason: "caller hung up" }), token: org.token }), cancelPath, "post");
    expect(cancelled.status).toBe("CANCELLED");
    const other = await started();
    await documented(await call(cancel, `${W}/${other}/cancel`, { params: { id: other }, token: org.token, method: "POST" }), cancelPath, "post");
  });

  it("the errors of reading: 400 for a bad id, 404 for an unknown or another org's workflow, 401 without a token", async () => {
    const id = await started();
    await documented(await call(getWorkflow, `${W}/x`, { params: { id: "x" }, token: org.token }), one, "get");
    await documented(await call(getWorkflow, `${W}/${randomUUID()}`, { params: { id: randomUUID() }, token: org.token }), one, "get");
    await documented(await call(getWorkflow, `${W}/${id}`, { params: { id }, token: reader.token }), one, "get");
    await documented(await call(events, `${W}/${id}/events`, { params: { id } }), `${one}/events`, "get");
  });
});

describe("operations responses: cron jobs and dead letters", () => {
  it("cron: 200 with the run's counters, 401 without the secret", async () => {
    const cron = { authorization: `Bearer ${process.env.CRON_SECRET!}` };
    await documented(await call(cronTimeouts, "/api/cron/timeouts", { headers: cron }), "/api/cron/timeouts", "get");
    await documented(await call(cronTimeouts, "/api/cron/timeouts"), "/api/cron/timeouts", "get");
    await documented(await call(cronDeadLetters, "/api/cron/dead-letters", { headers: cron }), "/api/cron/dead-letters", "get");
    await documented(await call(cronSlaRollup, "/api/cron/sla-rollup", { headers: cron }), "/api/cron/sla-rollup", "get");
    await documented(await call(cronSlaRollup, "/api/cron/sla-rollup"), "/api/cron/sla-rollup", "get");
  });

  it("dead letters: a page, 400 for a bad query, 404 for an unknown one", async () => {
    await documented(await call(deadLetters, "/api/v1/dead-letters?limit=10", { token: org.token }), "/api/v1/dead-letters", "get");
    await documented(await call(deadLetters, "/api/v1/dead-letters?limit=0", { token: org.token }), "/api/v1/dead-letters", "get");
    const id = randomUUID();
    await documented(await call(retryDeadLetter, `/api/v1/dead-letters/${id}/retry`, { params: { id }, token: org.token, method: "POST" }), "/api/v1/dead-letters/{id}/retry", "post");
  });
});

describe("process definitions", () => {
  it("put: 201 new version, 200 unchanged, 400 with every error listed; get: 200, 404; list: 200", async () => {
    const P = "/api/v1/processes/{name}";
    const params = { name: "card-fraud" };
    const definition = sends(P, "put", JSON.parse(readFileSync("genesys/processes/card-fraud.json", "utf8")) as Record<string, unknown>);
    await documented(await call(putProcess, "/api/v1/processes/card-fraud", { method: "PUT", params, body: definition, token: org.token }), P, "put");
    await documented(await call(putProcess, "/api/v1/processes/card-fraud", { method: "PUT", params, body: definition, token: org.token }), P, "put");
    const invalid = await documented(await call(putProcess, "/api/v1/processes/card-fraud", { method: "PUT", params, body: { steps: [{ name: "a", kind: "task", task_type: "A", on_success: "b" }] }, token: org.token }), P, "put");
    expect(invalid).toMatchObject({ error: { code: "VALIDATION_FAILED", details: [{ code: "UNKNOWN_STEP" }] } });
    await documented(await call(getProcess, "/api/v1/processes/card-fraud?version=1", { params, token: org.token }), P, "get");
    await documented(await call(getProcess, "/api/v1/processes/none", { params: { name: "none" }, token: org.token }), P, "get");
    await documented(await call(listProcesses, "/api/v1/processes", { token: org.token }), "/api/v1/processes", "get");
  });
});

it("covered every operation and status the flows above are meant to produce", () => {
  const expected = [
    "getHealth 200",
    "getOpenApiDocument 200",
    "issueToken 200",
    "issueToken 400",
    "issueToken 401",
    "issueToken 415",
    "initiateWorkflow 201",
    "initiateWorkflow 200",
    "initiateWorkflow 400",
    "initiateWorkflow 401",
    "initiateWorkflow 403",
    "initiateWorkflow 409",
    "initiateWorkflow 413",
    "initiateWorkflow 415",
    "initiateWorkflowAlias 201",
    "getWorkflow 200",
    "getWorkflow 400",
    "getWorkflow 404",
    "dispatchTask 202",
    "dispatchTask 400",
    "dispatchTask 409",
    "heartbeatTask 200",
    "heartbeatTask 401",
    "postCallback 200",
    "postCallback 401",
    "postCallback 409",
    "postCallback 422",
    "listWorkflowEvents 200",
    "listWorkflowEvents 401",
    "cancelWorkflow 200",
    "cancelWorkflow 409",
    "runTimeoutJob 200",
    "runTimeoutJob 401",
    "runDeadLetterJob 200",
    "runSlaRollupJob 200",
    "runSlaRollupJob 401",
    "listDeadLetters 200",
    "listDeadLetters 400",
    "retryDeadLetter 404",
    "putProcess 201",
    "putProcess 200",
    "putProcess 400",
    "getProcess 200",
    "getProcess 404",
    "listProcesses 200",
  ];
  expect([...seen].sort()).toEqual(expect.arrayContaining(expected.sort()));
});
