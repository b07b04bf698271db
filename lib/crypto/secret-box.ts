// Secrets at rest: AES-256-GCM with a random 96-bit nonce. The stored form
// names the key it was sealed with ("v1.<keyId>.<iv>.<tag>.<ciphertext>") so
// that the key can be rotated: old keys stay able to open until re-sealed.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { encryptionKeyBase64, env } from "@/lib/env";

interface Key {
  id: string;
  bytes: Buffer;
}

function decodeKey(base64: string): Buffer {
  const bytes = Buffer.from(base64, "base64");
  if (bytes.length !== 32) throw new Error("encryption key must be 32 bytes, base64-encoded");
  return bytes;
}

function keyId(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 8);
}

function currentKey(): Key {
  const bytes = decodeKey(encryptionKeyBase64());
  return { id: keyId(bytes), bytes };
}

function allKeys(): Key[] {
  const keys = [currentKey()];
  for (const entry of (env().ENCRYPTION_KEYS_OLD ?? "").split(",").filter(Boolean)) {
    const bytes = decodeKey(entry.includes(":") ? entry.slice(entry.indexOf(":") + 1) : entry);
    keys.push({ id: keyId(bytes), bytes });
  }
  return keys;
}

export function seal(plaintext: string): string {
  const key = currentKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", key.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function open(sealed: string): string {
  const [version, id, iv, tag, ciphertext] = sealed.split(".");
  if (version !== "v1" || !id || !iv || !tag || ciphertext === undefined) throw new Error("not a sealed secret");
  const key = allKeys().find((k) => k.id === id);
  if (!key) throw new Error(`no encryption key ${id} is configured`);
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

/** The id of the key that sealed a value, for re-sealing after a key rotation. */
export function sealedKeyId(sealed: string): string | undefined {
  return sealed.split(".")[1];
}
