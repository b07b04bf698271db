// Delivers fresh outbox rows right after the response is sent, so a dispatch
// reaches the orchestrator at once; the worker/cron delivers whatever this
// misses (serverless cut-off, crash).
import { after } from "next/server";
import { deferAfterResponse } from "@/lib/http/direct-routes";
import { log } from "@/lib/log";
import { processOutbox } from "@/lib/outbox/process-outbox";

/** `request`: the request being answered, so that a request the server serves directly (lib/http/direct-routes.ts) kicks after its response too. */
export function deliverSoon(request?: Request): void {
  const kick = async () => {
    await processOutbox({ maxBatches: 1 }).catch((error: unknown) => log.warn("outbox.kick_failed", { error: String(error) }));
  };
  if (request && deferAfterResponse(request, kick)) return;
  try {
    after(kick);
  } catch {
    // Outside a Next.js request (scripts, unit tests): the worker delivers it.
  }
}
