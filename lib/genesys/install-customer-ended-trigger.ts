// Install step "customer-ended": a Process Automation trigger on Genesys's
// customer.end event whose target is the "Longrun Customer Ended" Architect
// workflow (genesys/flows/longrun-customer-ended.yaml), which calls Longrun's
// data action POST /api/v1/conversations/{conversationId}/ended. Longrun then
// knows the customer left without reading the conversation at a timeout.
//
// Sources:
// - ProcessAutomationApi (platform-client-sdk-javascript build/docs/ProcessAutomationApi.md):
//   POST /api/v2/processautomation/triggers (postProcessautomationTriggers;
//   permission processautomation:trigger:add), GET …/triggers (getProcessautomationTriggers,
//   opts topicName, pageSize ≤ 200, cursor `after`; processautomation:trigger:view),
//   PUT …/triggers/{triggerId} (putProcessautomationTrigger, with the trigger's
//   current `version`; processautomation:trigger:edit), DELETE …/triggers/{triggerId}.
// - CreateTriggerRequest (platform-client-sdk-java build/docs/CreateTriggerRequest.md):
//   target, enabled, name, topicName required; eventTTLSeconds ≥ 10 if set;
//   TriggerTarget.type "Workflow"; WorkflowTargetSettings.dataFormat "Json" | "TopLevelPrimitives".
// - The pattern: GenesysCloudBlueprints/automatic-offer-callback-for-disconnected-call,
//   terraform/modules/trigger/trigger.tf (topic v2.detail.events.conversation.{id}.customer.end,
//   target type Workflow, data_format TopLevelPrimitives) and its workflow, whose
//   inputs are the event's top-level fields (Flow.conversationId, Flow.ani).
// - ArchitectApi.getFlows (GET /api/v2/flows, type=workflow, name; architect:flow:view).
import platformClient from "purecloud-platform-client-v2";
import { adminCall, findFlowNamed, InstallApiError, newSdkClient, type ArchitectFlow, type Entity } from "@/lib/genesys/install-platform";

export const customerEndedTopic = "v2.detail.events.conversation.{id}.customer.end";
export const customerEndedNames = { workflow: "Longrun Customer Ended", trigger: "Longrun Customer Ended" } as const;
export const customerEndedFlowFile = "genesys/flows/longrun-customer-ended.yaml";

/** What the installing admin needs for this step, on top of the other steps'. */
export const customerEndedInstallPermissions = ["architect:flow:view", "processautomation:trigger:view", "processautomation:trigger:add", "processautomation:trigger:edit"] as const;

export interface TriggerBody {
  name: string;
  topicName: string;
  enabled: boolean;
  target: { type: "Workflow"; id: string; workflowTargetSettings: { dataFormat: "TopLevelPrimitives" } };
  description: string;
}

export interface Trigger extends Entity {
  topicName?: string;
  enabled?: boolean;
  version?: number;
  target?: { type?: string; id?: string; workflowTargetSettings?: { dataFormat?: string } };
}

export function customerEndedTrigger(workflowId: string): TriggerBody {
  return {
    name: customerEndedNames.trigger,
    topicName: customerEndedTopic,
    enabled: true,
    target: { type: "Workflow", id: workflowId, workflowTargetSettings: { dataFormat: "TopLevelPrimitives" } },
    description: "Installed by Longrun: tells Longrun that the customer left, so that escalations take the session-ended path.",
  };
}

interface Listing<T> {
  entities?: T[];
  nextUri?: string | null;
  pageCount?: number;
}

export interface ProcessAutomationPlatform {
  findWorkflow(name: string): Promise<ArchitectFlow | null>;
  findTrigger(name: string, topicName: string): Promise<Trigger | null>;
  createTrigger(body: TriggerBody): Promise<Trigger>;
  updateTrigger(id: string, body: TriggerBody & { version: number }): Promise<Trigger>;
  deleteTrigger(id: string): Promise<void>;
}

/** With the signed-in admin's own token, like the rest of the wizard. */
export function processAutomationPlatform(region: string, accessToken: string): ProcessAutomationPlatform {
  const client = newSdkClient(region, accessToken);
  const architect = new platformClient.ArchitectApi(client);
  const automation = new platformClient.ProcessAutomationApi(client);
  return {
    findWorkflow: (name) => findFlowNamed(architect, "workflow", name),
    async findTrigger(name, topicName) {
      let after: string | undefined;
      for (let page = 0; page < 50; page++) {
        const listing = await adminCall<Listing<Trigger>>("list triggers", () => automation.getProcessautomationTriggers({ topicName, pageSize: "200", ...(after ? { after } : {}) }));
        const hit = (listing.entities ?? []).find((t) => t.name === name);
        if (hit) return hit;
        const next = listing.nextUri ? new URL(listing.nextUri, "https://x").searchParams.get("after") : null;
        if (!next) return null;
        after = next;
      }
      return null;
    },
    createTrigger: (body) => adminCall("create trigger", () => automation.postProcessautomationTriggers(body as never)),
    updateTrigger: (id, body) => adminCall("update trigger", () => automation.putProcessautomationTrigger(id, body as never)),
    deleteTrigger: (id) => adminCall("delete trigger", () => automation.deleteProcessautomationTrigger(id)),
  };
}

export interface CustomerEndedOutcome {
  status: "created" | "found" | "updated";
  summary: string;
  details: Record<string, string>;
}

export async function installCustomerEndedTrigger(platform: ProcessAutomationPlatform): Promise<CustomerEndedOutcome> {
  const workflow = await platform.findWorkflow(customerEndedNames.workflow);
  if (!workflow || !workflow.publishedVersion) {
    throw new InstallApiError(
      "find workflow",
      null,
      `the Architect workflow "${customerEndedNames.workflow}" is not published yet: run the "flows" step (or publish ${customerEndedFlowFile} with archy publish --file longrun-customer-ended.yaml, after the data actions step), then retry this step. Until then Longrun reads the conversation from Genesys when a task times out.`,
    );
  }
  const body = customerEndedTrigger(workflow.id);
  const existing = await platform.findTrigger(customerEndedNames.trigger, customerEndedTopic);
  const details = { workflowId: workflow.id, topic: customerEndedTopic };
  if (!existing) {
    const created = await platform.createTrigger(body);
    return { status: "created", summary: `created trigger "${body.name}" on ${customerEndedTopic} → workflow "${customerEndedNames.workflow}"`, details: { ...details, triggerId: created.id } };
  }
  const same = existing.enabled === true && existing.target?.type === "Workflow" && existing.target.id === workflow.id && existing.target.workflowTargetSettings?.dataFormat === "TopLevelPrimitives";
  if (same) return { status: "found", summary: `trigger "${body.name}" already starts workflow "${customerEndedNames.workflow}"`, details: { ...details, triggerId: existing.id } };
  // The topic cannot change after creation (CreateTriggerRequest.topicName); the rest is put back with the current version.
  await platform.updateTrigger(existing.id, { ...body, version: existing.version ?? 1 });
  return { status: "updated", summary: `trigger "${body.name}" pointed elsewhere or was disabled; it now starts workflow "${customerEndedNames.workflow}"`, details: { ...details, triggerId: existing.id } };
}
