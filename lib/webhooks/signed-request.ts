// Verifies a request from an external system: Standard Webhooks signature by
// an active secret of the org that owns the workflow. The org comes from the
// signature, never from anything the caller merely claims.
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log";
import { readBodyText, requireJsonContentType } from "@/lib/http/read-body";
import { activeSigningSecrets, signatureHeadersFrom, verifyWithAny } from "@/lib/webhooks/signing-secrets";

export interface VerifiedRequest {
  orgId: string;
  webhookId: string;
  body: string;
}

export async function verifySignedRequest(request: Request, workflowId: string, options: { bodyOptional?: boolean } = {}): Promise<VerifiedRequest> {
  const headers = signatureHeadersFrom(request.headers);
  const body = await readBodyText(request);
  if (body.trim() !== "" || !options.bodyOptional) requireJsonContentType(request);

  const prisma = await db();
  const owners = await prisma.workflow.findMany({ where: { id: workflowId }, select: { orgId: true }, take: 10 });
  if (owners.length === 0) throw new AppError("NOT_FOUND", "workflow not found");

  let lastReason = "bad_signature";
  for (const { orgId } of owners) {
    const verified = verifyWithAny(await activeSigningSecrets(orgId), body, headers);
    if (verified.ok) return { orgId, webhookId: headers["webhook-id"], body };
    lastReason = verified.reason;
  }
  log.warn("webhook.signature_refused", { workflowId, reason: lastReason, webhookId: headers["webhook-id"] });
  throw new AppError(
    "INVALID_SIGNATURE",
    lastReason === "timestamp_out_of_range" ? "webhook-timestamp is more than 5 minutes from now" : "signature does not match any active signing secret",
  );
}
