// The admin workflow page's step history: the same story the agent panel
// tells (lib/panel/process-history.ts), from every task and event of the
// workflow, with its pinned definition for the step titles.
import { db } from "@/lib/db/client";
import type { Event, Task, Workflow } from "@/lib/generated/prisma/client";
import type { ProcessDefinition } from "@/lib/domain/process-definition";
import { processHistory } from "@/lib/panel/process-history";
import type { PanelProcess } from "@/lib/panel/panel-types";
import { pinnedDefinition } from "@/lib/processes/process-inputs";

/** Null for a single-task workflow. `events` oldest first, as workflowDetail reads them. */
export async function workflowStepHistory(workflow: Workflow, tasks: readonly Task[], events: readonly Event[]): Promise<PanelProcess | null> {
  if (!workflow.processName || workflow.processVersion === null) return null;
  const prisma = await db();
  const definition = await pinnedDefinition(prisma, workflow.orgId, workflow.processName, workflow.processVersion).catch((): ProcessDefinition | null => null);
  return processHistory(workflow, definition, tasks, events);
}
