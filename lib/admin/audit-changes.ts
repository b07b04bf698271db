// An audit entry as the changes an admin reads: "Task timeout seconds: 900 →
// 600". Settings entries carry the settings after the change; the one before
// is the previous settings entry of the org, so the page pairs them.
import { formatList, formatNumber } from "@/lib/i18n/format";
import type { Speech, Translator } from "@/lib/i18n/messages";
import { keyWords } from "@/lib/panel/panel-glance";

export interface AuditChange {
  field: string;
  before: string | null;
  after: string | null;
}

type Json = unknown;

function flatten(value: Json, prefix: string[], into: Map<string, Json>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, Json>)) flatten(v, [...prefix, k], into);
    return;
  }
  into.set(prefix.join("."), value);
}

function words(value: Json, speech: Speech, t: Translator): string {
  if (value === null || value === undefined) return t("admin.none");
  if (typeof value === "boolean") return value ? t("common.yes") : t("common.no");
  if (typeof value === "number") return formatNumber(value, speech);
  if (typeof value === "string") return value === "changed" ? t("admin.secretChanged") : value;
  if (Array.isArray(value)) return value.length === 0 ? t("admin.none") : formatList(value.map((v) => words(v, speech, t)), speech);
  return JSON.stringify(value);
}

/** A dotted key as words, each level readable: "taskTypes.FRAUD_VERIFICATION.timeoutSeconds" → "Task types · FRAUD_VERIFICATION · Timeout seconds". */
function label(key: string, t: Translator): string {
  return key
    .split(".")
    .map((part) => (/^[A-Z0-9_:-]+$/.test(part) ? part : keyWords(part)))
    .join(t("common.listSeparator"));
}

/** What changed from `before` to `after` (both JSON); unchanged fields are left out, removed ones said so. */
export function diffChanges(before: Json, after: Json, speech: Speech, t: Translator): AuditChange[] {
  const a = new Map<string, Json>();
  const b = new Map<string, Json>();
  if (before !== undefined) flatten(before, [], a);
  flatten(after, [], b);
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => k !== "");
  const changes: AuditChange[] = [];
  for (const key of keys) {
    const was = a.get(key);
    const now = b.get(key);
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    changes.push({ field: label(key, t), before: a.has(key) ? words(was, speech, t) : null, after: b.has(key) ? words(now, speech, t) : null });
  }
  return changes;
}

export interface AuditRow {
  id: string;
  action: string;
  data: Json;
}

/**
 * The changes of each entry: settings against the org's previous settings
 * entry (`older` holds the entries after this page, newest first, for the
 * last ones of the page), allowlists from their own before/after, anything
 * else as its fields.
 */
export function auditChanges(rows: AuditRow[], older: AuditRow[], speech: Speech, t: Translator): Map<string, AuditChange[]> {
  const result = new Map<string, AuditChange[]>();
  const all = [...rows, ...older];
  rows.forEach((row, index) => {
    const data = row.data !== null && typeof row.data === "object" && !Array.isArray(row.data) ? (row.data as Record<string, Json>) : {};
    if (row.action === "org.configured") {
      // An entry records only what that change set: fields it does not mention did not change.
      const previous = all.slice(index + 1).find((r) => r.action === "org.configured");
      result.set(row.id, diffChanges(previous?.data, data, speech, t).filter((c) => c.after !== null || Object.keys(data).some((k) => c.field.startsWith(label(k, t)))));
    } else if (typeof data.summary === "string") {
      // Install steps say what they did in a sentence of their own.
      result.set(row.id, [{ field: keyWords(typeof data.step === "string" ? data.step : row.action), before: null, after: data.summary }]);
    } else if ("before" in data && "after" in data) {
      const { before, after, ...rest } = data;
      // A list (the source allowlist) reads best whole; an object field by field.
      const whole = Array.isArray(before) || Array.isArray(after) || typeof after !== "object" || after === null;
      const own = whole ? [{ field: keyWords(row.action.split(".").pop() ?? row.action), before: words(before, speech, t), after: words(after, speech, t) }] : diffChanges(before, after, speech, t);
      result.set(row.id, [...own, ...diffChanges(undefined, rest, speech, t)]);
    } else {
      result.set(row.id, diffChanges(undefined, data, speech, t));
    }
  });
  return result;
}
