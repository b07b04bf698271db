// Per-org settings, overridable per task type. Stored as JSON on the org row
// and always read through this schema, so a missing field has its default.
import { z } from "zod";

const seconds = z.int().min(5).max(7 * 24 * 3600);

export const taskTypeSettingsSchema = z.strictObject({
  timeoutSeconds: seconds.optional(),
  heartbeatTimeoutSeconds: seconds.optional(),
  timeoutHandlerFlowId: z.string().min(1).max(100).optional(),
  callbackQueueId: z.string().min(1).max(100).optional(),
  specialistQueueName: z.string().min(1).max(200).optional(),
});

export const orgSettingsSchema = z.strictObject({
  taskTimeoutSeconds: seconds.default(900),
  heartbeatTimeoutSeconds: seconds.optional(),
  /** An interaction's flow session ends after about 20 minutes. */
  flowSessionLimitSeconds: seconds.default(1200),
  timeoutHandlerFlowId: z.string().min(1).max(100).optional(),
  callbackQueueId: z.string().min(1).max(100).optional(),
  specialistQueueName: z.string().min(1).max(200).optional(),
  taskTypes: z.record(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/), taskTypeSettingsSchema).default({}),
});

export type OrgSettings = z.infer<typeof orgSettingsSchema>;
export type TaskTypeSettings = z.infer<typeof taskTypeSettingsSchema>;

export function readOrgSettings(raw: unknown): OrgSettings {
  const parsed = orgSettingsSchema.safeParse(raw ?? {});
  // Settings are validated on write; a row that no longer parses falls back to defaults rather than failing requests.
  return parsed.success ? parsed.data : orgSettingsSchema.parse({});
}

export interface EffectiveTaskSettings {
  timeoutSeconds: number;
  heartbeatTimeoutSeconds: number | null;
  flowSessionLimitSeconds: number;
  timeoutHandlerFlowId: string | null;
  callbackQueueId: string | null;
  specialistQueueName: string | null;
}

export function settingsForTaskType(settings: OrgSettings, taskType: string): EffectiveTaskSettings {
  const own = settings.taskTypes[taskType] ?? {};
  return {
    timeoutSeconds: own.timeoutSeconds ?? settings.taskTimeoutSeconds,
    heartbeatTimeoutSeconds: own.heartbeatTimeoutSeconds ?? settings.heartbeatTimeoutSeconds ?? null,
    flowSessionLimitSeconds: settings.flowSessionLimitSeconds,
    timeoutHandlerFlowId: own.timeoutHandlerFlowId ?? settings.timeoutHandlerFlowId ?? null,
    callbackQueueId: own.callbackQueueId ?? settings.callbackQueueId ?? null,
    specialistQueueName: own.specialistQueueName ?? settings.specialistQueueName ?? null,
  };
}

/** Task timeouts longer than the flow session go down the session-ended path; admins are told. */
export function settingsWarnings(settings: OrgSettings): string[] {
  const warnings: string[] = [];
  const limit = settings.flowSessionLimitSeconds;
  if (settings.taskTimeoutSeconds > limit) {
    warnings.push(`default task timeout (${settings.taskTimeoutSeconds}s) exceeds the flow session limit (${limit}s): timeouts will be handled by callback, not by the live flow`);
  }
  for (const [type, own] of Object.entries(settings.taskTypes)) {
    if (own.timeoutSeconds !== undefined && own.timeoutSeconds > limit) {
      warnings.push(`${type}: timeout (${own.timeoutSeconds}s) exceeds the flow session limit (${limit}s): timeouts will be handled by callback, not by the live flow`);
    }
  }
  return warnings;
}
