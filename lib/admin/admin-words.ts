// Words for the admin console's codes: delivery kinds and states, audit
// actions. Unknown codes (a kind added later) read as words, never as a blank.
import type { Translator } from "@/lib/i18n/messages";
import { taskTypeWords } from "@/lib/panel/status-words";
// The outbox kinds (lib/domain/effects.ts effectKinds), each with its words in the catalogues.
const kinds = ["DISPATCH_TASK", "ESCALATE", "SUPERSEDE_ESCALATION", "LATE_RESULT", "RESULT_FOLLOW_UP"] as const;
const deliveryStatuses = ["PENDING", "IN_FLIGHT", "DELIVERED", "DEAD", "SUPERSEDED"] as const;

export function kindWords(kind: string, t: Translator): string {
  const known = kinds.find((k) => k === kind);
  return known ? t(`kind.${known}`) : t("kind.other", { kind: taskTypeWords(kind.toLowerCase()) });
}

export function deliveryStatusWords(status: string, t: Translator): string {
  const known = deliveryStatuses.find((s) => s === status);
  return known ? t(`status.delivery.${known}`) : taskTypeWords(status.toLowerCase());
}

const auditActions = [
  "org.configured", "org.registered", "org.uninstalled", "org.uninstall_failed", "org.source_cidrs_changed", "install.step", "api_client.created",
  "genesys_secret.resealed", "signing_secret.created", "signing_secret.rotated", "signing_secret.revoked", "signing_secret.resealed",
  "webhook.signature_refused", "webhook.source_refused",
] as const;
export type KnownAuditAction = (typeof auditActions)[number];
type AuditKey = { [A in KnownAuditAction]: A extends `${infer L}.${infer R}` ? `${L}__${R}` : never }[KnownAuditAction];
export const knownAuditActions: readonly KnownAuditAction[] = auditActions;

export function auditActionWords(action: string, t: Translator): string {
  const known = auditActions.find((a) => a === action);
  // Catalogue keys cannot hold dots (they nest): "org.configured" is audit.org__configured.
  return known ? t(`audit.${known.replace(".", "__") as AuditKey}`) : t("audit.other", { action: taskTypeWords(action.replace(/[._]/g, " ")) });
}

/** "admin:Ada Admin (u-1)" → "Ada Admin"; other actors by their words. */
export function auditActorWords(actor: string, t: Translator): string {
  if (actor.startsWith("admin:")) return actor.slice(6).replace(/\s*\([^)]*\)$/, "");
  const known = ["data-action", "callback", "cron", "agent", "admin", "outbox"] as const;
  const match = known.find((a) => a === actor);
  return match ? t(`actor.${match}`) : actor;
}
