// The API's view of stored processes (snake_case, ISO times), and the
// process fields of a workflow's flat view.
import type { ProcessListView, ProcessVersionView } from "@/lib/api/process-schemas";
import type { WorkflowView } from "@/lib/api/schemas";
import { stepTitle, type ProcessDefinition } from "@/lib/domain/process-definition";
import type { ProcessPhase } from "@/lib/domain/process-machine";
import type { Workflow } from "@/lib/generated/prisma/client";
import type { ProcessSummary, StoredProcess } from "@/lib/processes/process-store";

export function toProcessVersionView(process: StoredProcess): ProcessVersionView {
  return {
    name: process.name,
    version: process.version,
    step_count: process.stepCount,
    created_at: process.createdAt.toISOString(),
    created_by: process.createdBy,
    definition: process.definition,
  };
}

export function toProcessListView(processes: ProcessSummary[]): ProcessListView {
  return {
    processes: processes.map((p) => ({
      name: p.name,
      latest_version: p.latestVersion,
      step_count: p.stepCount,
      description: p.description,
      updated_at: p.updatedAt.toISOString(),
    })),
  };
}

type ProcessViewFields = Pick<WorkflowView, "process" | "process_version" | "current_step" | "step_title" | "step_index" | "step_count" | "attempt" | "process_phase" | "wake_at">;

/** "Step 2 of 3 · Credit check" as flat fields an Architect translation map can read; all null for a single task. */
export function processViewFields(workflow: Workflow, definition: ProcessDefinition | null): ProcessViewFields {
  const step = definition && workflow.stepIndex !== null ? definition.steps[workflow.stepIndex] : undefined;
  return {
    process: workflow.processName,
    process_version: workflow.processVersion,
    current_step: workflow.currentStep,
    step_title: step ? stepTitle(step) : null,
    step_index: workflow.stepIndex === null ? null : workflow.stepIndex + 1,
    step_count: workflow.stepCount,
    attempt: workflow.attempt,
    process_phase: workflow.processPhase as ProcessPhase | null,
    wake_at: workflow.wakeAt?.toISOString() ?? null,
  };
}
