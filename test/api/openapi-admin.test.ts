// The admin operations in the OpenAPI document are the admin routes' own
// validators, and real admin answers — produced by the route handlers with a
// signed admin session against the test database — validate against the
// document's strict response shapes: a field added, renamed or retyped in a
// route fails here until the document says so.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as installState } from "@/app/api/admin/install/route";
import { GET as getSettings, PUT as putSettings } from "@/app/api/admin/settings/route";
import { POST as rotateSecret } from "@/app/api/admin/signing-secrets/route";
import { DELETE as revokeSecret } from "@/app/api/admin/signing-secrets/[id]/route";
import { GET as audit } from "@/app/api/admin/audit/route";
import { GET as searchWorkflows } from "@/app/api/admin/workflows/route";
import { GET as workflowDetail } from "@/app/api/admin/workflows/[id]/route";
import { GET as deadLetters } from "@/app/api/admin/dead-letters/route";
import { POST as redrive } from "@/app/api/admin/dead-letters/[id]/retry/route";
import { GET as notices } from "@/app/api/admin/notices/route";
import { GET as sla } from "@/app/api/admin/sla/route";
import { POST as uninstall } from "@/app/api/admin/uninstall/route";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { adminApiOperations } from "@/lib/admin/admin-openapi";
import { adminSettingsBodySchema } from "@/lib/admin/admin-settings";
import { slaQuerySchema } from "@/lib/admin/sla-report";
import { workflowSearchSchema } from "@/lib/admin/workflow-search";
import { openApiDocument, type JsonSchema } from "@/lib/api/openapi";
import { adminAuditQuerySchema, adminDeadLettersQuerySchema, adminUninstallBodySchema } from "@/lib/api/schemas";
import { db } from "@/lib/db/client";
import { installSteps } from "@/lib/genesys/install-steps";
import { catalogues } from "@/lib/i18n/messages";
import { noticesQuerySchema } from "@/lib/notices/customer-notices";
import { adminCookie } from "@/test/support/admin-session";
import { base, call, newOrg, workflowBody, type TestOrg } from "@/test/support/api";
import { newSchemaValidator } from "@/test/support/json-schema";

const document = openApiDocument();
const ajv = newSchemaValidator({ allowUnionTypes: true });
let org: TestOrg;
let cookie: string;
let workflowId: string;
let deliveryId: string;

beforeAll(async () => {
  org = await newOrg();
  cookie = await adminCookie(org.orgId);
  const body = workflowBody();
  await call(initiate, "/api/v1/workflows", { body, token: org.token });
  await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD", dispatch: false }, token: org.token });
  workflowId = body.workflow_id;
  const delivery = await (await db()).delivery.create({ data: { id: randomUUID(), orgId: org.orgId, workflowId, kind: "DISPATCH_TASK", payload: {}, status: "DEAD", attempts: 8, lastError: "HTTP 503" } });
  deliveryId = delivery.id;
});

function responseSchema(path: string, method: string, status: number): JsonSchema {
  const op = (document.paths[path] as Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>)[method];
  const schema = op?.responses[String(status)]?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`${method.toUpperCase()} ${path} documents no JSON body for ${status}`);
  const text = JSON.stringify({ ...schema, $defs: document.components.schemas }).replaceAll("#/components/schemas/", "#/$defs/");
  return JSON.parse(text) as JsonSchema;
}

async function documented(response: Response, path: string, method: string): Promise<unknown> {
  const text = await response.text();
  const body = JSON.parse(text) as unknown;
  const validate = ajv.compile(responseSchema(path, method, response.status));
  expect(validate(body), `${method.toUpperCase()} ${path} → ${response.status}: ${JSON.stringify(validate.errors?.slice(0, 3))}\n${text.slice(0, 400)}`).toBe(true);
  return body;
}

const as = (extra: Record<string, string> = {}) => ({ headers: { cookie, origin: base, ...extra } });

describe("admin operations in the OpenAPI document", () => {
  it("are described by the validators the admin routes run", () => {
    expect(adminApiOperations["/api/admin/settings"]!.put!.body!.schema).toBe(adminSettingsBodySchema);
    expect(adminApiOperations["/api/admin/uninstall"]!.post!.body!.schema).toBe(adminUninstallBodySchema);
    expect(adminApiOperations["/api/admin/workflows"]!.get!.query).toBe(workflowSearchSchema);
    expect(adminApiOperations["/api/admin/sla"]!.get!.query).toBe(slaQuerySchema);
    expect(adminApiOperations["/api/admin/audit"]!.get!.query).toBe(adminAuditQuerySchema);
    expect(adminApiOperations["/api/admin/dead-letters"]!.get!.query).toBe(adminDeadLettersQuerySchema);
    expect(adminApiOperations["/api/admin/notices"]!.get!.query).toBe(noticesQuerySchema);
  });

  it("the install state names each step by its id, in order, and leaves titles to the catalogues (every step titled in all six)", async () => {
    const res = await call(installState, "/api/admin/install", as());
    expect(res.status).toBe(200);
    const state = (await documented(res, "/api/admin/install", "get")) as { steps: Array<Record<string, unknown>> };
    expect(state.steps.map((s) => s.step)).toEqual([...installSteps]);
    for (const step of state.steps) expect(Object.keys(step).sort()).toEqual(["result", "step"]);
    for (const [locale, catalogue] of Object.entries(catalogues)) {
      for (const step of installSteps) expect(catalogue.wizard.steps[step], `${locale} wizard.steps.${step}`).toMatch(/\S/);
    }
  });

  it("match what the admin routes really answer", async () => {
    await documented(await call(installState, "/api/admin/install", as()), "/api/admin/install", "get");
    const settings = (await documented(await call(getSettings, "/api/admin/settings", as()), "/api/admin/settings", "get")) as Record<string, unknown>;
    const put = await call(putSettings, "/api/admin/settings", { method: "PUT", body: { orchestratorUrl: "https://orchestrator.example/tasks", settings: settings.settings, sourceCidrs: ["203.0.113.0/24"] }, ...as() });
    expect(put.status).toBe(200);
    await documented(put, "/api/admin/settings", "put");
    const rotated = await call(rotateSecret, "/api/admin/signing-secrets", { method: "POST", ...as() });
    expect(rotated.status).toBe(201);
    const { id: secretId } = (await documented(rotated, "/api/admin/signing-secrets", "post")) as { id: string };
    const revoked = await call(revokeSecret, `/api/admin/signing-secrets/${secretId}`, { method: "DELETE", params: { id: secretId }, ...as() });
    await documented(revoked, "/api/admin/signing-secrets/{id}", "delete");
    await documented(await call(audit, "/api/admin/audit", as()), "/api/admin/audit", "get");
    const search = (await documented(await call(searchWorkflows, "/api/admin/workflows?limit=5", as()), "/api/admin/workflows", "get")) as { workflows: unknown[] };
    expect(search.workflows.length).toBeGreaterThan(0);
    await documented(await call(workflowDetail, `/api/admin/workflows/${workflowId}`, { params: { id: workflowId }, ...as() }), "/api/admin/workflows/{id}", "get");
    const letters = (await documented(await call(deadLetters, "/api/admin/dead-letters", as()), "/api/admin/dead-letters", "get")) as { dead_letters: unknown[] };
    expect(letters.dead_letters.length).toBe(1);
    const redriven = await call(redrive, `/api/admin/dead-letters/${deliveryId}/retry`, { method: "POST", params: { id: deliveryId }, ...as() });
    expect(redriven.status).toBe(200);
    await documented(redriven, "/api/admin/dead-letters/{id}/retry", "post");
    await documented(await call(notices, "/api/admin/notices", as()), "/api/admin/notices", "get");
    await documented(await call(sla, "/api/admin/sla", as()), "/api/admin/sla", "get");
    // Refusals are documented with the error body.
    const wrongName = await call(uninstall, "/api/admin/uninstall", { method: "POST", body: { confirm: "not the name" }, ...as() });
    expect(wrongName.status).toBe(400);
    await documented(wrongName, "/api/admin/uninstall", "post");
    const badCursor = await call(audit, "/api/admin/audit?before=yesterday", as());
    expect(badCursor.status).toBe(400);
    await documented(badCursor, "/api/admin/audit", "get");
  });
});
