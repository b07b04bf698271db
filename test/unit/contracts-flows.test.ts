// The example Architect flows in genesys/flows must fit the data actions they
// call: every Call Data Action step names a shipped action, passes exactly its
// inputs, reads only outputs it declares into variables of the right type, and
// every reference inside the flow resolves.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { dataActionFile, dataActions } from "@/lib/api/data-action-contracts";



const genesys = path.join(import.meta.dirname, "../../genesys");
type Node = Record<string, unknown>;

interface ShippedAction {
  inputs: string[];
  outputs: Record<string, string>;
}

async function shippedActions(): Promise<Record<string, Record<string, ShippedAction>>> {
  const describe = (file: Node): ShippedAction => {
    const contract = file.contract as { input: { inputSchema: Node }; output: { successSchema: Node } };
    const outputs = (contract.output.successSchema.properties ?? {}) as Record<string, { type: string }>;
    return { inputs: Object.keys(contract.input.inputSchema.properties as Node).sort(), outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.type])) };
  };
  const longrun = Object.fromEntries(dataActions.map((a) => [a.name, describe(dataActionFile(a))]));
  const genesysCloud: Record<string, ShippedAction> = {};
  const dir = path.join(genesys, "data-actions/genesys-cloud");
  for (const file of await readdir(dir)) {
    const action = JSON.parse(await readFile(path.join(dir, file), "utf8")) as Node;
    genesysCloud[action.name as string] = describe(action);
  }
  return { Longrun: longrun, "Genesys Cloud": genesysCloud };
}

async function flow(file: string): Promise<Node> {
  return yaml.load(await readFile(path.join(genesys, "flows", file), "utf8")) as Node;
}

/** Every object under `node` that has `key`, depth first. */
function findAll(node: unknown, key: string, found: Node[] = []): Node[] {
  if (Array.isArray(node)) node.forEach((n) => findAll(n, key, found));
  else if (node && typeof node === "object") {
    if (key in node) found.push((node as Node)[key] as Node);
    Object.values(node).forEach((n) => findAll(n, key, found));
  }
  return found;
}

function expressions(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => expressions(n, found));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if ((k === "exp" || k === "var") && typeof v === "string") found.push(v);
      else expressions(v, found);
    }
  }
  return found;
}

const variableType: Record<string, string> = { stringVariable: "string", booleanVariable: "boolean", integerVariable: "integer", queueVariable: "queue" };

function declaredVariables(root: Node): Record<string, { type: string; isInput: boolean; isOutput: boolean }> {
  const declared: Record<string, { type: string; isInput: boolean; isOutput: boolean }> = {};
  for (const entry of (root.variables ?? []) as Node[]) {
    const [kind, body] = Object.entries(entry)[0] as [string, Node];
    declared[body.name as string] = { type: variableType[kind] ?? kind, isInput: body.isInput === true, isOutput: body.isOutput === true };
  }
  return declared;
}

/**
 * Built-in variables the flows read, each seen in a Genesys export: Call.Ani and
 * Call.ConversationId in GenesysCloudBlueprints/switch-voice-to-web-messaging
 * terraform/modules/in-queue-call-flow/Switch to Web Messaging via SMS.yaml
 * (`ToPhoneNumber(Call.Ani).e164`, `Append(Flow.messagingURL, "?cId=", Call.ConversationId)`).
 * Every Flow.* name must be declared by the flow itself.
 */
const builtIns = new Set(["Call.Ani", "Call.ConversationId"]);

/** Expression text without its string literals ("…" with \" escapes). */
function withoutStrings(expression: string): string {
  return expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

async function checkFlow(file: string, kind: "inboundCall" | "workflow") {
  const root = (await flow(file))[kind] as Node;
  expect(root, `${file} is a ${kind} flow`).toBeDefined();
  const actions = await shippedActions();
  const declared = declaredVariables(root);

  const steps = findAll(root, "callData");
  expect(steps.length).toBeGreaterThan(0);
  const called: string[] = [];
  for (const step of steps) {
    const [category, body] = Object.entries(step.category as Node)[0] as [string, Node];
    const [name, binding] = Object.entries(body.dataAction as Node)[0] as [string, Node];
    const shipped = actions[category]?.[name];
    expect(shipped, `${file}: ${category} / ${name} is not a shipped data action`).toBeDefined();
    called.push(name);
    expect(Object.keys(binding.inputs as Node).sort(), `${file}: inputs of ${name}`).toEqual(shipped!.inputs);
    for (const [output, target] of Object.entries((binding.successOutputs ?? {}) as Record<string, { var: string }>)) {
      expect(shipped!.outputs[output], `${file}: ${name} has no output ${output}`).toBeDefined();
      expect(declared[target.var]?.type, `${file}: ${target.var} (for ${output}) must be a declared ${shipped!.outputs[output]} variable`).toBe(shipped!.outputs[output]);
    }
    expect(Object.keys(step.outputs as Node).every((o) => ["success", "failure", "timeout"].includes(o))).toBe(true);
  }

  for (const expression of expressions(root)) {
    for (const [variable] of withoutStrings(expression).matchAll(/\b[A-Za-z]+\.[A-Za-z_]\w*/g)) {
      if (variable.startsWith("Flow.")) expect(declared[variable], `${file}: ${variable} is used but not declared`).toBeDefined();
      else expect(builtIns.has(variable), `${file}: ${variable} is no built-in seen in a Genesys export`).toBe(true);
    }
  }

  const refIds = new Set([...findAll(root, "task"), ...findAll(root, "state")].map((t) => t.refId as string));
  const refs = [root.startUpRef as string, ...(findAll(root, "targetTaskRef") as unknown as string[])];
  for (const ref of refs) {
    const target = /\[([^\]]+)\]$/.exec(ref)?.[1];
    expect(target && refIds.has(target), `${file}: ${ref} points at no task or state`).toBe(true);
  }
  return { root, called, declared };
}

describe("the example Architect flows", () => {
  it("inbound call fragment: initiates a workflow, dispatches a task and polls its status through the shipped data actions", async () => {
    const { called } = await checkFlow("inbound-call-longrun.yaml", "inboundCall");
    expect(called).toEqual(expect.arrayContaining(["Longrun - Initiate Workflow", "Longrun - Dispatch Task", "Longrun - Get Workflow Status"]));
    const root = (await flow("inbound-call-longrun.yaml")).inboundCall as Node;
    const queues = findAll(root, "transferToAcd").map((t) => ((t.targetQueue as Node).lit as Node).name);
    expect(queues).toContain("Specialists");
  });

  it("Long Running Timeout Handler: a workflow with the four inputs Longrun launches it with, that resumes or transfers to the specialists", async () => {
    const { root, called, declared } = await checkFlow("long-running-timeout-handler.yaml", "workflow");
    expect(root.name).toBe("Long Running Timeout Handler");
    const inputs = Object.entries(declared).filter(([, v]) => v.isInput).map(([k, v]) => [k, v.type]);
    expect(inputs.sort()).toEqual([["Flow.conversation_id", "string"], ["Flow.specialist_queue", "string"], ["Flow.task_type", "string"], ["Flow.timeout_status", "string"], ["Flow.workflow_id", "string"]]);
    expect(called).toEqual(["Longrun - Get Workflow Status", "Longrun - Get IVR Participant", "Longrun - Find Queue", "Longrun - Transfer Call To Queue"]);
    // The outcome is the output variable (the exports leave exitReason unset): RESUMED when the result arrived after all.
    expect(Object.entries(declared).filter(([, v]) => v.isOutput).map(([k]) => k)).toEqual(["Flow.outcome"]);
    const outcomes = findAll(root, "string").filter((st) => st.variable === "Flow.outcome").map((st) => (st.value as Node).lit);
    expect(outcomes.sort()).toEqual(["CALLER_LEFT_IVR", "RESUMED", "TRANSFERRED"]);
  });

  it("Longrun Customer Ended: the customer.end trigger's workflow passes the event's conversationId and ani to the ended data action", async () => {
    const { root, called, declared } = await checkFlow("longrun-customer-ended.yaml", "workflow");
    expect(root.name).toBe("Longrun Customer Ended");
    // TopLevelPrimitives: input names are the event's own top-level fields.
    const inputs = Object.entries(declared).filter(([, v]) => v.isInput).map(([k, v]) => [k, v.type]);
    expect(inputs.sort()).toEqual([["Flow.ani", "string"], ["Flow.conversationId", "string"]]);
    expect(called).toEqual(["Longrun - Conversation Ended"]);
  });
});

/**
 * The Archy names the flows may use, each seen in one of Genesys's own public
 * exports (GenesysCloudBlueprints repositories; genesys/README.md "Architect
 * names in the flows" lists the files):
 * - callData (inputs, successOutputs, failureOutputs.errorCode), decision, updateData
 *   `string` statements, endWorkflow with exitReason noValue, isInput/isOutput variables —
 *   automatic-offer-callback-for-disconnected-call terraform/modules/flow/Send SMS to Schedule Callback.yaml;
 * - updateData `boolean` statements, a decision on a boolean variable, `==` against a string,
 *   `or`, If(), GetCurrentDateTimeUtc(), ToString() — design-architect-flow-data-actions-for-resiliency
 *   blueprint/src/CacheExampleFlow.yaml (an inbound call flow);
 * - ToDisplayString() of a string variable — automatic-offer-callback-for-disconnected-call
 *   terraform/modules/flow/SMS Schedule Callback.yaml; IsSet() — process-participant-attributes-event-triggers-blueprint
 *   blueprint/src/terraform/architect-flows/EventOrchestrator_Workflow.yaml;
 * - loop (currentIndex, loopCount, outputs.loop) — callback-prioritization terraform/Callback-Prioritization-Workflow.yaml;
 * - playAudio with tts, transferToAcd (targetQueue lit name, preTransferAudio, failureTransferAudio tts),
 *   disconnect, initialGreeting, settingsErrorHandling — process-participant-attributes-event-triggers-blueprint
 *   blueprint/src/terraform/architect-flows/EventOrchestrator_Flow.yaml;
 * - setParticipantData attributes[].attribute {name, value} — the same blueprint's EventOrchestrator_Secure_Flow.yaml.
 * A name in none of them (jumpToTask, loopNext, `and`, Flow.StartDateTimeUtc) must not be relied on.
 */
const seenActions = new Set(["callData", "decision", "updateData", "endWorkflow", "transferToAcd", "disconnect", "loop", "playAudio", "setParticipantData"]);
const seenFunctions = new Set(["ToDisplayString", "If", "IsSet", "GetCurrentDateTimeUtc", "ToString"]);
const seenWordOperators = new Set(["or"]);

function actionNames(node: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => actionNames(n, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "actions" && Array.isArray(value)) for (const action of value) for (const name of Object.keys(action as Node)) found.add(name);
      actionNames(value, found);
    }
  }
  return found;
}

const flowFiles = [["inbound-call-longrun.yaml", "inboundCall"], ["long-running-timeout-handler.yaml", "workflow"], ["longrun-customer-ended.yaml", "workflow"]] as const;

describe("the flows use only names from Genesys's public Archy examples", () => {
  it("covers every shipped flow", async () => {
    expect((await readdir(path.join(genesys, "flows"))).sort()).toEqual(flowFiles.map(([file]) => file).sort());
  });

  for (const [file, kind] of flowFiles) {
    it(`${file}: actions, expression functions and operators`, async () => {
      const root = (await flow(file))[kind] as Node;
      expect([...actionNames(root)].filter((a) => !seenActions.has(a))).toEqual([]);
      const code = expressions(root).map(withoutStrings);
      const functions = code.flatMap((e) => [...e.matchAll(/\b([A-Za-z]+)\(/g)].map((m) => m[1]!));
      expect(functions.filter((f) => !seenFunctions.has(f))).toEqual([]);
      const words = code.flatMap((e) => [...e.matchAll(/\b(and|or|not|AND|OR|NOT|And|Or|Not)\b/g)].map((m) => m[1]!));
      expect(words.filter((w) => !seenWordOperators.has(w))).toEqual([]);
      // No JSON text assembled in the flow: the dispatch payload goes as separate fields.
      expect(expressions(root).filter((e) => e.includes("{"))).toEqual([]);
    });
  }

  it("the inbound flow sends no timestamp: Longrun's clock stamps the workflow", async () => {
    const root = (await flow("inbound-call-longrun.yaml")).inboundCall as Node;
    const initiate = findAll(root, "Longrun - Initiate Workflow").find((b) => "inputs" in b)!;
    expect(Object.keys(initiate.inputs as Node)).not.toContain("timestamp");
  });
});

describe("the workflow id travels with the conversation", () => {
  it("the inbound flow sets the participant attribute workflow_id the agent panel reads, from the workflow it starts", async () => {
    const root = (await flow("inbound-call-longrun.yaml")).inboundCall as Node;
    const set = findAll(root, "setParticipantData");
    expect(set).toHaveLength(1);
    expect(set[0]!.attributes).toEqual([{ attribute: { name: { lit: "workflow_id" }, value: { exp: "Flow.workflow_id" } } }]);
    // Set before the initiate call uses the same variable: a transfer at any point carries it.
    const order = JSON.stringify(root).indexOf("setParticipantData") < JSON.stringify(root).indexOf("Longrun - Initiate Workflow");
    expect(order).toBe(true);
  });
});
