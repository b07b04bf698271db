// Which counters each kind of request is charged to. Keys never hold secrets:
// client ids, org ids and addresses only, and anything odd is hashed.
import { createHash } from "node:crypto";
import type { Limit } from "@/lib/security/rate-limiter";
import type { Peer } from "@/lib/security/peer-address";
import { securityConfig } from "@/lib/security/security-config";

function keyPart(value: string): string {
  return /^[A-Za-z0-9_.:-]{1,100}$/.test(value) ? value : `h:${createHash("sha256").update(value).digest("hex").slice(0, 32)}`;
}

function peerKey(peer: Peer): string {
  return peer.address ? keyPart(peer.address) : "unknown";
}

const minute = 60;

/** Every authenticated /api/v1 request: per client and per org. */
export function apiLimits(principal: { orgId: string; clientId: string }): Limit[] {
  const { limits } = securityConfig();
  return [
    { key: `api:client:${keyPart(principal.clientId)}`, limit: limits.clientPerMinute, windowSeconds: minute },
    { key: `api:org:${keyPart(principal.orgId)}`, limit: limits.orgPerMinute, windowSeconds: minute },
  ];
}

/** The token endpoint, per peer, before anything is parsed or hashed. */
export function tokenPeerLimit(peer: Peer): Limit {
  return { key: `token:peer:${peerKey(peer)}`, limit: securityConfig().limits.tokenPeerPerMinute, windowSeconds: minute };
}

/** The token endpoint, per claimed client id, before the (slow) secret check. */
export function tokenClientLimit(clientId: string): Limit {
  return { key: `token:client:${keyPart(clientId)}`, limit: securityConfig().limits.tokenClientPerMinute, windowSeconds: minute };
}

/** Signed webhooks, per peer, before the body is read or a signature computed. */
export function webhookPeerLimit(peer: Peer): Limit {
  return { key: `webhook:peer:${peerKey(peer)}`, limit: securityConfig().limits.webhookPeerPerMinute, windowSeconds: minute };
}

/** Signed webhooks, per org, once the signature has named the org. */
export function webhookOrgLimit(orgId: string): Limit {
  return { key: `webhook:org:${keyPart(orgId)}`, limit: securityConfig().limits.webhookOrgPerMinute, windowSeconds: minute };
}
