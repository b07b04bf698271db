// The API's view of stored processes (snake_case, ISO times).
import type { ProcessListView, ProcessVersionView } from "@/lib/api/process-schemas";
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
