// A validator's complaint in the reader's language. zod's own messages are
// English developer wording ("Too small: expected number to be >=5"); the
// admin reads "must be at least 5" in their language instead. Works on zod
// issues in the browser and on the `details` of a VALIDATION_FAILED answer
// (lib/http/read-body.ts sends each issue's code and bounds).
import type { Translator } from "@/lib/i18n/messages";

/** What the sentence needs from one issue: zod's code and bounds (numbers, or bigint/Date as zod gives them). */
export interface IssueFacts {
  code?: string | undefined;
  /** The issue's path: an array (zod) or dotted text (an API answer). */
  path?: ReadonlyArray<PropertyKey> | string | undefined;
  origin?: string | undefined;
  format?: string | undefined;
  expected?: string | undefined;
  minimum?: unknown;
  maximum?: unknown;
  keys?: readonly string[] | undefined;
}

const asNumber = (value: unknown): number | null => (typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : null);

/** "must be at least 5", "must be a web address…"; never the validator's English. */
export function issueWords(issue: IssueFacts, t: Translator): string {
  const minimum = asNumber(issue.minimum);
  const maximum = asNumber(issue.maximum);
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string" && minimum !== null) return minimum <= 1 ? t("validation.required") : t("validation.tooShort", { minimum });
      if ((issue.origin === "array" || issue.origin === "set") && minimum !== null) return t("validation.tooFew", { minimum });
      return minimum !== null ? t("validation.tooSmall", { minimum }) : t("validation.invalid");
    case "too_big":
      if (issue.origin === "string" && maximum !== null) return t("validation.tooLong", { maximum });
      if ((issue.origin === "array" || issue.origin === "set" || issue.origin === "object") && maximum !== null) return t("validation.tooMany", { maximum });
      return maximum !== null ? t("validation.tooBig", { maximum }) : t("validation.invalid");
    case "invalid_type":
      if (issue.expected === "int") return t("validation.wholeNumber");
      if (issue.expected === "number") return t("validation.number");
      if (issue.expected === "string" || issue.expected === "nonoptional") return t("validation.required");
      if (issue.expected === "array") return t("validation.list");
      if (issue.expected === "object") return t("validation.object");
      return t("validation.invalid");
    case "invalid_format":
      if (issue.format === "url") return t("validation.url");
      if (issue.format === "email") return t("validation.email");
      if (issue.format === "datetime" || issue.format === "date") return t("validation.dateTime");
      return t("validation.characters");
    case "invalid_value":
      return t("validation.choice");
    case "unrecognized_keys":
      return t("validation.unknownField", { fields: (issue.keys ?? []).join(", ") });
    case "not_multiple_of":
      return t("validation.wholeNumber");
    default:
      return t("validation.invalid");
  }
}

/** The path as a list of segments, whichever form it came in. */
export function issuePath(issue: IssueFacts): string[] {
  if (Array.isArray(issue.path)) return issue.path.map(String);
  return typeof issue.path === "string" && issue.path !== "" ? issue.path.split(".") : [];
}
