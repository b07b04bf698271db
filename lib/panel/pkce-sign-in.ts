// The agent's sign-in in the panel: the OAuth authorization code grant with
// PKCE, through the Platform SDK's browser support (ApiClient.loginPKCEGrant,
// purecloud-platform-client-v2 v262 src/purecloud-platform-client-v2/ApiClient.js).
// Genesys ends implicit grants (GENESYS.md §0; Developer Center "Use PKCE",
// https://developer.genesys.cloud/authorization/platform-auth/use-pkce).
//
// What the SDK does (read in its source): loginPKCEGrant first tests a stored
// token (GET /api/v2/tokens/me); without one it makes a 128-character verifier,
// keeps it in sessionStorage under `<prefix>_pkce_code_verifier`, and sends the
// browser to login.<region>/oauth/authorize?response_type=code&code_challenge=
// <base64url(SHA-256)>&code_challenge_method=S256 — by window.location.replace,
// or with usePopup in a window.open popup whose page posts
// {name:"gc_auth_popup", type:"message", search, hash} back. Called again on
// the redirect URI it reads ?code, strips the query (history.replaceState),
// and authorizePKCEGrant POSTs grant_type=authorization_code + code_verifier +
// client_id + redirect_uri to /oauth/token and, with setPersistSettings(true,
// prefix), stores {accessToken, tokenExpiryTime} in localStorage
// `<prefix>_auth_data`. (Its query handling passes a string history state,
// which Next.js's router rejects, so the panel keeps its query away from it
// and calls authorizePKCEGrant itself on the redirect URI — see keepingUrl.)
// It offers no refresh in a browser (refreshCodeAuthorizationGrant rejects
// there; authorizePKCEGrant ignores any refresh_token), so the panel signs in
// again, silently, before the token expires.
//
// Three ways in, each one state prefix (the state comes back on the redirect):
// - "r" redirect: the panel's own frame goes to Genesys and comes back (silent
//   when the agent has a Genesys session; the desktop's frame shows Genesys's
//   login otherwise);
// - "f" frame: a hidden iframe of the panel does the same redirect round trip
//   (renewal, and the silent first try when usePopupAuth is set) and tells the
//   panel by postMessage; the panel keeps its document;
// - "p" popup: the SDK's popup (usePopupAuth={{gcUsePopupAuth}}: the identity
//   provider will not load in the desktop's frame), after a click.
import { loadPlatformSdk, newBrowserApiClient, type SdkApiClient } from "@/lib/panel/platform-sdk";

export type AttemptKind = "redirect" | "frame" | "popup";

export interface SignInSetup {
  clientId: string;
  region: string;
  /** GENESYS_LOGIN_BASE_URL when set (a stand-in); null: login.<region>. */
  gateway: string | null;
  /** The registered redirect URI of the panel's OAuth client: <origin>/panel. */
  redirectUri: string;
}

export interface PanelToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** What a redirect or frame attempt remembers (sessionStorage) until Genesys answers. */
export interface AttemptRecord {
  kind: "redirect" | "frame";
  clientId: string;
  region: string;
  /** Where a redirect attempt returns: the panel URL the desktop opened. */
  returnUrl?: string;
}

const prefixOf: Record<AttemptKind, string> = { redirect: "r", frame: "f", popup: "p" };

export function newState(kind: AttemptKind, random: string = crypto.randomUUID()): string {
  return `${prefixOf[kind]}.${random}`;
}

export function kindOfState(state: string | null | undefined): AttemptKind | null {
  const prefix = state?.split(".")[0];
  const found = (Object.keys(prefixOf) as AttemptKind[]).find((k) => prefixOf[k] === prefix);
  return found && state && state.length > 2 ? found : null;
}

/** The SDK's storage prefix for a region (setPersistSettings replaces non-word characters with "_"). */
export function persistPrefix(region: string): string {
  return `longrun_panel_${region}`.replace(/\W+/g, "_");
}

/** Where the SDK keeps the token (ApiClient._saveSettings: localStorage `${settingsPrefix}_auth_data`). */
export function persistedTokenKey(region: string): string {
  return `${persistPrefix(region)}_auth_data`;
}

export const attemptKey = (state: string) => `longrun.panel.signin.${state}`;

/** A token is used only if it has more than ten seconds left: a request should not race its expiry (renewal comes well before). */
export function readPersistedToken(raw: string | null, nowMs: number): PanelToken | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as { accessToken?: unknown; tokenExpiryTime?: unknown };
    if (typeof value.accessToken !== "string" || value.accessToken === "" || typeof value.tokenExpiryTime !== "number") return null;
    return value.tokenExpiryTime - 10_000 > nowMs ? { accessToken: value.accessToken, expiresAt: value.tokenExpiryTime } : null;
  } catch {
    return null;
  }
}

/**
 * When to sign in again: five minutes before expiry, or half-way through what is left for a short
 * token, so the new token is there before the old one stops working.
 */
export function renewDelayMs(token: PanelToken, nowMs: number): number {
  const left = token.expiresAt - nowMs;
  return Math.max(0, left - Math.min(5 * 60_000, left / 2));
}

export interface AuthAnswer {
  state: string | null;
  code: string | null;
  error: string | null;
  description: string | null;
}

/** Genesys's answer on the redirect URI (?code=…&state=… or ?error=…); null when the query is none. */
export function authAnswer(search: string): AuthAnswer | null {
  const q = new URLSearchParams(search);
  const code = q.get("code");
  const error = q.get("error");
  if (!code && !error) return null;
  return { state: q.get("state"), code, error, description: q.get("error_description") };
}

/** The message the SDK's popup listener expects from the popup page (README "Popup Authentication", auth_popup_notify.html). */
export function popupAnswerMessage(search: string, hash: string, identifier?: string) {
  return { name: "gc_auth_popup", type: "message", search, hash, ...(identifier ? { identifier } : {}) };
}

/** A frame attempt's outcome, posted by the hidden frame to the panel. */
export interface FrameOutcome {
  longrunSignIn: string;
  ok: boolean;
  reason?: string;
}

function isFrameOutcome(data: unknown, state: string): data is FrameOutcome {
  return typeof data === "object" && data !== null && (data as FrameOutcome).longrunSignIn === state && typeof (data as FrameOutcome).ok === "boolean";
}

// ---------------------------------------------------------------------------
// Browser side.

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function persistedToken(region: string): PanelToken | null {
  try {
    return readPersistedToken(window.localStorage.getItem(persistedTokenKey(region)), Date.now());
  } catch {
    return null;
  }
}

export function forgetToken(region: string): void {
  try {
    window.localStorage.removeItem(persistedTokenKey(region));
  } catch {
    // Storage blocked: nothing was kept.
  }
}

async function clientFor(setup: Pick<SignInSetup, "region" | "gateway">, persist: boolean): Promise<SdkApiClient> {
  const client = newBrowserApiClient(await loadPlatformSdk(), setup.region, setup.gateway);
  client.setPersistSettings(persist, persistPrefix(setup.region));
  return client;
}

function tokenOf(data: { accessToken?: string; tokenExpiryTime?: number }): PanelToken {
  if (!data.accessToken) throw new Error("Genesys Cloud returned no token");
  return { accessToken: data.accessToken, expiresAt: data.tokenExpiryTime ?? Date.now() + 3_600_000 };
}

/**
 * loginPKCEGrant reads the page's query and, when there is one, strips it with
 * history.replaceState('', …) (ApiClient._setValuesFromUrlQuery) — a string state, which Next.js's
 * router (it marks every history state object) cannot take. The panel's URL carries the
 * conversation, not a code: so the query is set aside while the SDK looks (synchronously, when
 * called) and put back at once.
 */
function keepingUrl<T>(run: () => T): T {
  const href = window.location.href;
  if (window.location.search) history.replaceState(history.state, "", window.location.pathname + window.location.hash);
  try {
    return run();
  } finally {
    if (window.location.href !== href) history.replaceState(history.state, "", href);
  }
}

/** Where loginPKCEGrant keeps its verifier (sessionStorage; it also writes a prefix-less copy). */
const verifierKeys = (region: string) => [`${persistPrefix(region)}_pkce_code_verifier`, "genesys_cloud_sdk_pkce_code_verifier"];

/** Redirect attempt from the panel itself: resolves with a stored token Genesys still accepts, or leaves the page for Genesys's login. */
export async function signInInPlace(setup: SignInSetup, returnUrl: string): Promise<PanelToken> {
  const state = newState("redirect");
  const record: AttemptRecord = { kind: "redirect", clientId: setup.clientId, region: setup.region, returnUrl };
  sessionStore()?.setItem(attemptKey(state), JSON.stringify(record));
  const client = await clientFor(setup, true);
  const data = await keepingUrl(() => client.loginPKCEGrant(setup.clientId, setup.redirectUri, { state }));
  sessionStore()?.removeItem(attemptKey(state));
  return tokenOf(data);
}

/**
 * A hidden frame does the redirect round trip (FrameSignIn, then CompleteSignIn) while the panel keeps
 * its document; the token lands in the SDK's storage, the frame posts the outcome.
 */
export function signInInFrame(setup: SignInSetup, timeoutMs: number): Promise<PanelToken> {
  const state = newState("frame");
  const record: AttemptRecord = { kind: "frame", clientId: setup.clientId, region: setup.region };
  sessionStore()?.setItem(attemptKey(state), JSON.stringify(record));
  return new Promise<PanelToken>((resolve, reject) => {
    const frame = document.createElement("iframe");
    frame.hidden = true;
    frame.title = "Genesys Cloud sign-in";
    frame.setAttribute("aria-hidden", "true");
    const finish = (outcome: { ok: boolean; reason?: string }) => {
      clearTimeout(timer);
      window.removeEventListener("message", onMessage);
      frame.remove();
      sessionStore()?.removeItem(attemptKey(state));
      const token = outcome.ok ? persistedToken(setup.region) : null;
      if (token) resolve(token);
      else reject(new Error(outcome.reason ?? "Genesys Cloud did not sign you in"));
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin === window.location.origin && event.source === frame.contentWindow && isFrameOutcome(event.data, state)) finish(event.data);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: "timeout" }), timeoutMs);
    window.addEventListener("message", onMessage);
    frame.src = `${new URL(setup.redirectUri).pathname}?${new URLSearchParams({ frameSignIn: state }).toString()}`;
    document.body.append(frame);
  });
}

/**
 * The SDK's popup (after a click: browsers block popups nobody asked for). A fresh ApiClient per
 * attempt, and the popup identifier handshake (notifyPopup + usePopupIdentifier): the SDK never
 * removes its popup message listeners, so an earlier attempt's client must not take this answer.
 */
export async function signInWithPopup(setup: SignInSetup): Promise<PanelToken> {
  const client = await clientFor(setup, true);
  const data = await keepingUrl(() =>
    client.loginPKCEGrant(setup.clientId, setup.redirectUri, {
      state: newState("popup"),
      authPopupConfiguration: { usePopup: true, popupTimeout: 120_000, notifyPopup: true, usePopupIdentifier: true, autoClosePopup: true, autoClosePopupDelay: 0 },
    }),
  );
  return tokenOf(data);
}

/** In the hidden frame: start the redirect round trip without the stored token (it is being renewed). */
export async function startFrameSignIn(state: string, gateway: string | null, redirectUri: string): Promise<void> {
  const record = readAttempt(state);
  if (!record || record.kind !== "frame") throw new Error("unknown sign-in attempt");
  // Not persisting: the SDK must not find (and keep) the token it is asked to replace; same prefix, so the verifier is found on the way back.
  const client = await clientFor({ region: record.region, gateway }, false);
  await keepingUrl(() => client.loginPKCEGrant(record.clientId, redirectUri, { state }));
}

function readAttempt(state: string): AttemptRecord | null {
  try {
    const value = JSON.parse(sessionStore()?.getItem(attemptKey(state)) ?? "null") as AttemptRecord | null;
    return value && (value.kind === "redirect" || value.kind === "frame") && typeof value.clientId === "string" && typeof value.region === "string" ? value : null;
  } catch {
    return null;
  }
}

export type Completion =
  | { kind: "return"; returnUrl: string; error: string | null }
  | { kind: "frame-done" }
  | { kind: "popup-answered" }
  | { kind: "mismatch" };

/**
 * On the redirect URI with Genesys's answer. Redirect and frame attempts exchange the code here
 * (the SDK, with the verifier it kept); a popup page hands the answer to the SDK in the panel that
 * opened it, which exchanges it.
 */
export async function completeSignIn(answer: AuthAnswer, gateway: string | null, redirectUri: string): Promise<Completion> {
  const kind = kindOfState(answer.state);
  if (kind === "popup") return answerPopup();
  const record = answer.state ? readAttempt(answer.state) : null;
  if (!record || record.kind !== kind) return { kind: "mismatch" };
  let error: string | null = null;
  if (answer.error) error = answer.description ?? answer.error;
  const [verifierKey] = verifierKeys(record.region);
  const verifier = sessionStore()?.getItem(verifierKey!) ?? null;
  if (!error) {
    // The exchange loginPKCEGrant would make on this page, called directly (authorizePKCEGrant, a
    // public SDK method) because loginPKCEGrant's query handling breaks under Next.js (keepingUrl).
    try {
      if (!verifier || !answer.code) throw new Error("the PKCE verifier of this sign-in is gone");
      const client = await clientFor({ region: record.region, gateway }, true);
      await client.authorizePKCEGrant(record.clientId, verifier, answer.code, redirectUri);
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
  }
  for (const key of verifierKeys(record.region)) sessionStore()?.removeItem(key);
  if (record.kind === "frame") {
    const outcome: FrameOutcome = { longrunSignIn: answer.state!, ok: error === null, ...(error ? { reason: error } : {}) };
    window.parent.postMessage(outcome, window.location.origin);
    return { kind: "frame-done" };
  }
  sessionStore()?.removeItem(attemptKey(answer.state!));
  return { kind: "return", returnUrl: record.returnUrl ?? redirectUri, error };
}

/** The popup page of auth_popup_notify.html: answer the SDK's notify message, with its identifier, to the opener only. */
function answerPopup(): Promise<Completion> {
  const opener = window.opener as Window | null;
  if (!opener) return Promise.resolve({ kind: "mismatch" });
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { name?: string; type?: string; identifier?: string } | null;
      if (event.source !== opener || event.origin !== window.location.origin || data?.name !== "gc_auth_popup" || data.type !== "notify") return;
      window.removeEventListener("message", onMessage);
      opener.postMessage(popupAnswerMessage(window.location.search, window.location.hash, data.identifier), window.location.origin);
      resolve({ kind: "popup-answered" });
    };
    window.addEventListener("message", onMessage);
  });
}
