// What changed between two snapshots, in words: the screen-reader
// announcement and the desktop toasts for outcomes (completed, failed, timed out).
import type { PanelSnapshot, PanelWorkflow } from "@/lib/panel/panel-types";
import { headline, outcomeOf, statusWordsOf, taskTypeWords } from "@/lib/panel/status-words";

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

export function workflowTitle(workflow: PanelWorkflow): string {
  return workflow.task ? taskTypeWords(workflow.task.type) : "Workflow";
}

function taskMoment(workflow: PanelWorkflow): string {
  const t = workflow.task;
  return t ? `${t.id}:${t.status}:${t.late_result}` : "";
}

export function snapshotChanges(previous: PanelSnapshot | null, next: PanelSnapshot): SnapshotChanges {
  // The first snapshot is what the agent sees on opening: nothing to announce.
  if (!previous) return { announcements: [], toasts: [] };
  const before = new Map(previous.workflows.map((w) => [w.workflow_id, w]));
  const announcements: string[] = [];
  const toasts: Toast[] = [];
  for (const workflow of next.workflows) {
    const old = before.get(workflow.workflow_id);
    const title = workflowTitle(workflow);
    if (!old) {
      announcements.push(`New workflow: ${title}, ${statusWordsOf(workflow).label}.`);
      continue;
    }
    if (old.status === workflow.status && taskMoment(old) === taskMoment(workflow)) continue;
    announcements.push(`${title}: ${statusWordsOf(workflow).label}. ${headline(workflow)}`);
    const outcome = outcomeOf(workflow);
    if (outcome && (outcome !== outcomeOf(old) || old.task?.late_result !== workflow.task?.late_result)) {
      toasts.push({
        id: `longrun-${workflow.workflow_id}`,
        title: outcome === "completed" ? `${title} completed` : outcome === "failed" ? `${title} failed` : `${title} timed out`,
        message: headline(workflow),
        type: outcome === "completed" ? "success" : outcome === "failed" ? "error" : "info",
      });
    }
  }
  return { announcements, toasts };
}
