// The admin workflow page's history, with heartbeats folded like the panel's
// timeline (lib/panel/panel-glance.ts timelineEntries): an external system
// that sends a heartbeat every few seconds would otherwise bury the status
// changes under hundreds of identical rows. Consecutive heartbeats and
// progress callbacks of one task become one row with the count, the latest
// progress message and the last one's time; the page lets an admin open the
// row to see each of them.
import { isSignOfLife, progressMessage } from "@/lib/domain/sign-of-life";

/** What the folding reads of an audit event (the page passes Prisma's Event rows). */
export interface HistoryEvent {
  taskId: string | null;
  type: string;
  data: unknown;
}

export type HistoryRow<E extends HistoryEvent> =
  | { kind: "event"; event: E }
  | {
      kind: "heartbeats";
      /** Oldest first, like the history. */
      events: E[];
      /** The run's last event (its time is the row's, its id keys the row). */
      latest: E;
      count: number;
      /** The latest progress message of the run, if any of them said something. */
      progress: string | null;
    };

/**
 * In the events' order: each run of two or more consecutive heartbeat or
 * progress events of the same task becomes one row; any other event, a
 * heartbeat of another task or a lone heartbeat ends the run and stays a row
 * of its own.
 */
export function historyRows<E extends HistoryEvent>(events: readonly E[]): HistoryRow<E>[] {
  const rows: HistoryRow<E>[] = [];
  let run: E[] = [];
  const closeRun = () => {
    if (run.length === 1) rows.push({ kind: "event", event: run[0]! });
    else if (run.length > 1) {
      let progress: string | null = null;
      for (const event of run) progress = progressMessage(event) ?? progress;
      rows.push({ kind: "heartbeats", events: run, latest: run[run.length - 1]!, count: run.length, progress });
    }
    run = [];
  };
  for (const event of events) {
    if (isSignOfLife(event.type)) {
      if (run.length > 0 && run[0]!.taskId !== event.taskId) closeRun();
      run.push(event);
      continue;
    }
    closeRun();
    rows.push({ kind: "event", event });
  }
  closeRun();
  return rows;
}
