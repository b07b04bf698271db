// Install step "flows": publishes the Architect flows Longrun ships — the
// timeout handler and the customer-ended workflow — through the Platform API's
// Architect jobs, so that an admin needs no archy CLI.
//
// Sources:
// - ArchitectApi.postFlowsJobs, POST /api/v2/flows/jobs: "Register Architect
//   Job. Returns a URL where a file, such as an Architect flow YAML file, can
//   be PUT which will then initiate the job." Requires architect:job:create.
//   Answer RegisterArchitectJobResponse {id, presignedUrl, headers}.
//   ArchitectApi.getFlowsJob, GET /api/v2/flows/jobs/{jobId}?expand=messages,
//   requires architect:job:view; answer ArchitectJobStateResponse {id, flow,
//   status, command, messages[{text}]} (platform-client-sdk-javascript
//   build/docs/ArchitectApi.md and index.d.ts, v262).
// - The sequence as Genesys's own Terraform provider runs it
//   (MyPureCloud/terraform-provider-genesyscloud
//   genesyscloud/resource_genesyscloud_flow.go updateFlow, and
//   genesyscloud/util/files/util_files.go UploadFn): register the job, PUT the
//   raw YAML to presignedUrl with exactly the returned headers (no Genesys
//   token: the URL carries its own signature), expect 200, then poll the job
//   until its status is "Success" (flow.id is the published flow) or
//   "Failure" (messages[].text say why); any other status means still running.
// - A job creates, checks in and publishes the flow for the calling user, so
//   the admin also needs the flow permissions the same document lists for
//   postFlows (architect:flow:add), postFlowsActionsCheckin
//   (architect:flow:edit) and postFlowsActionsPublish (architect:flow:publish).
//
// A flow that is already published and was not published by this step (an
// admin used archy, perhaps with their own queue names) is left alone; one
// this step published is published again only when Longrun's file changed.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import platformClient from "purecloud-platform-client-v2";
import { adminCall, findFlowNamed, InstallApiError, newSdkClient, type ArchitectFlow } from "@/lib/genesys/install-platform";

export const flowsInstallPermissions = ["architect:job:create", "architect:job:view", "architect:flow:view", "architect:flow:add", "architect:flow:edit", "architect:flow:publish"] as const;

/** The flows the step publishes: the YAML file, its Architect type and the name inside it. */
export const publishedFlows = [
  { file: "genesys/flows/long-running-timeout-handler.yaml", type: "workflow", name: "Long Running Timeout Handler" },
  { file: "genesys/flows/longrun-customer-ended.yaml", type: "workflow", name: "Longrun Customer Ended" },
] as const;

export interface ArchitectJob {
  id: string;
  presignedUrl: string;
  headers: Record<string, string>;
}

export interface ArchitectJobState {
  id?: string;
  status?: string;
  flow?: { id?: string; name?: string };
  messages?: Array<{ text?: string }>;
}

export interface ArchitectJobsPlatform {
  findFlow(name: string, type: string): Promise<ArchitectFlow | null>;
  registerJob(): Promise<ArchitectJob>;
  upload(job: ArchitectJob, yaml: string): Promise<void>;
  jobState(jobId: string): Promise<ArchitectJobState>;
}

/** With the signed-in admin's own token, like the rest of the wizard. */
export function architectJobsPlatform(region: string, accessToken: string): ArchitectJobsPlatform {
  const client = newSdkClient(region, accessToken);
  const architect = new platformClient.ArchitectApi(client);
  return {
    findFlow: (name, type) => findFlowNamed(architect, type, name),
    async registerJob() {
      const job = await adminCall<Partial<ArchitectJob>>("register an Architect job", () => architect.postFlowsJobs());
      if (!job.id || !job.presignedUrl) throw new InstallApiError("register an Architect job", null, "Genesys returned no job id or upload URL");
      return { id: job.id, presignedUrl: job.presignedUrl, headers: job.headers ?? {} };
    },
    async upload(job, yaml) {
      // Plain fetch, not the SDK: the upload URL is not the Platform API and must not see the admin's token.
      let response: Response;
      try {
        response = await fetch(job.presignedUrl, { method: "PUT", headers: job.headers, body: yaml, signal: AbortSignal.timeout(30_000) });
      } catch (error) {
        throw new InstallApiError("upload the flow file", null, String((error as Error).message).slice(0, 300));
      }
      if (response.status !== 200) throw new InstallApiError("upload the flow file", response.status, (await response.text()).slice(0, 300));
    },
    jobState: (jobId) => adminCall<ArchitectJobState>("read the Architect job", () => architect.getFlowsJob(jobId, { expand: ["messages"] })),
  };
}

export interface FlowsOutcome {
  status: "created" | "found" | "updated";
  summary: string;
  details: Record<string, string>;
}

export interface PublishOptions {
  /** Hash of each file this step published before (from its last successful run), by flow name. */
  published: Record<string, string>;
  /** How long and how often to wait for a job (Genesys's own provider allows 16 minutes; a wizard request waits less). */
  waitMs?: number;
  pollMs?: number;
  /** The project root the YAML files are read from. */
  root?: string;
}

async function publish(platform: ArchitectJobsPlatform, yaml: string, name: string, options: PublishOptions): Promise<string> {
  const job = await platform.registerJob();
  await platform.upload(job, yaml);
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  for (;;) {
    const state = await platform.jobState(job.id);
    if (state.status === "Success") {
      if (!state.flow?.id) throw new InstallApiError(`publish "${name}"`, null, `job ${job.id} succeeded without naming the flow`);
      return state.flow.id;
    }
    if (state.status === "Failure") {
      const why = (state.messages ?? []).map((m) => m.text).filter(Boolean).join(" · ") || "Genesys gave no reason";
      throw new InstallApiError(`publish "${name}"`, null, `Architect refused the flow (job ${job.id}): ${why.slice(0, 500)}`);
    }
    if (Date.now() > deadline) {
      throw new InstallApiError(`publish "${name}"`, null, `Architect job ${job.id} is still ${state.status ?? "running"}; run this step again in a minute`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
  }
}

export function fileHash(yaml: string): string {
  return createHash("sha256").update(yaml).digest("hex").slice(0, 16);
}

export async function installFlows(platform: ArchitectJobsPlatform, options: PublishOptions): Promise<FlowsOutcome> {
  const details: Record<string, string> = {};
  const lines: string[] = [];
  let created = 0;
  let updated = 0;
  for (const flow of publishedFlows) {
    const yaml = await readFile(path.join(options.root ?? process.cwd(), flow.file), "utf8");
    const hash = fileHash(yaml);
    const existing = await platform.findFlow(flow.name, flow.type);
    const ours = options.published[flow.name];
    if (existing?.publishedVersion && (ours === undefined || ours === hash)) {
      details[`${flow.name} id`] = existing.id;
      if (ours) details[`${flow.name} hash`] = ours;
      lines.push(ours ? `"${flow.name}" is published` : `"${flow.name}" is already published (not by this wizard; left as it is)`);
      continue;
    }
    const id = await publish(platform, yaml, flow.name, options);
    details[`${flow.name} id`] = id;
    details[`${flow.name} hash`] = hash;
    if (existing?.publishedVersion) updated++;
    else created++;
    lines.push(existing?.publishedVersion ? `published the new version of "${flow.name}"` : `published "${flow.name}" from ${flow.file}`);
  }
  return { status: created > 0 ? "created" : updated > 0 ? "updated" : "found", summary: lines.join("; "), details };
}
