// Per-org source allowlist for signed webhooks (callbacks, heartbeats): an
// optional list of IPv4/IPv6 CIDR blocks checked against the real peer (see
// peer-address.ts). An empty list means "signature only". A non-empty list
// with an unknown peer refuses: fail closed.
import { db, transactionOptions } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { log } from "@/lib/log";
import { addressInCidrs, parseCidr, parseCidrList, type Cidr } from "@/lib/security/ip-cidr";
import type { Peer } from "@/lib/security/peer-address";
import { auditRefusal, writeAudit } from "@/lib/security/security-audit";

export const maxSourceCidrs = 100;

const parsedLists = new Map<string, Cidr[]>();

function cidrsOf(stored: readonly string[]): Cidr[] {
  const cacheKey = stored.join(",");
  let cidrs = parsedLists.get(cacheKey);
  if (!cidrs) {
    cidrs = [];
    for (const entry of stored) {
      const cidr = parseCidr(entry);
      // Entries are validated on write; a bad one left in the row just matches nothing.
      if (cidr) cidrs.push(cidr);
      else log.warn("allowlist.bad_entry", { entry });
    }
    if (parsedLists.size > 1000) parsedLists.clear();
    parsedLists.set(cacheKey, cidrs);
  }
  return cidrs;
}

export type SourceDecision = { allowed: true } | { allowed: false; reason: string };

export function checkSource(sourceCidrs: readonly string[], peer: Peer): SourceDecision {
  if (sourceCidrs.length === 0) return { allowed: true };
  if (!peer.address) {
    return { allowed: false, reason: "the peer address is unknown (Longrun is not running behind server.ts or a configured proxy), and the org has a source allowlist" };
  }
  if (addressInCidrs(peer.address, cidrsOf(sourceCidrs))) return { allowed: true };
  return { allowed: false, reason: `peer ${peer.address} (${peer.via}) is not in the org's source allowlist` };
}

/** Logs, audits (deduplicated) and throws 403 SOURCE_NOT_ALLOWED. */
export async function refuseSource(
  refusals: Array<{ orgId: string; reason: string }>,
  peer: Peer,
  context: { workflowId: string; path: string; requestId: string | null },
): Promise<never> {
  for (const { orgId, reason } of refusals) {
    log.warn("webhook.source_refused", { orgId, ...context, peer: peer.address, via: peer.via, reason });
    await auditRefusal({ orgId, actor: "webhook", action: "webhook.source_refused", peer: peer.address, data: { ...context, via: peer.via, reason } });
  }
  throw new AppError(
    "SOURCE_NOT_ALLOWED",
    peer.address ? `requests from ${peer.address} are not allowed for this workflow's org` : "the request's source address cannot be established; it is not allowed",
  );
}

/** Replaces an org's allowlist (validated, normalised, deduplicated); audited. An empty list turns it off. */
export async function setSourceCidrs(orgId: string, entries: readonly string[], actor: string): Promise<string[]> {
  let cidrs: Cidr[];
  try {
    cidrs = parseCidrList(entries, "source allowlist");
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", (error as Error).message);
  }
  const normalised = [...new Set(cidrs.map((c) => c.text))];
  if (normalised.length > maxSourceCidrs) throw new AppError("VALIDATION_FAILED", `at most ${maxSourceCidrs} CIDR blocks`);
  const prisma = await db();
  const before = await prisma.org.findUnique({ where: { id: orgId }, select: { sourceCidrs: true } });
  if (!before) throw new AppError("NOT_FOUND", "org not found");
  await prisma.$transaction(async (tx) => {
    await tx.org.update({ where: { id: orgId }, data: { sourceCidrs: normalised } });
    await writeAudit({ orgId, actor, action: "org.source_cidrs_changed", data: { before: before.sourceCidrs, after: normalised } }, tx);
  }, transactionOptions);
  return normalised;
}
