// A task as it starts: no heartbeat, no result, its deadline `timeoutSeconds`
// from now. Dispatching by hand (DISPATCH_TASK) and a process step both start
// tasks this way, so a new task field is added here once.
import type { TaskState } from "./workflow-machine";

export function newTask(
  fields: Pick<TaskState, "id" | "type" | "status" | "dispatch" | "timeoutSeconds" | "heartbeatTimeoutSeconds" | "callbackVersion" | "step" | "attempt">,
  now: Date,
): TaskState {
  return {
    ...fields,
    deadlineAt: new Date(now.getTime() + fields.timeoutSeconds * 1000),
    lastHeartbeatAt: null,
    resultStatus: null,
    resultData: null,
    failureReason: null,
    resultSuccess: null,
    lateResult: false,
    completedAt: null,
    timedOutAt: null,
  };
}
