// Delivers fresh outbox rows right after the response is sent, so a dispatch
// reaches the orchestrator at once; the worker/cron delivers whatever this
// misses (serverless cut-off, crash).
import { after } from "next/server";
import { log } from "@/lib/log";
import { processOutbox } from "@/lib/outbox/process-outbox";

export function deliverSoon(): void {
  try {
    after(async () => {
      await processOutbox({ maxBatches: 1 }).catch((error: unknown) => log.warn("outbox.kick_failed", { error: String(error) }));
    });
  } catch {
    // Outside a Next.js request (scripts, unit tests): the worker delivers it.
  }
}
