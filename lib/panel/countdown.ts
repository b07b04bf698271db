// Deadline countdown for the panel. `now` is always passed in, so the same
// code renders on the server (tests) and ticks in the browser; the words and
// digits come from lib/i18n/format.ts in the agent's locale.
import type { PanelWorkflow } from "@/lib/panel/panel-types";
import { isTaskActive } from "@/lib/domain/workflow-machine";

export interface Countdown {
  overdue: boolean;
  /** Milliseconds left (or overdue), never 0: the first and last seconds count as one. */
  ms: number;
}

/** The countdown to the running task's deadline; null when no task is waiting. */
export function countdownFor(workflow: PanelWorkflow, now: Date): Countdown | null {
  const task = workflow.task;
  if (!task || !isTaskActive(task)) return null;
  const remaining = new Date(task.deadline_at).getTime() - now.getTime();
  const overdue = remaining <= 0;
  // Never "overdue by 0:00" nor "0:00 left": rounded up, so the last second shows 0:01.
  return { overdue, ms: overdue ? Math.max(1000, -remaining) : Math.ceil(remaining / 1000) * 1000 };
}
