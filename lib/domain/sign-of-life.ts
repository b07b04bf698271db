// Signs of life: a heartbeat, and progress, which is a heartbeat that says
// what is going on (one rule in the state machine, signOfLife in
// workflow-machine.ts). The panel's timeline and the admin's history both fold
// runs of them into one line, so what counts as one, and what a progress event
// said, is decided here once.
import type { DomainEventType } from "./workflow-machine";

const signsOfLife: ReadonlySet<string> = new Set<DomainEventType>(["TASK_HEARTBEAT", "TASK_PROGRESS"]);

/** Whether an audit event of this type is a heartbeat or a progress callback. */
export function isSignOfLife(type: string): boolean {
  return signsOfLife.has(type);
}

/** What a progress event said: its message, else its word (PROCESSING, UNDER_REVIEW…); a plain heartbeat says nothing. */
export function progressMessage(event: { type: string; data: unknown }): string | null {
  if (event.type !== "TASK_PROGRESS") return null;
  const data = event.data !== null && typeof event.data === "object" && !Array.isArray(event.data) ? (event.data as Record<string, unknown>) : null;
  for (const key of ["message", "word"]) {
    const value = data?.[key];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return null;
}
