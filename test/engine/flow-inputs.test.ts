// The flow launch Longrun sends (POST /api/v2/flows/executions, inputData) must name input
// variables the timeout-handler flow declares, with the same name and type (GENESYS.md §0
// "Flow launch inputs"): the real escalation runs against msw, and its inputData is checked
// against genesys/flows/long-running-timeout-handler.yaml.
import { readFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { POST as initiate } from "@/app/api/v1/workflows/route";
import { POST as dispatch } from "@/app/api/v1/workflows/[id]/tasks/route";
import { clock } from "@/lib/clock";
import { configureOrg } from "@/lib/orgs/org-configuration";
import type { OrgSettings } from "@/lib/orgs/org-settings";
import { sweepTimeouts } from "@/lib/timeouts/sweep-timeouts";
import { call, newOrg, workflowBody } from "@/test/support/api";
import { connectedConversation, startGenesysFake, type GenesysFake } from "@/test/support/genesys-msw";

let genesys: GenesysFake;
beforeAll(() => {
  genesys = startGenesysFake();
});
afterAll(() => genesys.close());

const archyType: Record<string, string> = { stringVariable: "string", integerVariable: "integer", booleanVariable: "boolean", decimalVariable: "number" };

async function flowInputs(): Promise<Record<string, string>> {
  const file = path.join(import.meta.dirname, "../../genesys/flows/long-running-timeout-handler.yaml");
  const root = (yaml.load(await readFile(file, "utf8")) as { workflow: { variables: Array<Record<string, { name: string; isInput?: boolean }>> } }).workflow;
  const inputs: Record<string, string> = {};
  for (const entry of root.variables) {
    const [kind, variable] = Object.entries(entry)[0]!;
    if (variable.isInput === true) inputs[variable.name] = archyType[kind] ?? kind;
  }
  return inputs;
}

it("every inputData key of the timeout-handler launch is an input variable of the flow, of the same type", async () => {
  const settings: Partial<OrgSettings> = { taskTimeoutSeconds: 300, flowSessionLimitSeconds: 1200, timeoutHandlerFlowId: "6f1a0c1e-7a43-4f53-9d1c-2a0b8e1f0c11", specialistQueueName: "Fraud Specialists", taskTypes: {} };
  const org = await newOrg({ orchestratorUrl: "http://127.0.0.1:9/unused" });
  await configureOrg(org.orgId, { genesysClientId: "gc-flow-inputs", genesysClientSecret: "secret", settings: settings as OrgSettings }, "test");
  let now = new Date("2026-11-27T12:00:00.000Z");
  const restore = clock.set(() => now);
  try {
    const body = workflowBody({ timestamp: now.toISOString() });
    expect((await call(initiate, "/api/v1/workflows", { body, token: org.token })).status).toBe(201);
    const res = await call(dispatch, "/x", { params: { id: body.workflow_id }, body: { task_type: "FRAUD_VERIFICATION", payload: {}, dispatch: false, timeout: 60 }, token: org.token });
    expect(res.status).toBe(202);
    genesys.setConversation(body.conversation_id, connectedConversation(body.conversation_id));
    now = new Date(now.getTime() + 61_000);
    await sweepTimeouts();
  } finally {
    restore();
  }
  const launch = genesys.requests.find((r) => r.path === "/api/v2/flows/executions");
  expect(launch, "the escalation launched the flow").toBeDefined();
  const inputData = (launch!.body as { inputData: Record<string, unknown> }).inputData;
  const declared = await flowInputs();
  expect(Object.keys(inputData).length).toBeGreaterThanOrEqual(5);
  for (const [key, value] of Object.entries(inputData)) {
    expect(declared[key], `${key} is not an input variable of the flow`).toBeDefined();
    expect(declared[key], `${key}: Longrun sends ${typeof value}`).toBe(typeof value);
  }
});
