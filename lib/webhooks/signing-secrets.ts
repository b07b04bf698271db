// Standard Webhooks signing secrets per org. Several may be active during a
// rotation; a signature by any active secret passes. Rotation = add a new one
// (shown once), let senders switch, then revoke the old one by id.
import { randomBytes, randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { clock } from "@/lib/clock";
import { open, seal, sealedKeyId } from "@/lib/crypto/secret-box";
import { db, transactionOptions, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { writeAudit } from "@/lib/security/security-audit";

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

export interface SigningSecretInfo {
  id: string;
  createdAt: Date;
  revokedAt: Date | null;
  /** Id of the ENCRYPTION_KEY that sealed it. */
  keyId: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function requireOrg(tx: Tx, orgId: string): Promise<void> {
  if (!uuidPattern.test(orgId) || !(await tx.org.findUnique({ where: { id: orgId }, select: { id: true } }))) {
    throw new AppError("NOT_FOUND", `org ${orgId} is not registered`);
  }
}

/**
 * Adds a new active secret and keeps the others active, so that senders can
 * switch over without a gap. The secret is returned once; only a sealed copy is kept.
 */
export async function rotateSigningSecret(orgId: string, actor: string): Promise<{ id: string; secret: string; stillActive: string[] }> {
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    await requireOrg(tx, orgId);
    const created = await addSigningSecret(orgId, tx);
    const others = await tx.signingSecret.findMany({ where: { orgId, revokedAt: null, id: { not: created.id } }, select: { id: true } });
    await writeAudit({ orgId, actor, action: "signing_secret.rotated", data: { newSecretId: created.id, stillActive: others.map((o) => o.id) } }, tx);
    return { ...created, stillActive: others.map((o) => o.id) };
  }, transactionOptions);
}

/**
 * Revokes one secret at once: signatures made with it fail from the next
 * request on. Refuses to revoke the last active one unless `allowNone` (an
 * emergency stop that makes every callback of the org fail).
 */
export async function revokeSigningSecret(orgId: string, id: string, options: { actor?: string; allowNone?: boolean } = {}): Promise<void> {
  if (!uuidPattern.test(id)) throw new AppError("NOT_FOUND", "no active signing secret with that id");
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    // Lock the org's active secrets so that two revocations cannot together remove the last one.
    const active = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id"::text AS "id" FROM "SigningSecret" WHERE "orgId" = ${orgId}::uuid AND "revokedAt" IS NULL FOR UPDATE`;
    if (!active.some((a) => a.id === id)) throw new AppError("NOT_FOUND", "no active signing secret with that id");
    if (active.length === 1 && !options.allowNone) {
      throw new AppError("CONFLICT", "this is the org's only active signing secret; rotate first, or force to stop all callbacks");
    }
    await tx.signingSecret.update({ where: { id }, data: { revokedAt: clock.now() } });
    await writeAudit({ orgId, actor: options.actor ?? "system", action: "signing_secret.revoked", data: { secretId: id, remainingActive: active.length - 1 } }, tx);
  }, transactionOptions);
}

/** Ids and dates only: listing never opens a secret. */
export async function listSigningSecrets(orgId: string): Promise<SigningSecretInfo[]> {
  const prisma = await db();
  const rows = await prisma.signingSecret.findMany({ where: { orgId }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => ({ id: r.id, createdAt: r.createdAt, revokedAt: r.revokedAt, keyId: sealedKeyId(r.secretEnc) ?? null }));
}

/**
 * After an ENCRYPTION_KEY rotation (new key in ENCRYPTION_KEY, old one in
 * ENCRYPTION_KEYS_OLD): re-seals every secret sealed with another key, so
 * the old key can then be removed. Idempotent.
 */
export async function resealSecrets(actor: string): Promise<{ signingSecrets: number; genesysSecrets: number }> {
  const prisma = await db();
  const currentKeyId = sealedKeyId(seal("probe"));
  let signingSecrets = 0;
  let genesysSecrets = 0;
  const secrets = await prisma.signingSecret.findMany({ select: { id: true, orgId: true, secretEnc: true } });
  for (const row of secrets) {
    if (sealedKeyId(row.secretEnc) === currentKeyId) continue;
    const resealed = seal(open(row.secretEnc));
    // Compare-and-swap on the old ciphertext: a concurrent rotation is never overwritten.
    const { count } = await prisma.signingSecret.updateMany({ where: { id: row.id, secretEnc: row.secretEnc }, data: { secretEnc: resealed } });
    if (count === 1) {
      signingSecrets++;
      await writeAudit({ orgId: row.orgId, actor, action: "signing_secret.resealed", data: { secretId: row.id, keyId: currentKeyId } });
    }
  }
  const orgs = await prisma.org.findMany({ where: { genesysClientSecretEnc: { not: null } }, select: { id: true, genesysClientSecretEnc: true } });
  for (const org of orgs) {
    const sealed = org.genesysClientSecretEnc!;
    if (sealedKeyId(sealed) === currentKeyId) continue;
    const { count } = await prisma.org.updateMany({ where: { id: org.id, genesysClientSecretEnc: sealed }, data: { genesysClientSecretEnc: seal(open(sealed)) } });
    if (count === 1) {
      genesysSecrets++;
      await writeAudit({ orgId: org.id, actor, action: "genesys_secret.resealed", data: { keyId: currentKeyId } });
    }
  }
  return { signingSecrets, genesysSecrets };
}

// Sealed value → secret. A sealed value never changes meaning, so this cache
// cannot go stale: revocation and rotation change which rows are read, not this.
// It holds revoked secrets too (until 10,000 entries, then starts afresh); they
// are never used, since only active rows are looked up in it.
const opened = new Map<string, string>();

/** Opens sealed secrets (AES-GCM), once per sealed value per process. */
export function openSigningSecrets(rows: ReadonlyArray<{ id: string; secretEnc: string }>): Array<{ id: string; secret: string }> {
  return rows.map((row) => {
    let secret = opened.get(row.secretEnc);
    if (secret === undefined) {
      secret = open(row.secretEnc);
      if (opened.size >= 10_000) opened.clear();
      opened.set(row.secretEnc, secret);
    }
    return { id: row.id, secret };
  });
}

export async function activeSigningSecrets(orgId: string): Promise<Array<{ id: string; secret: string }>> {
  const prisma = await db();
  const rows = await prisma.signingSecret.findMany({ where: { orgId, revokedAt: null }, orderBy: { createdAt: "desc" } });
  return openSigningSecrets(rows);
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

/**
 * Headers for a body Longrun sends (task dispatch), so orchestrators can
 * verify us. Given several secrets (a rotation in progress) the header carries
 * one signature per secret, space-separated as Standard Webhooks allows, so a
 * receiver holding either the old or the new secret accepts it.
 */
export function signOutgoing(secret: string | readonly string[], id: string, body: string, at: Date): SignatureHeaders {
  const secrets = typeof secret === "string" ? [secret] : secret;
  const signature = secrets.map((s) => new Webhook(s).sign(id, at, body)).join(" ");
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature };
}
