// The words a customer reads when Longrun messages them because no flow or
// callback could reach them: per language and per kind of news, with a few
// placeholders. Pure: the settings schema validates templates with it and the
// sender renders them with it.
import { z } from "zod";

export const noticeKinds = ["delayed", "completed", "failed"] as const;
/** delayed: the task timed out; completed / failed: a result the customer should hear. */
export type NoticeKind = (typeof noticeKinds)[number];

export const noticePlaceholders = ["customer_name", "task", "reference"] as const;
export type NoticeValues = Record<(typeof noticePlaceholders)[number], string>;

/**
 * Genesys caps an SMS's textBody at 765 characters (SendAgentlessOutboundMessageRequest,
 * platform-client-sdk-java build/docs/SendAgentlessOutboundMessageRequest.md).
 */
export const smsMaxLength = 765;

const placeholderPattern = /\{\{\s*([a-z_]+)\s*\}\}/g;

function knownPlaceholders(text: string): string[] {
  const unknown: string[] = [];
  for (const match of text.matchAll(placeholderPattern)) {
    if (!(noticePlaceholders as readonly string[]).includes(match[1]!)) unknown.push(match[0]);
  }
  return unknown;
}

const templateText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .check((ctx) => {
      const unknown = knownPlaceholders(ctx.value);
      if (unknown.length > 0) {
        ctx.issues.push({ code: "custom", message: `unknown placeholder ${unknown.join(", ")}; use {{${noticePlaceholders.join("}}, {{")}}}`, input: ctx.value });
      }
    });

export const noticeTemplateSchema = z.strictObject({
  /** The SMS text and the email's plain-text body. */
  text: templateText(smsMaxLength),
  /** The email's subject (SMS has none). */
  subject: templateText(200).optional(),
});
export type NoticeTemplate = z.infer<typeof noticeTemplateSchema>;

export const languageTagSchema = z.string().trim().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "a language tag such as en, de or pt-BR");

export const noticeTemplatesSchema = z.record(languageTagSchema, z.partialRecord(z.enum(noticeKinds), noticeTemplateSchema));
export type NoticeTemplates = z.infer<typeof noticeTemplatesSchema>;

/** Used for any language and kind the org has not written its own words for. */
export const defaultNoticeTemplates: Record<NoticeKind, NoticeTemplate> = {
  delayed: {
    subject: "Your request {{reference}} is taking longer",
    text: "Hello {{customer_name}}, your request ({{task}}, reference {{reference}}) is taking longer than we said. We have not forgotten it and will contact you as soon as we have the answer.",
  },
  completed: {
    subject: "Your request {{reference}} is complete",
    text: "Hello {{customer_name}}, your request ({{task}}, reference {{reference}}) is complete. Call us back if you have any questions.",
  },
  failed: {
    subject: "About your request {{reference}}",
    text: "Hello {{customer_name}}, we could not complete your request ({{task}}, reference {{reference}}). Please call us back so that we can help you.",
  },
};

/** The template for a language: exact tag, then its primary language (pt-BR → pt), then the org's default, then the built-in words. */
export function pickNoticeTemplate(templates: NoticeTemplates, kind: NoticeKind, language: string | null, defaultLanguage: string): { template: NoticeTemplate; language: string } {
  const candidates = [language, language?.split("-")[0], defaultLanguage].filter((l): l is string => typeof l === "string" && l !== "");
  for (const tag of candidates) {
    const own = templates[tag]?.[kind];
    if (own) return { template: own, language: tag };
  }
  return { template: defaultNoticeTemplates[kind], language: "en" };
}

export function renderNotice(text: string, values: NoticeValues): string {
  return text.replace(placeholderPattern, (whole, name: string) => (name in values ? values[name as keyof NoticeValues] : whole)).replace(/\s+/g, " ").replace(/\s+([,.!?])/g, "$1").trim();
}
