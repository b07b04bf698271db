// The stand-in's Architect flow listing and Process Automation triggers
// (part of createPlatformFake in genesys-stand-in.ts). It refuses what Genesys
// refuses (CreateTriggerRequest: name, topicName, enabled and target required;
// target type Workflow naming a published workflow; dataFormat Json or
// TopLevelPrimitives; eventTTLSeconds ≥ 10, delayBySeconds 60–900, not both;
// description ≤ 512; topicName fixed after creation; updates carry the current version).
import { randomUUID } from "node:crypto";

export interface StandInFlow {
  id: string;
  name: string;
  type: string;
  publishedVersion?: { id: string } | null;
}

export interface StandInTrigger {
  id: string;
  name: string;
  topicName: string;
  enabled: boolean;
  target: { type: string; id: string; workflowTargetSettings?: { dataFormat?: string } };
  version: number;
  description?: string;
  eventTTLSeconds?: number;
  delayBySeconds?: number;
}

export interface ProcessAutomationRecords {
  flows: StandInFlow[];
  triggers: StandInTrigger[];
}

interface Reply {
  status: number;
  body?: unknown;
}

const error = (status: number, code: string, message: string): Reply => ({ status, body: { status, code, message, messageWithParams: message } });
/** The conversation detail-event topics (Genesys lists them at /processautomation/triggers/topics). */
const knownTopic = /^v2\.detail\.events\.conversation\.\{id\}\.(customer|agent|acd|ivr|user|outbound|voicemail|flow|wrapup|attributes|contact)\.(start|end|update|changed)$/;

function problem(body: Record<string, unknown>, records: ProcessAutomationRecords): string | null {
  if (typeof body.name !== "string" || body.name.trim() === "") return "name is required";
  if (typeof body.topicName !== "string" || !knownTopic.test(body.topicName)) return `topicName ${JSON.stringify(body.topicName)} is not a valid topic`;
  if (typeof body.enabled !== "boolean") return "enabled is required";
  const target = body.target as { type?: unknown; id?: unknown; workflowTargetSettings?: { dataFormat?: unknown } } | undefined;
  if (!target || target.type !== "Workflow") return "target.type must be Workflow";
  const flow = records.flows.find((f) => f.id === target.id && f.type === "workflow");
  if (!flow) return `target.id ${JSON.stringify(target.id)} is not a workflow`;
  if (!flow.publishedVersion) return `workflow ${flow.name} has no published version`;
  const format = target.workflowTargetSettings?.dataFormat;
  if (format !== undefined && format !== "Json" && format !== "TopLevelPrimitives") return "workflowTargetSettings.dataFormat must be Json or TopLevelPrimitives";
  if (body.eventTTLSeconds !== undefined && (typeof body.eventTTLSeconds !== "number" || body.eventTTLSeconds < 10)) return "eventTTLSeconds must be at least 10";
  if (body.delayBySeconds !== undefined && (typeof body.delayBySeconds !== "number" || body.delayBySeconds < 60 || body.delayBySeconds > 900)) return "delayBySeconds must be 60 to 900";
  if (body.eventTTLSeconds !== undefined && body.delayBySeconds !== undefined) return "only one of eventTTLSeconds or delayBySeconds can be set";
  if (typeof body.description === "string" && body.description.length > 512) return "description is longer than 512 characters";
  return null;
}

const patterns = [
  ["GET", /^\/api\/v2\/flows$/],
  ["GET", /^\/api\/v2\/processautomation\/triggers$/],
  ["POST", /^\/api\/v2\/processautomation\/triggers$/],
  ["GET", /^\/api\/v2\/processautomation\/triggers\/([^/]+)$/],
  ["PUT", /^\/api\/v2\/processautomation\/triggers\/([^/]+)$/],
  ["DELETE", /^\/api\/v2\/processautomation\/triggers\/([^/]+)$/],
] as const;

/**
 * A published "Longrun Customer Ended" workflow is there, as if the admin had
 * published genesys/flows/longrun-customer-ended.yaml. `flows` is the org's
 * flow list when another fake keeps one (the platform fake's, which the
 * settings pickers read): one list of Architect flows per org, as in Genesys.
 */
export function createProcessAutomationFake(flows: StandInFlow[] = []) {
  flows.push({ id: randomUUID(), name: "Longrun Customer Ended", type: "workflow", publishedVersion: { id: "1.0" } });
  const records: ProcessAutomationRecords = { flows, triggers: [] };
  return {
    records,
    handles(method: string, path: string): boolean {
      return patterns.some(([m, p]) => m === method.toUpperCase() && p.test(path));
    },
    handle(method: string, path: string, query: URLSearchParams, raw: string): Reply | null {
      const m = method.toUpperCase();
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return error(400, "bad.request", "the body is not JSON");
      }
      const id = /\/triggers\/([^/]+)$/.exec(path)?.[1];
      if (m === "GET" && path === "/api/v2/flows") {
        const types = query.getAll("type");
        const name = query.get("name");
        const entities = records.flows.filter((f) => (types.length === 0 || types.includes(f.type)) && (!name || f.name.toLowerCase().includes(name.toLowerCase())));
        return { status: 200, body: { entities, pageSize: 100, pageNumber: 1, total: entities.length, pageCount: 1 } };
      }
      if (m === "GET" && path === "/api/v2/processautomation/triggers") {
        const topic = query.get("topicName");
        return { status: 200, body: { entities: records.triggers.filter((t) => !topic || topic.split(",").includes(t.topicName)) } };
      }
      if (m === "POST" && path === "/api/v2/processautomation/triggers") {
        const refused = problem(body, records);
        if (refused) return error(400, "bad.request", refused);
        const trigger = { ...(body as unknown as StandInTrigger), id: randomUUID(), version: 1 };
        records.triggers.push(trigger);
        return { status: 200, body: trigger };
      }
      if (!id) return null;
      const trigger = records.triggers.find((t) => t.id === id);
      if (!trigger) return error(404, "not.found", "trigger not found");
      if (m === "GET") return { status: 200, body: trigger };
      if (m === "DELETE") {
        records.triggers = records.triggers.filter((t) => t.id !== id);
        return { status: 204 };
      }
      if (m === "PUT") {
        if (body.version !== trigger.version) return error(409, "version.mismatch", `version ${String(body.version)} is not the current version ${trigger.version}`);
        if (body.topicName !== trigger.topicName) return error(400, "bad.request", "topicName cannot be updated after creation");
        const refused = problem(body, records);
        if (refused) return error(400, "bad.request", refused);
        Object.assign(trigger, body, { id, version: trigger.version + 1 });
        return { status: 200, body: trigger };
      }
      return null;
    },
  };
}
