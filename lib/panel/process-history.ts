// A process workflow's story step by step, for the agent panel and the admin
// workflow page: each visit of a step in the order the process went, with
// its attempts (one task each: status, reason, times), the retry waiting out
// its backoff and a wait's wake-up time. Read from what the state machine
// recorded — the step's tasks and the process events (TASK_DISPATCHED,
// STEP_RETRY_SCHEDULED, STEP_WAITING, STEP_ESCALATED, PROCESS_ENDED) — and
// decides nothing: where the process goes is lib/domain's business.
import { stepTitle, type ProcessDefinition } from "@/lib/domain/process-definition";
import type { ProcessPhase } from "@/lib/domain/process-machine";
import type { TaskStatus } from "@/lib/domain/workflow-machine";
import type { PanelProcess, PanelStep, PanelStepAttempt, PanelStepOutcome } from "@/lib/panel/panel-types";

/** The event types the history reads (the snapshot loads every one of them, however long the timeline). */
export const processHistoryEventTypes = ["TASK_DISPATCHED", "STEP_RETRY_SCHEDULED", "STEP_WAITING", "STEP_ESCALATED", "PROCESS_ENDED", "WORKFLOW_CANCELLED"] as const;

export interface HistoryTask {
  id: string;
  status: string;
  step: string | null;
  attempt: number;
  failureReason: string | null;
  createdAt: Date;
  completedAt: Date | null;
  timedOutAt: Date | null;
}

export interface HistoryEvent {
  type: string;
  taskId: string | null;
  createdAt: Date;
  data: unknown;
}

export interface HistoryWorkflow {
  processName: string | null;
  processVersion: number | null;
  currentStep: string | null;
  stepIndex: number | null;
  stepCount: number | null;
  attempt: number | null;
  processPhase: string | null;
  wakeAt: Date | null;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function attemptOf(task: HistoryTask): PanelStepAttempt {
  const status = task.status as TaskStatus;
  const ended = task.completedAt ?? task.timedOutAt;
  return {
    attempt: task.attempt,
    task_id: task.id,
    status,
    reason: status === "TIMED_OUT" && !task.completedAt ? "TIMEOUT" : status === "FAILED" ? (task.failureReason ?? null) : null,
    started_at: task.createdAt.toISOString(),
    ended_at: ended?.toISOString() ?? null,
    retry_at: null,
  };
}

function taskOutcome(attempt: PanelStepAttempt | undefined): PanelStepOutcome {
  switch (attempt?.status) {
    case "SUCCEEDED":
      return "succeeded";
    case "FAILED":
      return "failed";
    case "TIMED_OUT":
      return "timed_out";
    default:
      return "running";
  }
}

/**
 * The history of a workflow that runs a process; null for a single-task
 * workflow. `events` oldest first; `tasks` in any order.
 */
export function processHistory(workflow: HistoryWorkflow, definition: ProcessDefinition | null, tasks: readonly HistoryTask[], events: readonly HistoryEvent[]): PanelProcess | null {
  if (!workflow.processName || workflow.processVersion === null) return null;
  const stepOf = (name: string) => {
    const index = definition ? definition.steps.findIndex((s) => s.name === name) : -1;
    const step = index >= 0 ? definition!.steps[index]! : undefined;
    return { index, step };
  };
  const titleOf = (name: string, fallback: unknown) => {
    const { step } = stepOf(name);
    return step ? stepTitle(step) : (str(fallback) ?? name);
  };
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const steps: PanelStep[] = [];
  let ended: PanelProcess["ended"] = null;
  const last = () => steps.at(-1);
  /** A wait is over when the process does its next thing. */
  const wakeOpenWait = (at: Date, cancelled = false) => {
    const open = last();
    if (open?.kind === "wait" && open.outcome === "waiting") {
      open.outcome = cancelled ? "cancelled" : "woke";
      open.woke_at = cancelled ? null : at.toISOString();
      open.ended_at = at.toISOString();
    }
  };

  for (const event of events) {
    const data = record(event.data);
    switch (event.type) {
      case "TASK_DISPATCHED": {
        const name = str(data.step);
        if (!name) break;
        wakeOpenWait(event.createdAt);
        const task = event.taskId ? taskById.get(event.taskId) : undefined;
        const attempt: PanelStepAttempt = task
          ? attemptOf(task)
          : { attempt: Number(data.attempt ?? 1), task_id: event.taskId ?? "", status: "QUEUED", reason: null, started_at: event.createdAt.toISOString(), ended_at: null, retry_at: null };
        const current = last();
        if (current && current.kind === "task" && current.step === name && attempt.attempt > 1 && current.next_attempt !== null) {
          current.attempts.push(attempt);
          current.next_attempt = null;
          break;
        }
        const { index, step } = stepOf(name);
        steps.push({
          step: name,
          title: titleOf(name, data.step_title),
          position: index + 1,
          kind: "task",
          outcome: "running",
          attempts: [attempt],
          next_attempt: null,
          max_attempts: step?.kind === "task" ? (step.retry?.max_attempts ?? 1) : 1,
          wake_at: null,
          woke_at: null,
          escalated: null,
          started_at: event.createdAt.toISOString(),
          ended_at: null,
        });
        break;
      }
      case "STEP_RETRY_SCHEDULED": {
        const current = last();
        const at = str(data.at);
        if (!current || current.kind !== "task" || !at) break;
        const previous = current.attempts.at(-1);
        if (previous) previous.retry_at = at;
        current.next_attempt = { attempt: Number(data.attempt ?? (previous?.attempt ?? 0) + 1), at, reason: str(data.reason) ?? previous?.reason ?? "FAILED" };
        break;
      }
      case "STEP_WAITING": {
        const name = str(data.step);
        if (!name) break;
        wakeOpenWait(event.createdAt);
        const { index } = stepOf(name);
        steps.push({
          step: name,
          title: titleOf(name, data.step_title),
          position: index + 1,
          kind: "wait",
          outcome: "waiting",
          attempts: [],
          next_attempt: null,
          max_attempts: 1,
          wake_at: str(data.until),
          woke_at: null,
          escalated: null,
          started_at: event.createdAt.toISOString(),
          ended_at: null,
        });
        break;
      }
      case "STEP_ESCALATED": {
        const name = str(data.step);
        const visit = [...steps].reverse().find((s) => s.step === name);
        if (visit) visit.escalated = { cause: str(data.cause) ?? "failure", reason: str(data.reason) };
        break;
      }
      case "PROCESS_ENDED":
        wakeOpenWait(event.createdAt);
        ended = { outcome: str(data.outcome) ?? "COMPLETED", reason: str(data.reason) };
        break;
      case "WORKFLOW_CANCELLED":
        wakeOpenWait(event.createdAt, true);
        for (const visit of steps) visit.next_attempt = null;
        break;
    }
  }

  // Task outcomes come from the tasks themselves (a result or a timeout is a task change, not a process event).
  for (const visit of steps) {
    if (visit.kind !== "task") continue;
    const latest = visit.attempts.at(-1);
    visit.outcome = visit.next_attempt ? "retrying" : visit.escalated ? "escalated" : taskOutcome(latest);
    visit.ended_at = visit.outcome === "running" || visit.outcome === "retrying" ? null : (latest?.ended_at ?? null);
  }

  const name = workflow.currentStep ?? steps.at(-1)?.step ?? definition?.steps[0]?.name ?? "";
  return {
    name: workflow.processName,
    version: workflow.processVersion,
    step: name,
    step_title: titleOf(name, steps.findLast((s) => s.step === name)?.title),
    step_position: (workflow.stepIndex ?? 0) + 1,
    step_count: workflow.stepCount ?? definition?.steps.length ?? steps.length,
    attempt: workflow.attempt ?? 1,
    phase: (workflow.processPhase ?? "RUNNING") as ProcessPhase,
    wake_at: workflow.wakeAt?.toISOString() ?? null,
    ended,
    steps,
  };
}
