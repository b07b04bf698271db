// The Genesys stand-in's authorization code grant with PKCE refuses what
// Genesys refuses (RFC 7636 §4.6; Developer Center "Use PKCE",
// https://developer.genesys.cloud/authorization/platform-auth/use-pkce), so a
// panel that gets the exchange wrong fails its browser tests.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGenesysStandIn, type GenesysStandIn, type StandInUser } from "@/test/support/genesys-stand-in";

const redirectUri = "https://longrun.example.com/panel";
let genesys: GenesysStandIn;
let agent: StandInUser;

beforeAll(async () => {
  genesys = await startGenesysStandIn();
  agent = genesys.addUser({ orgId: "org-1", name: "Dana Agent" });
  genesys.addClient({ clientId: "panel", authorizedGrantType: "CODE", redirectUris: [redirectUri] });
  genesys.addClient({ clientId: "implicit", authorizedGrantType: "TOKEN", redirectUris: [redirectUri] });
  genesys.addClient({ clientId: "machine", authorizedGrantType: "CLIENT-CREDENTIALS", secret: "s3cret", orgId: "org-1" });
  genesys.setLoginUser(agent.id);
});

afterAll(async () => {
  await genesys?.close();
});

function pkcePair() {
  const verifier = randomBytes(64).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

async function authorize(params: Record<string, string>, cookie?: string) {
  const url = `${genesys.url}/oauth/authorize?${new URLSearchParams(params).toString()}`;
  const res = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
  const location = res.headers.get("location");
  return { status: res.status, location: location ? new URL(location, genesys.url) : null, setCookie: res.headers.get("set-cookie"), text: await res.text() };
}

async function codeFor(challenge: string, client = "panel"): Promise<string> {
  const res = await authorize({ client_id: client, redirect_uri: redirectUri, response_type: "code", code_challenge: challenge, code_challenge_method: "S256", state: "r.1" });
  expect(res.status).toBe(302);
  expect(res.location?.searchParams.get("state")).toBe("r.1");
  const code = res.location?.searchParams.get("code");
  expect(code, res.location?.toString()).toBeTruthy();
  return code!;
}

async function exchange(form: Record<string, string>) {
  const res = await fetch(`${genesys.url}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("Genesys stand-in: authorization code with PKCE", () => {
  it("exchanges a code for a token only with the verifier of its challenge, once", async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(challenge);
    const wrong = await exchange({ grant_type: "authorization_code", code, code_verifier: pkcePair().verifier, client_id: "panel", redirect_uri: redirectUri });
    expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const fresh = await codeFor(challenge);
    const ok = await exchange({ grant_type: "authorization_code", code: fresh, code_verifier: verifier, client_id: "panel", redirect_uri: redirectUri });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    const me = await fetch(`${genesys.url}/api/v2/tokens/me`, { headers: { authorization: `Bearer ${String(ok.body.access_token)}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { organization: { id: string } }).organization.id).toBe("org-1");

    const reused = await exchange({ grant_type: "authorization_code", code: fresh, code_verifier: verifier, client_id: "panel", redirect_uri: redirectUri });
    expect(reused).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("refuses a redirect URI that is not registered, or not the one the code was issued for", async () => {
    const { verifier, challenge } = pkcePair();
    const unregistered = await authorize({ client_id: "panel", redirect_uri: "https://evil.example.com/panel", response_type: "code", code_challenge: challenge, code_challenge_method: "S256" });
    // An error page: Genesys never redirects to an unregistered URI.
    expect(unregistered.status).toBe(400);
    expect(unregistered.location).toBeNull();
    const code = await codeFor(challenge);
    const other = await exchange({ grant_type: "authorization_code", code, code_verifier: verifier, client_id: "panel", redirect_uri: `${redirectUri}?x=1` });
    expect(other).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("refuses an unknown client, a plain challenge, and clients whose grant type is not CODE", async () => {
    const { verifier, challenge } = pkcePair();
    const unknown = await authorize({ client_id: "nobody", redirect_uri: redirectUri, response_type: "code", code_challenge: challenge, code_challenge_method: "S256" });
    expect(unknown.location?.searchParams.get("error")).toBe("unauthorized_client");
    expect((await exchange({ grant_type: "authorization_code", code: "x", code_verifier: verifier, client_id: "nobody", redirect_uri: redirectUri })).body.error).toBe("invalid_client");

    const plain = await authorize({ client_id: "panel", redirect_uri: redirectUri, response_type: "code", code_challenge: verifier, code_challenge_method: "plain" });
    expect(plain.location?.searchParams.get("error")).toBe("invalid_request");

    // An implicit-grant (TOKEN) client gets no code, and a code client no implicit token.
    const implicit = await authorize({ client_id: "implicit", redirect_uri: redirectUri, response_type: "code", code_challenge: challenge, code_challenge_method: "S256" });
    expect(implicit.location?.searchParams.get("error")).toBe("unauthorized_client");
    const tokenFromCodeClient = await authorize({ client_id: "panel", redirect_uri: redirectUri, response_type: "token" });
    expect(new URLSearchParams(tokenFromCodeClient.location?.hash.slice(1)).get("error")).toBe("unauthorized_client");
    expect((await exchange({ grant_type: "authorization_code", code: "x", code_verifier: verifier, client_id: "machine", redirect_uri: redirectUri })).body.error).toBe("unauthorized_client");
  });

  it("asks a browser without a Genesys session to log in, then signs it in silently with the session cookie", async () => {
    genesys.setLoginUser(null);
    genesys.setLoginPage(true);
    try {
      const { challenge } = pkcePair();
      const params = { client_id: "panel", redirect_uri: redirectUri, response_type: "code", code_challenge: challenge, code_challenge_method: "S256", state: "p.1" };
      const first = await authorize(params);
      expect(first.status).toBe(302);
      expect(first.location?.pathname).toBe("/login");
      const page = await fetch(first.location!);
      const html = await page.text();
      expect(html).toContain("Sign in as Dana Agent");
      const back = first.location!.searchParams.get("return")!;
      const login = await fetch(`${genesys.url}/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ userId: agent.id, return: back }).toString() });
      expect(login.status).toBe(302);
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      const silent = await authorize(params, cookie);
      expect(silent.location?.origin + silent.location!.pathname).toBe(redirectUri);
      expect(silent.location?.searchParams.get("code")).toBeTruthy();
      // Without the cookie: the login page again.
      expect((await authorize(params)).location?.pathname).toBe("/login");
    } finally {
      genesys.setLoginPage(false);
      genesys.setLoginUser(agent.id);
    }
  });
});
