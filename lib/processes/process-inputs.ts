// What the state machine needs to decide a process's next step besides the
// workflow row: the pinned definition (immutable, so cached for good), the
// workflow's context and the org's task timeouts. Read here, decided in
// lib/domain.
import type { Tx } from "@/lib/db/client";
import type { ProcessDefinition } from "@/lib/domain/process-definition";
import type { ProcessInputs } from "@/lib/domain/process-machine";
import { readOrgSettings, settingsForTaskType } from "@/lib/orgs/org-settings";
import { AppError } from "@/lib/errors/app-error";

// Versions never change once stored (a trigger refuses UPDATE), so an entry is never stale.
const definitions = new Map<string, ProcessDefinition>();
const maxCached = 1000;

function key(orgId: string, name: string, version: number): string {
  return `${orgId}\u0000${name}\u0000${version}`;
}

export async function pinnedDefinition(client: Tx, orgId: string, name: string, version: number): Promise<ProcessDefinition> {
  const k = key(orgId, name, version);
  const cached = definitions.get(k);
  if (cached) return cached;
  const row = await client.processVersion.findUnique({ where: { orgId_name_version: { orgId, name, version } }, select: { definition: true } });
  if (!row) throw new AppError("NOT_FOUND", `process ${name} has no version ${version}`);
  const definition = row.definition as unknown as ProcessDefinition;
  if (definitions.size >= maxCached) definitions.delete(definitions.keys().next().value!);
  definitions.set(k, definition);
  return definition;
}

/** The inputs for one workflow's process, from its definition and the org's settings (as stored JSON). */
export function processInputsOf(definition: ProcessDefinition, context: unknown, rawSettings: unknown): ProcessInputs {
  const settings = readOrgSettings(rawSettings);
  const taskDefaults: Record<string, { timeoutSeconds: number; heartbeatTimeoutSeconds: number | null }> = {};
  let sessionLimitSeconds = settings.flowSessionLimitSeconds;
  for (const step of definition.steps) {
    if (step.kind !== "task") continue;
    const effective = settingsForTaskType(settings, step.task_type);
    taskDefaults[step.task_type] = { timeoutSeconds: effective.timeoutSeconds, heartbeatTimeoutSeconds: effective.heartbeatTimeoutSeconds };
    sessionLimitSeconds = effective.flowSessionLimitSeconds;
  }
  return { definition, context, taskDefaults, sessionLimitSeconds };
}

/** For a workflow row that runs a process: its inputs; null for a single-task workflow. */
export async function loadProcessInputs(
  client: Tx,
  workflow: { orgId: string; processName: string | null; processVersion: number | null; context: unknown },
  rawSettings?: unknown,
): Promise<ProcessInputs | null> {
  if (!workflow.processName || workflow.processVersion === null) return null;
  const definition = await pinnedDefinition(client, workflow.orgId, workflow.processName, workflow.processVersion);
  const settings = rawSettings !== undefined ? rawSettings : (await client.org.findUnique({ where: { id: workflow.orgId }, select: { settings: true } }))?.settings;
  return processInputsOf(definition, workflow.context, settings);
}
