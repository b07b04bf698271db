// Standard Webhooks signing secrets per org. Several may be active during a
// rotation; a signature by any active secret passes.
import { randomBytes, randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { clock } from "@/lib/clock";
import { open, seal } from "@/lib/crypto/secret-box";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export async function addSigningSecret(orgId: string, client?: Tx): Promise<{ id: string; secret: string }> {
  const secret = newSigningSecret();
  const id = randomUUID();
  const prisma = client ?? (await db());
  await prisma.signingSecret.create({ data: { id, orgId, secretEnc: seal(secret) } });
  return { id, secret };
}

export async function revokeSigningSecret(orgId: string, id: string): Promise<void> {
  const prisma = await db();
  const { count } = await prisma.signingSecret.updateMany({ where: { orgId, id, revokedAt: null }, data: { revokedAt: clock.now() } });
  if (count === 0) throw new AppError("NOT_FOUND", "no active signing secret with that id");
}

export async function activeSigningSecrets(orgId: string): Promise<Array<{ id: string; secret: string }>> {
  const prisma = await db();
  const rows = await prisma.signingSecret.findMany({ where: { orgId, revokedAt: null }, orderBy: { createdAt: "desc" } });
  return rows.map((row) => ({ id: row.id, secret: open(row.secretEnc) }));
}

export interface SignatureHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

export function signatureHeadersFrom(headers: Headers): SignatureHeaders {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signature = headers.get("webhook-signature");
  if (!id || !timestamp || !signature) {
    throw new AppError("INVALID_SIGNATURE", "webhook-id, webhook-timestamp and webhook-signature headers are required (Standard Webhooks)");
  }
  if (id.length > 256) throw new AppError("INVALID_SIGNATURE", "webhook-id is too long");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature };
}

export type VerifyResult = { ok: true; secretId: string } | { ok: false; reason: "bad_signature" | "timestamp_out_of_range" };

/**
 * Verifies against each active secret; refuses timestamps more than 5 minutes
 * from now (replays of old captures).
 */
export function verifyWithAny(secrets: Array<{ id: string; secret: string }>, body: string, headers: SignatureHeaders): VerifyResult {
  const timestamp = Number(headers["webhook-timestamp"]);
  if (!Number.isFinite(timestamp) || Math.abs(clock.now().getTime() / 1000 - timestamp) > 300) {
    return { ok: false, reason: "timestamp_out_of_range" };
  }
  for (const { id, secret } of secrets) {
    try {
      const webhook = new Webhook(secret);
      // The window was checked above against Longrun's clock (tests move it);
      // the library keeps the HMAC, the several-signatures header and the constant-time compare.
      (webhook as unknown as { verifyTimestamp: (header: string) => Date }).verifyTimestamp = (header) => new Date(Number(header) * 1000);
      webhook.verify(body, headers, { jsonParse: false });
      return { ok: true, secretId: id };
    } catch {
      // try the next active secret
    }
  }
  return { ok: false, reason: "bad_signature" };
}

/** Headers for a body Longrun sends (task dispatch), so orchestrators can verify us. */
export function signOutgoing(secret: string, id: string, body: string, at: Date): SignatureHeaders {
  const signature = new Webhook(secret).sign(id, at, body);
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature };
}
