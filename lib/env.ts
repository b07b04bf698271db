// Environment, validated with zod once, on first use.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { z } from "zod";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /**
   * postgres://… of the database. Unset, the launchers (npm run dev / start /
   * worker, the org:* commands) start the embedded PostgreSQL and set it.
   */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
  /** 32 bytes, base64: the AES-256-GCM key for secrets at rest. */
  ENCRYPTION_KEY: z.string().optional(),
  /** Older keys still able to decrypt, as "keyId:base64,keyId:base64". */
  ENCRYPTION_KEYS_OLD: z.string().optional(),
  /** Base URL that external systems reach Longrun on (for X-Callback-URL). */
  PUBLIC_BASE_URL: z.url().optional(),
  CRON_SECRET: z.string().min(16).optional(),
  /** Bearer secret of GET /api/metrics (Prometheus); unset, the route refuses every scrape. */
  METRICS_SECRET: z.string().min(16).optional(),
  /** How long an outbox run holds a claimed delivery before another run may take it over (a run that died, rule 6). */
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  /**
   * How often a live panel stream whose conversation names no workflow in its `workflow_id` participant
   * attribute asks Genesys again (and how long "none named" is cached), so a workflow named mid-call
   * shows within about this long without a reconnect. Fractions are for tests.
   */
  PANEL_ATTRIBUTE_RECHECK_SECONDS: z.coerce.number().min(0.05).max(300).default(10),
  TRUSTED_PROXY_CIDRS: z.string().optional(),
  GENESYS_API_BASE_URL: z.url().optional(),
  GENESYS_LOGIN_BASE_URL: z.url().optional(),
  /**
   * OAuth client (authorization code grant with PKCE, authorizedGrantType "CODE") the agent panel
   * signs agents in with, when the widget URL carries none (the install wizard puts its own in).
   */
  GENESYS_PANEL_CLIENT_ID: z.string().min(1).optional(),
  /**
   * AppFoundry checks (genesys/README.md "AppFoundry"): the wizard installs only into an org that has
   * the premium app product, and admins and agents need its view permission. "off" for a
   * self-hosted deployment that is not sold through AppFoundry.
   */
  GENESYS_APPFOUNDRY_CHECKS: z.enum(["on", "off"]).default("on"),
  /** The premium app's integration type id (Genesys assigns it on approval; premium-app-example until then). */
  GENESYS_PREMIUM_APP_TYPE_ID: z.string().min(1).default("premium-app-example"),
  /** The app's view permission (integration:<appId>:view; the example app's until approval). */
  GENESYS_PREMIUM_APP_VIEW_PERMISSION: z.string().regex(/^[^:\s]+:[^:\s]+:[^:\s]+$/).default("integration:examplePremiumApp:view"),
  /** OAuth client (authorization code grant) admins sign in to /admin with. */
  GENESYS_ADMIN_CLIENT_ID: z.string().min(1).optional(),
  GENESYS_ADMIN_CLIENT_SECRET: z.string().min(1).optional(),
  /** next-auth: signs and encrypts admin sessions; its public URL (defaults to PUBLIC_BASE_URL). */
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: z.url().optional(),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  cached = parsed.data;
  return cached;
}

/** The database URL; a clear error when no launcher set it (e.g. `next dev` run directly). */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) {
    throw new Error("DATABASE_URL is not set: start Longrun with `npm run dev` or `npm start` (they start the embedded PostgreSQL), or set DATABASE_URL to a PostgreSQL database");
  }
  return url;
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}

/**
 * The encryption key. Production must set ENCRYPTION_KEY; a developer's
 * embedded setup gets a key generated once into .data so that `npm run dev`
 * needs no configuration.
 */
export function encryptionKeyBase64(): string {
  const configured = env().ENCRYPTION_KEY;
  if (configured) return configured;
  if (env().NODE_ENV === "production") throw new Error("ENCRYPTION_KEY must be set in production");
  const file = path.resolve(".data/dev-encryption-key");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}
