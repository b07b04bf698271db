// Per-org settings, overridable per task type. Stored as JSON on the org row
// and always read through this schema, so a missing field has its default.
import { z } from "zod";
import { normalizeStatusWord, statusMeanings, type StatusVocabulary } from "@/lib/domain/callback-result";
import { supportedLocales } from "@/lib/i18n/locales";
import { languageTagSchema, noticeTemplatesSchema } from "@/lib/notices/notice-templates";

const seconds = z.int().min(5).max(7 * 24 * 3600);

/**
 * A vendor's own status words → what they mean (e.g. MATCH → success,
 * NO_MATCH → failure, UNDER_REVIEW → progress). Words are compared
 * case-insensitively, so two spellings of one word are refused.
 */
export const statusWordsSchema = z
  .record(z.string().trim().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "status words are letters, digits and _ . : - (at most 64)"), z.enum(statusMeanings))
  .check((ctx) => {
    const seen = new Map<string, string>();
    const words = Object.keys(ctx.value);
    if (words.length > 100) ctx.issues.push({ code: "custom", message: "at most 100 status words", input: ctx.value });
    for (const word of words) {
      const normal = normalizeStatusWord(word);
      const earlier = seen.get(normal);
      if (earlier !== undefined) ctx.issues.push({ code: "custom", message: `"${word}" and "${earlier}" are the same word (case does not matter)`, input: word, path: [word] });
      seen.set(normal, word);
    }
  });

/** What agents and admins read for a task type (FRAUD_VERIFICATION → "Fraud check"); trimmed, one line. */
const displayNameSchema = z.string().trim().min(1).max(80).regex(/^[^\n\r\t]*$/, "one line, no tabs");

/** A Genesys queue's name as admins and agents read it; one line. */
const queueNameSchema = z.string().trim().min(1).max(200).regex(/^[^\n\r\t]*$/, "one line, no tabs");

/** A queue's name means nothing without the queue it names. */
function nameNeedsQueue(ctx: z.core.ParsePayload<{ callbackQueueId?: string | undefined; callbackQueueName?: string | undefined }>) {
  if (ctx.value.callbackQueueName !== undefined && ctx.value.callbackQueueId === undefined) {
    ctx.issues.push({ code: "custom", message: "callbackQueueName names callbackQueueId: set the queue id too", input: ctx.value.callbackQueueName, path: ["callbackQueueName"] });
  }
}

export const taskTypeSettingsSchema = z.strictObject({
  /** The name in every language the org did not name it in. */
  displayName: displayNameSchema.optional(),
  /** The name per language Longrun speaks (its catalogues' locales); wins over displayName for that language. */
  displayNames: z.partialRecord(z.enum(supportedLocales), displayNameSchema).optional(),
  timeoutSeconds: seconds.optional(),
  heartbeatTimeoutSeconds: seconds.optional(),
  timeoutHandlerFlowId: z.string().min(1).max(100).optional(),
  callbackQueueId: z.string().min(1).max(100).optional(),
  /** The name of callbackQueueId as the settings page's queue picker showed it; the panel's guidance names it. */
  callbackQueueName: queueNameSchema.optional(),
  specialistQueueName: z.string().min(1).max(200).optional(),
  /** This task type's vendor words; they win over the org's and the built-in ones. */
  statusWords: statusWordsSchema.optional(),
}).check(nameNeedsQueue);

/**
 * How Longrun tells a customer whom no flow or callback can reach, through
 * Genesys agentless messaging (GENESYS.md §0; genesys/README.md "Notices").
 * Without a sender the notice stays open for admins to handle.
 */
export const noticeSettingsSchema = z.strictObject({
  /** A provisioned Genesys SMS number (E.164): SendAgentlessOutboundMessageRequest.fromAddress. */
  smsFromAddress: z.string().trim().regex(/^\+[1-9]\d{6,14}$/, "an E.164 number such as +13175550100 (a number provisioned for SMS in Genesys)").optional(),
  /** The sender of agentless email (AgentlessEmailSendRequestDto.fromAddress): an address of an outbound email domain of the org. */
  emailFromAddress: z.email({ error: "an email address of the org's outbound domain" }).max(254).optional(),
  emailFromName: z.string().trim().min(1).max(100).optional(),
  /** The language of a customer whose workflow says none. */
  defaultLanguage: languageTagSchema.default("en"),
  /** Per language and kind (delayed, completed, failed); missing ones use the built-in English words. */
  templates: noticeTemplatesSchema.default({}),
});
export type NoticeSettings = z.infer<typeof noticeSettingsSchema>;

export const orgSettingsSchema = z.strictObject({
  taskTimeoutSeconds: seconds.default(900),
  heartbeatTimeoutSeconds: seconds.optional(),
  /** An interaction's flow session ends after about 20 minutes. */
  flowSessionLimitSeconds: seconds.default(1200),
  timeoutHandlerFlowId: z.string().min(1).max(100).optional(),
  callbackQueueId: z.string().min(1).max(100).optional(),
  /** The name of callbackQueueId (see taskTypeSettingsSchema). */
  callbackQueueName: queueNameSchema.optional(),
  specialistQueueName: z.string().min(1).max(200).optional(),
  notices: noticeSettingsSchema.optional(),
  /** Vendor words for every task type (a task type's own words win). */
  statusWords: statusWordsSchema.optional(),
  taskTypes: z.record(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/), taskTypeSettingsSchema).default({}),
}).check(nameNeedsQueue);

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
  /** The name of callbackQueueId, from the same layer (the task type's or the org's); null when unknown. */
  callbackQueueName: string | null;
  specialistQueueName: string | null;
  /** The org's and the task type's own status words, upper-case (see lib/domain/callback-result.ts). */
  statusWords: StatusVocabulary;
}

function vocabulary(...layers: Array<Record<string, (typeof statusMeanings)[number]> | undefined>): StatusVocabulary {
  const words: Record<string, (typeof statusMeanings)[number]> = {};
  for (const layer of layers) for (const [word, meaning] of Object.entries(layer ?? {})) words[normalizeStatusWord(word)] = meaning;
  return words;
}

export function settingsForTaskType(settings: OrgSettings, taskType: string): EffectiveTaskSettings {
  const own = settings.taskTypes[taskType] ?? {};
  return {
    timeoutSeconds: own.timeoutSeconds ?? settings.taskTimeoutSeconds,
    heartbeatTimeoutSeconds: own.heartbeatTimeoutSeconds ?? settings.heartbeatTimeoutSeconds ?? null,
    flowSessionLimitSeconds: settings.flowSessionLimitSeconds,
    timeoutHandlerFlowId: own.timeoutHandlerFlowId ?? settings.timeoutHandlerFlowId ?? null,
    callbackQueueId: own.callbackQueueId ?? settings.callbackQueueId ?? null,
    callbackQueueName: (own.callbackQueueId !== undefined ? own.callbackQueueName : settings.callbackQueueName) ?? null,
    specialistQueueName: own.specialistQueueName ?? settings.specialistQueueName ?? null,
    statusWords: vocabulary(settings.statusWords, own.statusWords),
  };
}

/** A task timeout longer than the flow session: the timeout goes down the session-ended path (callback), not the live flow. */
export interface SettingsWarning {
  /** null: the org's default timeout. */
  taskType: string | null;
  timeoutSeconds: number;
  limitSeconds: number;
}

/** Task timeouts longer than the flow session go down the session-ended path; admins are told (in their language, by the settings page). */
export function settingsWarningFacts(settings: OrgSettings): SettingsWarning[] {
  const limit = settings.flowSessionLimitSeconds;
  const warnings: SettingsWarning[] = [];
  if (settings.taskTimeoutSeconds > limit) warnings.push({ taskType: null, timeoutSeconds: settings.taskTimeoutSeconds, limitSeconds: limit });
  for (const [type, own] of Object.entries(settings.taskTypes)) {
    if (own.timeoutSeconds !== undefined && own.timeoutSeconds > limit) warnings.push({ taskType: type, timeoutSeconds: own.timeoutSeconds, limitSeconds: limit });
  }
  return warnings;
}

/** The same, as the API's English sentences. */
export function settingsWarnings(settings: OrgSettings): string[] {
  return settingsWarningFacts(settings).map((w) =>
    w.taskType === null
      ? `default task timeout (${w.timeoutSeconds}s) exceeds the flow session limit (${w.limitSeconds}s): timeouts will be handled by callback, not by the live flow`
      : `${w.taskType}: timeout (${w.timeoutSeconds}s) exceeds the flow session limit (${w.limitSeconds}s): timeouts will be handled by callback, not by the live flow`,
  );
}

/** One task type's display names as the panel and the admin console receive them. */
export interface TaskTypeDisplayName {
  /** For every language without its own name; null when the org set none. */
  all: string | null;
  languages: Partial<Record<(typeof supportedLocales)[number], string>>;
}

/** The names the org gave its task types (only those it named; limited to `types` when given). */
export function taskTypeDisplayNames(settings: OrgSettings, types?: Iterable<string>): Record<string, TaskTypeDisplayName> {
  const wanted = types ? new Set(types) : null;
  const out: Record<string, TaskTypeDisplayName> = {};
  for (const [type, own] of Object.entries(settings.taskTypes)) {
    if (wanted && !wanted.has(type)) continue;
    if (own.displayName === undefined && Object.keys(own.displayNames ?? {}).length === 0) continue;
    out[type] = { all: own.displayName ?? null, languages: { ...own.displayNames } };
  }
  return out;
}
