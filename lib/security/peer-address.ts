// The real peer of a request. In order of trust:
// - on Vercel (VERCEL=1), Vercel's edge overwrites x-vercel-forwarded-for and
//   x-real-ip with the client it saw, so those are believed;
// - otherwise the socket address that server.ts put in x-longrun-peer (only
//   when server.ts says so through LONGRUN_PEER_HEADER=1: under a bare
//   `next start` the header could come from the network);
// - when that socket belongs to a trusted proxy (TRUSTED_PROXY_CIDRS),
//   X-Forwarded-For is walked from the right, skipping trusted hops; the first
//   untrusted hop is the client. Entries left of it were written by the client
//   and are never believed, nor is X-Source-IP or X-Real-IP from anyone else.
import { addressInCidrs, normalizeAddress } from "@/lib/security/ip-cidr";
import { peerHeader } from "@/lib/security/peer-header";
import { securityConfig, type SecurityConfig } from "@/lib/security/security-config";

export interface Peer {
  /** Canonical address, or null when it cannot be known (then allowlists refuse). */
  address: string | null;
  via: "socket" | "trusted-proxy" | "vercel" | "unknown";
}

const maxForwardedHops = 32;

function firstListed(value: string | null): string | null {
  if (!value) return null;
  return normalizeAddress(value.split(",")[0]);
}

export function resolvePeer(headers: Headers, config: SecurityConfig = securityConfig()): Peer {
  if (config.onVercel) {
    const address = firstListed(headers.get("x-vercel-forwarded-for")) ?? firstListed(headers.get("x-real-ip"));
    return address ? { address, via: "vercel" } : { address: null, via: "unknown" };
  }
  const socket = config.peerHeaderTrusted ? normalizeAddress(headers.get(peerHeader)) : null;
  if (!socket) return { address: null, via: "unknown" };
  if (config.trustedProxies.length === 0 || !addressInCidrs(socket, config.trustedProxies)) return { address: socket, via: "socket" };

  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean).slice(-maxForwardedHops);
  let client = socket;
  for (let i = hops.length - 1; i >= 0 && addressInCidrs(client, config.trustedProxies); i--) {
    const hop = normalizeAddress(hops[i]);
    // A hop a trusted proxy could not parse ends the walk at that proxy.
    if (!hop) break;
    client = hop;
  }
  return { address: client, via: client === socket ? "socket" : "trusted-proxy" };
}
