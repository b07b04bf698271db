// Deadline countdown and clock times for the panel. `now` is always passed
// in, so the same code renders on the server (tests) and ticks in the browser.
import type { PanelWorkflow } from "@/lib/panel/panel-types";

export interface Countdown {
  overdue: boolean;
  /** "4:05" or "1:02:03". */
  clock: string;
  /** For screen readers: "4 minutes 5 seconds". */
  spoken: string;
}

function pad(n: number): string {
  return n.toString().padStart(2, "0");
}

export function formatDuration(ms: number): { clock: string; spoken: string } {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const clock = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  const parts = [
    h > 0 ? `${h} hour${h === 1 ? "" : "s"}` : null,
    m > 0 ? `${m} minute${m === 1 ? "" : "s"}` : null,
    s > 0 || (h === 0 && m === 0) ? `${s} second${s === 1 ? "" : "s"}` : null,
  ].filter((p): p is string => p !== null);
  return { clock, spoken: parts.join(" ") };
}

/** The countdown to the running task's deadline; null when no task is waiting. */
export function countdownFor(workflow: PanelWorkflow, now: Date): Countdown | null {
  const task = workflow.task;
  if (!task || (task.status !== "QUEUED" && task.status !== "ACCEPTED")) return null;
  // Rounded up so that a countdown shows 0:01 rather than 0:00 in its last second.
  const remaining = new Date(task.deadline_at).getTime() - now.getTime();
  const overdue = remaining <= 0;
  // Never "overdue by 0:00" nor "0:00 left": the first and last seconds count as one.
  const shown = overdue ? Math.max(1000, -remaining) : Math.ceil(remaining / 1000) * 1000;
  return { overdue, ...formatDuration(shown) };
}

export interface TimeFormat {
  locale?: string | undefined;
  /** IANA zone; the browser's own when undefined. */
  timeZone?: string | undefined;
}

function safeLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0 ? locale : undefined;
  } catch {
    return undefined;
  }
}

/** "14:03:07": agents compare with the clock on their screen, so seconds matter. */
export function clockTime(iso: string, format: TimeFormat = {}): string {
  return new Intl.DateTimeFormat(safeLocale(format.locale) ?? "en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
    timeZone: format.timeZone,
  }).format(new Date(iso));
}
