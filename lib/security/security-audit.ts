// Audit rows (AuditEntry) for security decisions. Refusals can be provoked by
// anyone, so each kind is written at most once per org, peer and minute (the
// rate-limit table is the shared "already written" marker); the log line is
// written every time.
import { clock } from "@/lib/clock";
import { db, type Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { rateLimiter } from "@/lib/security/rate-limiter";

export interface AuditInput {
  orgId: string;
  actor: string;
  action: string;
  data: Record<string, unknown>;
}

export async function writeAudit(entry: AuditInput, client?: Tx): Promise<void> {
  const prisma = client ?? (await db());
  await prisma.auditEntry.create({
    data: { orgId: entry.orgId, actor: entry.actor, action: entry.action, data: entry.data as Prisma.InputJsonValue, createdAt: clock.now() },
  });
}

/** Audits a refusal unless the same org/action/peer was audited in the last minute. */
export async function auditRefusal(entry: AuditInput & { peer: string | null }): Promise<void> {
  try {
    const marker = await rateLimiter().hit([{ key: `audit:${entry.action}:${entry.orgId}:${entry.peer ?? "unknown"}`.slice(0, 300), limit: 1, windowSeconds: 60 }]);
    if (marker.allowed) await writeAudit({ ...entry, data: { ...entry.data, peer: entry.peer } });
  } catch (error) {
    // Failing to audit must not turn a 403 into a 500; the log line below still records it.
    log.error("audit.write_failed", { action: entry.action, orgId: entry.orgId, error: error instanceof Error ? error.message : String(error) });
  }
}
