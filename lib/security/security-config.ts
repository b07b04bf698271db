// Security settings from the environment, validated with zod. Read on each use
// (the parse is cheap and cached per raw value) so tests and operators can
// change limits without a restart of the module graph.
import { z } from "zod";
import { parseCidrList, type Cidr } from "@/lib/security/ip-cidr";

const perMinute = z.coerce.number().int().min(1).max(10_000_000);

const schema = z.object({
  /** Requests per minute per data-action client on /api/v1. */
  RATE_LIMIT_CLIENT_PER_MINUTE: perMinute.default(600),
  /** Requests per minute per org on /api/v1 (all its clients together). */
  RATE_LIMIT_ORG_PER_MINUTE: perMinute.default(1200),
  /** Token requests per minute per client id (counted before the secret is checked). */
  RATE_LIMIT_TOKEN_CLIENT_PER_MINUTE: perMinute.default(30),
  /** Token requests per minute per peer address. */
  RATE_LIMIT_TOKEN_PEER_PER_MINUTE: perMinute.default(120),
  /** Signed webhooks (callbacks, heartbeats) per minute per peer address, before verification. */
  RATE_LIMIT_WEBHOOK_PEER_PER_MINUTE: perMinute.default(1200),
  /** Verified webhooks per minute per org. */
  RATE_LIMIT_WEBHOOK_ORG_PER_MINUTE: perMinute.default(1200),
  /** How long a webhook-id is remembered; must outlast the ±5 min timestamp window. */
  WEBHOOK_RECEIPT_RETENTION_HOURS: z.coerce.number().min(1).max(24 * 365).default(72),
  /** Proxies (load balancer, ingress) whose X-Forwarded-For is believed. */
  TRUSTED_PROXY_CIDRS: z.string().optional(),
  /** Set to 1 on Vercel: the client address comes from Vercel's own headers. */
  VERCEL: z.string().optional(),
  /** Set by server.ts: the peer header was written by Longrun's own server, not by the network. */
  LONGRUN_PEER_HEADER: z.string().optional(),
});

export interface SecurityConfig {
  limits: {
    clientPerMinute: number;
    orgPerMinute: number;
    tokenClientPerMinute: number;
    tokenPeerPerMinute: number;
    webhookPeerPerMinute: number;
    webhookOrgPerMinute: number;
  };
  webhookReceiptRetentionMs: number;
  trustedProxies: Cidr[];
  onVercel: boolean;
  peerHeaderTrusted: boolean;
}

const keys = Object.keys(schema.shape) as Array<keyof typeof schema.shape>;
let cache: { raw: string; config: SecurityConfig } | undefined;

export function securityConfig(): SecurityConfig {
  const raw = JSON.stringify(keys.map((k) => process.env[k] ?? null));
  if (cache?.raw === raw) return cache.config;
  const parsed = schema.safeParse(Object.fromEntries(keys.map((k) => [k, process.env[k] || undefined])));
  if (!parsed.success) {
    throw new Error(`invalid security settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const e = parsed.data;
  const config: SecurityConfig = {
    limits: {
      clientPerMinute: e.RATE_LIMIT_CLIENT_PER_MINUTE,
      orgPerMinute: e.RATE_LIMIT_ORG_PER_MINUTE,
      tokenClientPerMinute: e.RATE_LIMIT_TOKEN_CLIENT_PER_MINUTE,
      tokenPeerPerMinute: e.RATE_LIMIT_TOKEN_PEER_PER_MINUTE,
      webhookPeerPerMinute: e.RATE_LIMIT_WEBHOOK_PEER_PER_MINUTE,
      webhookOrgPerMinute: e.RATE_LIMIT_WEBHOOK_ORG_PER_MINUTE,
    },
    webhookReceiptRetentionMs: e.WEBHOOK_RECEIPT_RETENTION_HOURS * 3600_000,
    trustedProxies: parseCidrList(e.TRUSTED_PROXY_CIDRS, "TRUSTED_PROXY_CIDRS"),
    onVercel: e.VERCEL === "1",
    peerHeaderTrusted: e.LONGRUN_PEER_HEADER === "1",
  };
  cache = { raw, config };
  return config;
}
