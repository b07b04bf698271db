// Verifies a request from an external system, cheapest refusal first:
// 1. per-peer rate limit (before anything is read or hashed),
// 2. Standard Webhooks headers present,
// 3. the workflow's org admits the real peer (its optional CIDR allowlist;
//    403 SOURCE_NOT_ALLOWED, logged and audited),
// 4. body size / content type, then the signature by an active secret of
//    that org (the org comes from the signature, never from a claim),
// 5. per-org rate limit, counted only once the org is proven.
import { sqlNow } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log";
import { requestContextOf } from "@/lib/http/api-route";
import { readBodyText, requireJsonContentType } from "@/lib/http/read-body";
import { resolvePeer } from "@/lib/security/peer-address";
import { enforceRateLimits } from "@/lib/security/rate-limiter";
import { webhookOrgLimit, webhookPeerLimit } from "@/lib/security/request-limits";
import { auditRefusal } from "@/lib/security/security-audit";
import { checkSource, refuseSource } from "@/lib/security/source-allowlist";
import { loadedWorkflow, type LoadedWorkflow, type ReceiptRow } from "@/lib/workflows/workflow-store";
import { openSigningSecrets, signatureHeadersFrom, verifyWithAny } from "@/lib/webhooks/signing-secrets";

export interface VerifiedRequest {
  orgId: string;
  webhookId: string;
  body: string;
  /** The active secret that signed it (which one matters during a rotation). */
  secretId?: string;
  /** The answer already given to this webhook-id, if any (read with the owners, used only once verified). */
  earlierAnswer: StoredAnswer | null;
  /** The workflow and its current task as read with the owners; the write compare-and-swaps on what was read. */
  loaded: LoadedWorkflow;
  /** The org's settings as stored (read them with readOrgSettings): its own status words live there. */
  orgSettings: unknown;
}

/** A stored receipt, as the change that made it wrote it. */
export type StoredAnswer = Omit<ReceiptRow, "webhookId">;

interface WorkflowOwner {
  orgId: string;
  sourceCidrs: string[];
  /** The org's active signing secrets, newest first, still sealed. */
  secrets: Array<{ id: string; secretEnc: string }>;
  earlierAnswer: StoredAnswer | null;
  settings: unknown;
  workflow: Record<string, unknown>;
  task: Record<string, unknown> | null;
}

/**
 * The orgs holding a workflow with this id (ids are unique per org only), each
 * with what verifying a request for it takes, in one round trip.
 */
async function workflowOwners(workflowId: string, webhookId: string): Promise<WorkflowOwner[]> {
  // Every callback sends it: straight through node-postgres (sqlNow), without Prisma's query runtime.
  return sqlNow<WorkflowOwner>(Prisma.sql`
    SELECT w."orgId"::text AS "orgId", o."sourceCidrs", o."settings",
           COALESCE((SELECT json_agg(json_build_object('id', s."id", 'secretEnc', s."secretEnc") ORDER BY s."createdAt" DESC)
                     FROM "SigningSecret" s WHERE s."orgId" = w."orgId" AND s."revokedAt" IS NULL), '[]'::json) AS "secrets",
           (SELECT json_build_object('statusCode', r."statusCode", 'responseBody', r."responseBody")
              FROM "WebhookReceipt" r WHERE r."orgId" = w."orgId" AND r."webhookId" = ${webhookId}) AS "earlierAnswer",
           to_jsonb(w) AS "workflow", to_jsonb(t) AS "task"
    FROM "Workflow" w JOIN "Org" o ON o."id" = w."orgId"
    LEFT JOIN "Task" t ON t."id" = w."currentTaskId" AND t."orgId" = w."orgId"
    WHERE w."id" = ${workflowId}::uuid
    LIMIT 10`);
}

export async function verifySignedRequest(request: Request, workflowId: string, options: { bodyOptional?: boolean } = {}): Promise<VerifiedRequest> {
  const context = requestContextOf(request);
  const peer = context?.peer ?? resolvePeer(request.headers);
  const where = { workflowId, path: new URL(request.url).pathname, requestId: context?.requestId ?? null };
  await enforceRateLimits([webhookPeerLimit(peer)], { route: "webhook", peer: peer.address, workflowId });

  const headers = signatureHeadersFrom(request.headers);
  const owners = await workflowOwners(workflowId, headers["webhook-id"]);
  if (owners.length === 0) throw new AppError("NOT_FOUND", "workflow not found");

  const admitted: WorkflowOwner[] = [];
  const refused: Array<{ orgId: string; reason: string }> = [];
  for (const owner of owners) {
    const decision = checkSource(owner.sourceCidrs, peer);
    if (decision.allowed) admitted.push(owner);
    else refused.push({ orgId: owner.orgId, reason: decision.reason });
  }
  if (admitted.length === 0) return refuseSource(refused, peer, where);

  const body = await readBodyText(request);
  if (body.trim() !== "" || !options.bodyOptional) requireJsonContentType(request);

  let lastReason = "bad_signature";
  for (const owner of admitted) {
    const { orgId, secrets, earlierAnswer } = owner;
    const verified = verifyWithAny(openSigningSecrets(secrets), body, headers);
    if (verified.ok) {
      await enforceRateLimits([webhookOrgLimit(orgId)], { route: "webhook", orgId, workflowId });
      return { orgId, webhookId: headers["webhook-id"], body, secretId: verified.secretId, earlierAnswer, loaded: loadedWorkflow(owner), orgSettings: owner.settings };
    }
    lastReason = verified.reason;
  }
  log.warn("webhook.signature_refused", { ...where, reason: lastReason, webhookId: headers["webhook-id"], peer: peer.address });
  for (const { orgId } of admitted) {
    await auditRefusal({ orgId, actor: "webhook", action: "webhook.signature_refused", peer: peer.address, data: { ...where, reason: lastReason } });
  }
  throw new AppError(
    "INVALID_SIGNATURE",
    lastReason === "timestamp_out_of_range" ? "webhook-timestamp is more than 5 minutes from now" : "signature does not match any active signing secret",
  );
}
