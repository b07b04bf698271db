import { describe, expect, it } from "vitest";
import { parseCidrList } from "@/lib/security/ip-cidr";
import { resolvePeer } from "@/lib/security/peer-address";
import { peerHeader } from "@/lib/security/peer-header";
import type { SecurityConfig } from "@/lib/security/security-config";

function config(overrides: Partial<SecurityConfig> = {}): SecurityConfig {
  return {
    limits: { clientPerMinute: 600, orgPerMinute: 1200, tokenClientPerMinute: 30, tokenPeerPerMinute: 120, webhookPeerPerMinute: 1200, webhookOrgPerMinute: 1200 },
    webhookReceiptRetentionMs: 72 * 3600_000,
    trustedProxies: [],
    onVercel: false,
    peerHeaderTrusted: true,
    ...overrides,
  };
}

const proxies = parseCidrList("10.0.0.0/8, fd00::/8");

describe("the real peer", () => {
  it("is the socket address the server stamped", () => {
    expect(resolvePeer(new Headers({ [peerHeader]: "::ffff:203.0.113.5" }), config())).toEqual({ address: "203.0.113.5", via: "socket" });
    expect(resolvePeer(new Headers({ [peerHeader]: "2001:db8::7" }), config())).toEqual({ address: "2001:db8::7", via: "socket" });
  });

  it("never believes X-Forwarded-For, X-Real-IP or X-Source-IP from an untrusted peer", () => {
    const headers = new Headers({ [peerHeader]: "198.51.100.9", "x-forwarded-for": "10.1.1.1", "x-source-ip": "10.1.1.1", "x-real-ip": "10.1.1.1", forwarded: "for=10.1.1.1" });
    expect(resolvePeer(headers, config()).address).toBe("198.51.100.9");
    expect(resolvePeer(headers, config({ trustedProxies: proxies })).address).toBe("198.51.100.9");
  });

  it("takes the client from a trusted proxy chain, right to left, skipping trusted hops", () => {
    const viaTwoProxies = new Headers({ [peerHeader]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.0.0.1" });
    // 6.6.6.6 was written by the client itself and stays unbelieved: 203.0.113.5 is what our proxy saw.
    expect(resolvePeer(viaTwoProxies, config({ trustedProxies: proxies }))).toEqual({ address: "203.0.113.5", via: "trusted-proxy" });
    const ipv6 = new Headers({ [peerHeader]: "::ffff:10.9.9.9", "x-forwarded-for": "2001:db8::42" });
    expect(resolvePeer(ipv6, config({ trustedProxies: proxies }))).toEqual({ address: "2001:db8::42", via: "trusted-proxy" });
    const mapped = new Headers({ [peerHeader]: "fd00::1", "x-forwarded-for": "::ffff:192.0.2.1" });
    expect(resolvePeer(mapped, config({ trustedProxies: proxies })).address).toBe("192.0.2.1");
    // Several X-Forwarded-For headers are one list.
    const split = new Headers([[peerHeader, "10.0.0.2"], ["x-forwarded-for", "1.1.1.1"], ["x-forwarded-for", "192.0.2.77"]]);
    expect(resolvePeer(split, config({ trustedProxies: proxies })).address).toBe("192.0.2.77");
  });

  it("stops at the last trusted hop when a hop is garbage or the chain is all proxies", () => {
    expect(resolvePeer(new Headers({ [peerHeader]: "10.0.0.2", "x-forwarded-for": "203.0.113.5, garbage" }), config({ trustedProxies: proxies })).address).toBe("10.0.0.2");
    expect(resolvePeer(new Headers({ [peerHeader]: "10.0.0.2", "x-forwarded-for": "10.0.0.3" }), config({ trustedProxies: proxies })).address).toBe("10.0.0.3");
    expect(resolvePeer(new Headers({ [peerHeader]: "10.0.0.2" }), config({ trustedProxies: proxies })).address).toBe("10.0.0.2");
  });

  it("is unknown when the stamp is missing, malformed, or not vouched for by server.ts", () => {
    expect(resolvePeer(new Headers({ "x-forwarded-for": "203.0.113.5" }), config())).toEqual({ address: null, via: "unknown" });
    expect(resolvePeer(new Headers({ [peerHeader]: "203.0.113.5, 10.0.0.1" }), config()).address).toBeNull();
    // Under a bare `next start` the header could come from anyone.
    expect(resolvePeer(new Headers({ [peerHeader]: "203.0.113.5" }), config({ peerHeaderTrusted: false })).address).toBeNull();
  });

  it("on Vercel, believes Vercel's own headers and nothing else", () => {
    const vercel = config({ onVercel: true, peerHeaderTrusted: false });
    expect(resolvePeer(new Headers({ "x-vercel-forwarded-for": "203.0.113.5", "x-forwarded-for": "1.1.1.1", [peerHeader]: "1.1.1.1" }), vercel)).toEqual({ address: "203.0.113.5", via: "vercel" });
    expect(resolvePeer(new Headers({ "x-real-ip": "2001:db8::9" }), vercel).address).toBe("2001:db8::9");
    expect(resolvePeer(new Headers({ "x-source-ip": "203.0.113.5" }), vercel).address).toBeNull();
  });
});
