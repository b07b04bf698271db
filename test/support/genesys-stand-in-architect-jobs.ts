// The stand-in's Architect jobs (part of createPlatformFake in
// genesys-stand-in.ts): POST /api/v2/flows/jobs registers a job and answers an
// upload URL with headers; a PUT of the flow YAML there starts it; GET
// /api/v2/flows/jobs/{id} reports "Started" once, then "Success" with the
// published flow or "Failure" with messages — the contract of ArchitectApi
// postFlowsJobs/getFlowsJob as MyPureCloud/terraform-provider-genesyscloud
// uses it (resource_genesyscloud_flow.go, util/files/util_files.go).
//
// It refuses what Genesys and its storage refuse: an upload to an unknown or
// used URL, without the headers the job answered (the URL's signature covers
// them), with a Genesys token besides the URL's own signature, or with an
// empty body; and a flow Archy would not publish: YAML that does not parse, a
// top-level key that is not a flow type, no name, or a data action (callData
// category → dataAction) the org does not have. The header names are the
// stand-in's own; the uploader must send back whatever the job answered.
import { randomBytes, randomUUID } from "node:crypto";
import yaml from "js-yaml";
import type { StandInFlow } from "./genesys-stand-in-triggers";

interface Reply {
  status: number;
  body?: unknown;
}

interface Job {
  id: string;
  signature: string;
  headers: Record<string, string>;
  state: "registered" | "started" | "done";
  polls: number;
  result: { status: "Success"; flow: { id: string; name: string } } | { status: "Failure"; messages: Array<{ type: string; text: string }> } | null;
}

/** The Architect flow types Archy publishes (the top-level key of a flow YAML). */
const flowTypes = ["inboundCall", "inboundChat", "inboundEmail", "inboundShortMessage", "inQueueCall", "outboundCall", "workflow", "commonModule", "bot", "digitalBot", "secureCall", "surveyInvite", "voicemail", "inQueueEmail", "inQueueShortMessage", "workitem"] as const;

const error = (status: number, code: string, message: string): Reply => ({ status, body: { status, code, message, messageWithParams: message } });

/** Every callData's category and data action name in a parsed flow. */
function dataActionsUsed(node: unknown, found: Array<{ category: string; action: string }> = []): Array<{ category: string; action: string }> {
  if (Array.isArray(node)) for (const item of node) dataActionsUsed(item, found);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key === "callData" && value && typeof value === "object") {
        const category = (value as { category?: Record<string, { dataAction?: Record<string, unknown> }> }).category ?? {};
        for (const [name, inner] of Object.entries(category)) for (const action of Object.keys(inner?.dataAction ?? {})) found.push({ category: name, action });
      }
      dataActionsUsed(value, found);
    }
  }
  return found;
}

export interface ArchitectJobsFakeOptions {
  flows: StandInFlow[];
  /** The org's data actions Archy resolves callData against, by category and name. */
  dataActions: () => Array<{ category: string; name: string }>;
}

export function createArchitectJobsFake(options: ArchitectJobsFakeOptions) {
  const jobs = new Map<string, Job>();
  /** Where upload URLs point: the stand-in server's own origin (browser tests) or the Platform API host (msw). */
  let uploadOrigin = "https://api.mypurecloud.com";
  const uploads: Array<{ jobId: string; body: string }> = [];

  function run(job: Job, text: string): void {
    let doc: unknown;
    try {
      doc = yaml.load(text);
    } catch (e) {
      job.result = { status: "Failure", messages: [{ type: "ERROR", text: `The flow file is not valid YAML: ${(e as Error).message.split("\n")[0]}` }] };
      return;
    }
    const root = doc && typeof doc === "object" ? (doc as Record<string, unknown>) : {};
    const type = Object.keys(root).find((k) => (flowTypes as readonly string[]).includes(k));
    const flow = type ? (root[type] as { name?: unknown } | null) : null;
    if (!type || !flow || typeof flow.name !== "string" || flow.name.trim() === "") {
      job.result = { status: "Failure", messages: [{ type: "ERROR", text: "The file does not describe a flow: expected a flow type at the top level with a name." }] };
      return;
    }
    const have = options.dataActions();
    const missing = dataActionsUsed(flow).filter((used) => !have.some((a) => a.category === used.category && a.name === used.action));
    if (missing.length > 0) {
      job.result = { status: "Failure", messages: missing.map((m) => ({ type: "ERROR", text: `Unable to find data action '${m.action}' in category '${m.category}'.` })) };
      return;
    }
    const architectType = type.toLowerCase();
    let existing = options.flows.find((f) => f.name === flow.name && f.type === architectType);
    if (!existing) {
      existing = { id: randomUUID(), name: flow.name, type: architectType, publishedVersion: null };
      options.flows.push(existing);
    }
    const version = Number(existing.publishedVersion?.id ?? "0") + 1;
    existing.publishedVersion = { id: `${version}.0` };
    job.result = { status: "Success", flow: { id: existing.id, name: existing.name } };
  }

  return {
    uploads,
    setUploadOrigin(origin: string) {
      uploadOrigin = origin;
    },
    handles(method: string, path: string): boolean {
      const m = method.toUpperCase();
      return (m === "POST" && path === "/api/v2/flows/jobs") || (m === "GET" && /^\/api\/v2\/flows\/jobs\/[^/]+$/.test(path));
    },
    handle(method: string, path: string, query: URLSearchParams): Reply {
      if (method.toUpperCase() === "POST") {
        const job: Job = { id: randomUUID(), signature: randomBytes(16).toString("hex"), headers: { "Content-Type": "application/octet-stream", "x-amz-server-side-encryption": "AES256" }, state: "registered", polls: 0, result: null };
        jobs.set(job.id, job);
        return { status: 200, body: { id: job.id, presignedUrl: `${uploadOrigin}/stand-in-s3/architect-jobs/${job.id}?X-Amz-Signature=${job.signature}`, headers: job.headers, selfUri: `/api/v2/flows/jobs/${job.id}` } };
      }
      const job = jobs.get(path.split("/").at(-1)!);
      if (!job) return error(404, "not.found", "job not found");
      if (job.state === "registered") return { status: 200, body: { id: job.id, status: "Registered" } };
      job.polls++;
      if (job.state === "started" && job.polls < 2) return { status: 200, body: { id: job.id, status: "Started" } };
      job.state = "done";
      const messages = query.getAll("expand").includes("messages");
      const result = job.result!;
      return { status: 200, body: result.status === "Success" ? { id: job.id, status: "Success", flow: result.flow } : { id: job.id, status: "Failure", ...(messages ? { messages: result.messages } : {}) } };
    },
    handlesUpload(method: string, path: string): boolean {
      return method.toUpperCase() === "PUT" && /^\/stand-in-s3\/architect-jobs\/[^/]+$/.test(path);
    },
    /** The PUT of a flow file to an upload URL: what a presigned storage URL accepts. */
    upload(path: string, query: URLSearchParams, headers: Record<string, string | string[] | undefined>, body: string): Reply {
      const job = jobs.get(path.split("/").at(-1)!);
      if (!job || job.state !== "registered" || query.get("X-Amz-Signature") !== job.signature) return error(403, "AccessDenied", "Request has expired or the signature does not match");
      if (headers.authorization) return error(400, "InvalidArgument", "Only one auth mechanism allowed; the URL's signature is the auth");
      for (const [name, value] of Object.entries(job.headers)) {
        if (headers[name.toLowerCase()] !== value) return error(403, "SignatureDoesNotMatch", `header ${name} is signed into the URL and must be sent as ${value}`);
      }
      if (body.trim() === "") return error(400, "MissingContent", "the flow file is empty");
      uploads.push({ jobId: job.id, body });
      job.state = "started";
      run(job, body);
      return { status: 200, body: {} };
    },
  };
}
