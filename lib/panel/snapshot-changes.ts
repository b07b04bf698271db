// What changed between two snapshots, in the agent's words: the screen-reader
// announcement and the desktop toasts for outcomes (completed, failed, timed out).
import type { Translator } from "@/lib/i18n/messages";
import type { PanelSnapshot, PanelWorkflow } from "@/lib/panel/panel-types";
import { headline, outcomeOf, statusOf, workflowTitle, type TaskTypeNames } from "@/lib/panel/status-words";

export interface Toast {
  id: string;
  title: string;
  message: string;
  type: "success" | "error" | "info";
}

export interface SnapshotChanges {
  announcements: string[];
  toasts: Toast[];
}

function taskMoment(workflow: PanelWorkflow): string {
  const t = workflow.task;
  // A dead letter changes what the agent must do without changing the workflow's status.
  return t ? `${t.id}:${t.status}:${t.late_result}:${workflow.delivery_failure?.kind ?? ""}` : "";
}

const toastTitle = { completed: "toast.completed", failed: "toast.failed", "timed-out": "toast.timedOut", "not-passed-on": "toast.notPassedOn" } as const;

export function snapshotChanges(previous: PanelSnapshot | null, next: PanelSnapshot, t: Translator, names: TaskTypeNames = {}): SnapshotChanges {
  // The first snapshot is what the agent sees on opening: nothing to announce.
  if (!previous) return { announcements: [], toasts: [] };
  const before = new Map(previous.workflows.map((w) => [w.workflow_id, w]));
  const announcements: string[] = [];
  const toasts: Toast[] = [];
  for (const workflow of next.workflows) {
    const old = before.get(workflow.workflow_id);
    const task = workflowTitle(workflow, t, names);
    const status = statusOf(workflow, t).label;
    if (!old) {
      announcements.push(t("announce.newWorkflow", { task, status }));
      continue;
    }
    if (old.status === workflow.status && taskMoment(old) === taskMoment(workflow)) continue;
    announcements.push(t("announce.changed", { task, status, headline: headline(workflow, t, names) }));
    const outcome = outcomeOf(workflow);
    if (outcome && (outcome !== outcomeOf(old) || old.task?.late_result !== workflow.task?.late_result || old.delivery_failure?.kind !== workflow.delivery_failure?.kind)) {
      toasts.push({
        id: `longrun-${workflow.workflow_id}`,
        title: t(toastTitle[outcome], { task }),
        message: headline(workflow, t, names),
        type: outcome === "completed" ? "success" : outcome === "failed" || outcome === "not-passed-on" ? "error" : "info",
      });
    }
  }
  return { announcements, toasts };
}
