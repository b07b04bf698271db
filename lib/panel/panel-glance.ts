// The panel at a glance: which workflows need the agent, the summary line's
// counts, the timeline with heartbeats folded into one line, and a task's
// result as a readable list. Pure functions, unit-tested.
import { isSignOfLife, progressMessage } from "@/lib/domain/sign-of-life";
import { formatCurrency, formatList, formatNumber, dateTimeWithZone } from "@/lib/i18n/format";
import type { Speech, Translator } from "@/lib/i18n/messages";
import type { PanelEvent, PanelWorkflow } from "@/lib/panel/panel-types";

export type Attention = "needs-you" | "in-progress" | "done";

/**
 * Failed, timed out, escalated (flow, callback, notice) and any late result
 * need the agent: there is something to tell the customer. Started and
 * running ones are in progress; completed in time and cancelled are done.
 */
export function attentionOf(workflow: PanelWorkflow): Attention {
  // A dispatch or escalation that became a dead letter: nothing will happen unless someone acts.
  if (workflow.task?.late_result || workflow.delivery_failure) return "needs-you";
  switch (workflow.status) {
    case "FAILED":
    case "TIMED_OUT":
    case "ESCALATED":
    case "CALLBACK_SCHEDULED":
    case "NOTIFIED":
      return "needs-you";
    case "INITIATED":
    case "PENDING":
      return "in-progress";
    case "COMPLETED":
    case "CANCELLED":
      return "done";
  }
}

export interface Arranged {
  needsYou: PanelWorkflow[];
  inProgress: PanelWorkflow[];
  done: PanelWorkflow[];
}

const newest = (key: "created_at" | "updated_at") => (a: PanelWorkflow, b: PanelWorkflow) => b[key].localeCompare(a[key]) || a.workflow_id.localeCompare(b.workflow_id);

/** Needs-you first (the latest change on top), then running (newest first), then finished (newest first). */
export function arrangeWorkflows(workflows: readonly PanelWorkflow[]): Arranged {
  const arranged: Arranged = { needsYou: [], inProgress: [], done: [] };
  for (const w of workflows) {
    const attention = attentionOf(w);
    (attention === "needs-you" ? arranged.needsYou : attention === "in-progress" ? arranged.inProgress : arranged.done).push(w);
  }
  arranged.needsYou.sort(newest("updated_at"));
  arranged.inProgress.sort(newest("created_at"));
  arranged.done.sort(newest("created_at"));
  return arranged;
}

/** "1 needs you · 1 in progress · 3 done"; empty groups are left out. */
export function summaryLine(arranged: Arranged, t: Translator): string {
  const parts: string[] = [];
  if (arranged.needsYou.length > 0) parts.push(t("panel.summaryNeedsYou", { count: arranged.needsYou.length }));
  if (arranged.inProgress.length > 0) parts.push(t("panel.summaryInProgress", { count: arranged.inProgress.length }));
  if (arranged.done.length > 0) parts.push(t("panel.summaryDone", { count: arranged.done.length }));
  return parts.join(t("common.listSeparator"));
}

export type TimelineEntry =
  | { kind: "event"; event: PanelEvent }
  | {
      kind: "heartbeats";
      /** The latest heartbeat of the run (its id keys the line). */
      latest: PanelEvent;
      count: number;
      /** The deadline after the run, only when the run moved it. */
      movedDeadlineTo: string | null;
      /** The latest progress message an external system sent with a heartbeat, if any. */
      progress: string | null;
    };

function deadlineOf(event: PanelEvent): string | null {
  const value = event.data?.deadline_at;
  return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? value : null;
}

/**
 * Oldest first, like the events: each run of consecutive heartbeats and
 * progress callbacks becomes one entry with its count and the latest progress
 * message. It says the deadline moved only when the last one's deadline is
 * later than the one before the run (the dispatch's or an earlier run's).
 */
export function timelineEntries(events: readonly PanelEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let deadline: string | null = null;
  type Run = { first: string | null; latest: PanelEvent; count: number; progress: string | null };
  const open: { run: Run | null } = { run: null };
  const closeRun = () => {
    const run = open.run;
    if (!run) return;
    const after = deadlineOf(run.latest);
    const moved = after !== null && (run.first === null || Date.parse(after) > Date.parse(run.first));
    entries.push({ kind: "heartbeats", latest: run.latest, count: run.count, movedDeadlineTo: moved ? after : null, progress: run.progress });
    if (after) deadline = after;
    open.run = null;
  };
  for (const event of events) {
    if (isSignOfLife(event.type)) {
      const run = open.run;
      open.run = run ? { ...run, latest: event, count: run.count + 1, progress: progressMessage(event) ?? run.progress } : { first: deadline, latest: event, count: 1, progress: progressMessage(event) };
      continue;
    }
    closeRun();
    if (event.type === "TASK_DISPATCHED") deadline = deadlineOf(event);
    entries.push({ kind: "event", event });
  }
  closeRun();
  return entries;
}

/** An external system's error, shortened for the card; the full text stays available on demand. */
export function shortError(raw: string, max = 140): { short: string; full: string; shortened: boolean } {
  const full = raw.trim();
  let readable = full;
  // Vendors often send their JSON error body as the reason: read its message.
  if (/^[[{]/.test(full)) {
    try {
      const parsed = JSON.parse(full) as unknown;
      const pick = (value: unknown): string | null => {
        if (typeof value === "string" && value.trim() !== "") return value.trim();
        if (value && typeof value === "object") {
          const o = value as Record<string, unknown>;
          for (const key of ["message", "error_description", "detail", "description", "error", "reason", "title"]) {
            const found = pick(o[key]);
            if (found) return found;
          }
        }
        return null;
      };
      readable = pick(parsed) ?? full;
    } catch {
      // Not JSON after all; shorten as text.
    }
  }
  const collapsed = readable.replace(/\s+/g, " ");
  if (collapsed.length <= max) return { short: collapsed, full, shortened: collapsed !== full.replace(/\s+/g, " ") };
  const cut = collapsed.slice(0, max);
  const atWord = cut.lastIndexOf(" ");
  return { short: `${(atWord > max * 0.6 ? cut.slice(0, atWord) : cut).replace(/[\s,.;:]+$/, "")}…`, full, shortened: true };
}

/** snake_case, camelCase and kebab-case keys as sentence-case words: "manual_review_required" → "Manual review required". */
export function keyWords(key: string): string {
  const words = key
    .replace(/[_\-.]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim()
    .split(/\s+/)
    .map((w) => (/^[A-Z0-9]{2,4}$/.test(w) ? w : w.toLowerCase()));
  const sentence = words.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

const amountKey = /(amount|total|balance|price|limit|fee|sum|value|cost|paid|due)$/i;
const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function valueWords(key: string, value: unknown, currency: string | null, speech: Speech, t: Translator): string | null {
  if (value === null || value === undefined) return t("common.none");
  if (typeof value === "boolean") return value ? t("common.yes") : t("common.no");
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (currency && amountKey.test(key)) return formatCurrency(value, currency, speech) ?? formatNumber(value, speech);
    return formatNumber(value, speech);
  }
  if (typeof value === "string") {
    if (isoDateTime.test(value) && !Number.isNaN(Date.parse(value))) return dateTimeWithZone(value, speech);
    return value;
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => (v !== null && typeof v === "object" ? null : valueWords(key, v, currency, speech, t))).filter((v): v is string => v !== null);
    return items.length > 0 ? formatList(items, speech) : null;
  }
  return null;
}

export interface ResultField {
  key: string;
  label: string;
  value: string;
}

/**
 * What came back, as label/value pairs: booleans as Yes/No, numbers and
 * amounts (with a sibling `currency` code) in the user's format, timestamps in
 * their time; one level of nesting is flattened ("Address · city").
 */
export function resultFields(data: unknown, speech: Speech, t: Translator): ResultField[] {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return [];
  const fields: ResultField[] = [];
  const walk = (object: Record<string, unknown>, prefix: string[], keyPath: string) => {
    const currencyRaw = object.currency ?? object.currency_code ?? object.currencyCode;
    const currency = typeof currencyRaw === "string" && /^[A-Za-z]{3}$/.test(currencyRaw) ? currencyRaw : null;
    for (const [key, value] of Object.entries(object)) {
      if (currency && (key === "currency" || key === "currency_code" || key === "currencyCode") && Object.keys(object).some((k) => amountKey.test(k))) continue;
      const label = [...prefix, keyWords(key)];
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        if (prefix.length === 0) walk(value as Record<string, unknown>, label, `${keyPath}${key}.`);
        continue;
      }
      const words = valueWords(key, value, currency, speech, t);
      if (words !== null) fields.push({ key: `${keyPath}${key}`, label: label.join(t("common.listSeparator")), value: words });
    }
  };
  walk(data as Record<string, unknown>, [], "");
  return fields;
}
