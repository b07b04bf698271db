// The agent's sign-in: OAuth implicit grant against login.<region>, the way
// Genesys client apps do it inside the desktop (the agent is already signed
// in there, so the round trip is a silent redirect). Pure helpers; the
// browser side (storage, redirects) is in app/panel/panel-app.tsx.

export interface GrantRequest {
  loginBase: string;
  clientId: string;
  redirectUri: string;
  state: string;
}

export function authorizeUrl(request: GrantRequest): string {
  const url = new URL("/oauth/authorize", request.loginBase);
  url.searchParams.set("client_id", request.clientId);
  url.searchParams.set("response_type", "token");
  url.searchParams.set("redirect_uri", request.redirectUri);
  url.searchParams.set("state", request.state);
  return url.toString();
}

export type GrantResult =
  | { kind: "token"; accessToken: string; expiresInSeconds: number; state: string | null }
  | { kind: "error"; error: string; description: string | null; state: string | null };

/** Reads `#access_token=…&expires_in=…&state=…` (or `#error=…`); null when the fragment is no grant answer. */
export function parseGrantFragment(hash: string): GrantResult | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const state = params.get("state");
  const token = params.get("access_token");
  if (token) {
    const expires = Number(params.get("expires_in"));
    return { kind: "token", accessToken: token, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : 3600, state };
  }
  const error = params.get("error");
  if (error) return { kind: "error", error, description: params.get("error_description"), state };
  return null;
}

export interface StoredToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  region: string;
}

/** A token is used only if it outlives the next minute: a request should not race its expiry. */
export function usableToken(stored: StoredToken | null, region: string, nowMs: number): StoredToken | null {
  return stored && stored.region === region && stored.expiresAt - 60_000 > nowMs ? stored : null;
}

export function readStoredToken(raw: string | null): StoredToken | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredToken>;
    return typeof value.accessToken === "string" && typeof value.expiresAt === "number" && typeof value.region === "string"
      ? { accessToken: value.accessToken, expiresAt: value.expiresAt, region: value.region }
      : null;
  } catch {
    return null;
  }
}
