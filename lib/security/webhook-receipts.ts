// WebhookReceipt rows are the "seen this webhook-id" memory. A captured
// request stays acceptable to the signature check while its timestamp is
// within ±5 minutes of our clock, i.e. for up to 10 minutes after it first
// arrives; receipts must outlive that, so the retention has a floor well above
// it. Older receipts are pruned by the timeout job (lib/jobs/scheduled-jobs.ts).
import { clock } from "@/lib/clock";
import { db } from "@/lib/db/client";
import { pruneReceiptsPlan } from "@/lib/db/workflow-writes";
import { securityConfig } from "@/lib/security/security-config";

/** The signature check's tolerance, both ways (lib/webhooks/signing-secrets.ts). */
export const timestampToleranceSeconds = 300;
/** Never keep receipts for less than this, whatever the setting says. */
export const minimumReceiptRetentionMs = 4 * timestampToleranceSeconds * 1000;

export function receiptRetentionMs(): number {
  return Math.max(securityConfig().webhookReceiptRetentionMs, minimumReceiptRetentionMs);
}

export async function pruneWebhookReceipts(now: Date = clock.now()): Promise<number> {
  const prisma = await db();
  return prisma.$executeRaw(pruneReceiptsPlan(new Date(now.getTime() - receiptRetentionMs())));
}
