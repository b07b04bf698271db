"use client";
// The panel in the browser: signs the agent in with their own Genesys
// identity (authorization code with PKCE through the Platform SDK,
// lib/panel/pkce-sign-in.ts), keeps the conversation's snapshot live, tells
// screen readers and the desktop (toasts) what changed.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { connectDesktop, type GenesysDesktop } from "@/lib/panel/genesys-desktop";
import { arrangeWorkflows } from "@/lib/panel/panel-glance";
import { LiveFeed, type FeedStatus } from "@/lib/panel/live-feed";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import {
  authAnswer,
  completeSignIn,
  forgetToken,
  persistedToken,
  renewDelayMs,
  signInInFrame,
  signInInPlace,
  signInWithPopup,
  startFrameSignIn,
  type PanelToken,
  type SignInSetup,
} from "@/lib/panel/pkce-sign-in";
import { snapshotChanges } from "@/lib/panel/snapshot-changes";
import { speechFor, translator } from "@/lib/i18n/messages";
import { taskTypeNamesIn } from "@/lib/panel/status-words";
import { PanelView } from "@/app/panel/panel-view";

export interface PanelConfig {
  conversationId: string;
  region: string;
  /** GENESYS_LOGIN_BASE_URL when set (a stand-in for login and API); null: login.<region>. */
  gateway: string | null;
  clientId: string | null;
  /** {{gcUsePopupAuth}}: the identity provider will not load in the desktop's frame, sign in in a popup. */
  usePopupAuth: boolean;
  langTag: string | null;
  gcHostOrigin: string | null;
  gcTargetEnv: string | null;
}

const attemptKey = "longrun.panel.signin-attempt";
const grantErrorKey = "longrun.panel.signin-error";
/** A silent sign-in that comes back without a working token is not retried in a loop: the agent gets a button. */
const silentRetryWindowMs = 30_000;
/** A hidden-frame sign-in answers in a few seconds with a Genesys session; without one it never does. */
const frameTimeoutMs = 10_000;

type Auth =
  | { kind: "checking" }
  | { kind: "redirecting" }
  | { kind: "signed-in" }
  | { kind: "sign-in"; reason: string }
  | { kind: "forbidden"; message: string }
  | { kind: "not-configured" };

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be blocked for third-party frames; sign-in then happens on every load.
    return null;
  }
}

function redirectUri(): string {
  return `${window.location.origin}/panel`;
}

export function PanelApp({ config }: { config: PanelConfig }) {
  const [auth, setAuth] = useState<Auth>({ kind: "checking" });
  const [snapshot, setSnapshot] = useState<PanelSnapshot | null>(null);
  const [status, setStatus] = useState<FeedStatus>({ state: "connecting", lastSuccessAt: null, retryAt: null });
  const [announcement, setAnnouncement] = useState("");
  const [now, setNow] = useState(() => new Date());
  const previous = useRef<PanelSnapshot | null>(null);
  const desktop = useRef<GenesysDesktop | null>(null);
  const feed = useRef<LiveFeed | null>(null);
  // The agent's Genesys language ({{gcLangTag}}) picks the words and formats.
  const speech = useMemo(() => speechFor([config.langTag]), [config.langTag]);
  const t = useMemo(() => translator(speech), [speech]);
  useEffect(() => {
    document.documentElement.lang = speech.locale;
  }, [speech.locale]);

  // The token lives in a ref: a renewal swaps it under the running feed without restarting it.
  const token = useRef<PanelToken | null>(null);
  const [tokenVersion, setTokenVersion] = useState(0);
  const setup = useMemo<SignInSetup | null>(
    () => (config.clientId ? { clientId: config.clientId, region: config.region, gateway: config.gateway, redirectUri: typeof window === "undefined" ? "" : redirectUri() } : null),
    [config.clientId, config.region, config.gateway],
  );

  const signedIn = useCallback((next: PanelToken) => {
    token.current = next;
    setTokenVersion((v) => v + 1);
    setAuth((current) => (current.kind === "signed-in" ? current : { kind: "signed-in" }));
  }, []);

  const signIn = useCallback(
    (silent: boolean, reason = t("panel.signInPrompt")) => {
      if (!setup) return setAuth({ kind: "not-configured" });
      if (config.usePopupAuth) {
        // Silent first, in a hidden frame (works with a Genesys session); else a click opens the SDK's popup.
        if (silent) {
          setAuth({ kind: "checking" });
          signInInFrame(setup, frameTimeoutMs).then(signedIn, () => setAuth({ kind: "sign-in", reason }));
          return;
        }
        setAuth({ kind: "redirecting" });
        signInWithPopup(setup).then(signedIn, (error: unknown) => setAuth({ kind: "sign-in", reason: t("panel.signInRefused", { reason: error instanceof Error ? error.message : String(error) }) }));
        return;
      }
      const last = Number(storage()?.getItem(attemptKey) ?? 0);
      if (silent && Date.now() - last < silentRetryWindowMs) return setAuth({ kind: "sign-in", reason });
      storage()?.setItem(attemptKey, String(Date.now()));
      setAuth({ kind: "redirecting" });
      // Resolves only when the SDK finds a stored token Genesys still accepts; otherwise the frame goes to Genesys.
      signInInPlace(setup, window.location.href).then(signedIn, (error: unknown) => setAuth({ kind: "sign-in", reason: t("panel.signInRefused", { reason: error instanceof Error ? error.message : String(error) }) }));
    },
    [config.usePopupAuth, setup, signedIn, t],
  );

  useEffect(() => {
    const store = storage();
    const grantError = store?.getItem(grantErrorKey);
    if (grantError) {
      store?.removeItem(grantErrorKey);
      setAuth({ kind: "sign-in", reason: t("panel.signInRefused", { reason: grantError }) });
      return;
    }
    const stored = persistedToken(config.region);
    if (stored) signedIn(stored);
    else signIn(true);
  }, [config.region, signIn, signedIn, t]);

  useEffect(() => {
    let cancelled = false;
    // Lifecycle hooks of the desktop: nothing streams while the panel is hidden; focus catches up.
    void connectDesktop(config.gcHostOrigin, config.gcTargetEnv, {
      onBlur: () => feed.current?.pause(),
      onFocus: () => feed.current?.resume(),
      onStop: () => feed.current?.stop(),
    }).then((d) => {
      if (cancelled) return;
      desktop.current = d;
      if (previous.current) d?.setAttentionCount(arrangeWorkflows(previous.current.workflows).needsYou.length);
    });
    return () => {
      cancelled = true;
    };
  }, [config.gcHostOrigin, config.gcTargetEnv]);

  useEffect(() => {
    const tick = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(tick);
  }, []);

  const signedInNow = auth.kind === "signed-in";
  useEffect(() => {
    if (!signedInNow) return;
    const base = `/api/v1/conversations/${encodeURIComponent(config.conversationId)}`;
    const live = new LiveFeed({
      snapshotUrl: `${base}/workflows`,
      streamUrl: `${base}/stream`,
      headers: () => ({ authorization: `Bearer ${token.current?.accessToken ?? ""}`, "x-genesys-region": config.region }),
      onSnapshot: (next) => {
        const changes = snapshotChanges(previous.current, next, t, taskTypeNamesIn(next.task_type_names, speech.locale));
        previous.current = next;
        setSnapshot(next);
        setNow(new Date());
        if (changes.announcements.length > 0) setAnnouncement(changes.announcements.join(" "));
        for (const toast of changes.toasts) desktop.current?.show(toast);
        // The widget's badge: how many workflows need the agent (the panel's "needs you" group).
        desktop.current?.setAttentionCount(arrangeWorkflows(next.workflows).needsYou.length);
      },
      onStatus: setStatus,
      onAuthError: (error) => {
        if (error.status === 403) {
          setAuth({ kind: "forbidden", message: error.message });
          return;
        }
        forgetToken(config.region);
        token.current = null;
        signIn(true, t("panel.signInExpired"));
      },
    });
    feed.current = live;
    live.start();
    // A page the agent cannot see (another browser tab, a minimised window) does not stream either.
    const onVisibility = () => (document.visibilityState === "hidden" ? live.pause() : live.resume());
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      live.stop();
      feed.current = null;
    };
  }, [signedInNow, config.conversationId, config.region, signIn, speech.locale, t]);

  // Signs in again in a hidden frame before Genesys's token expires (the SDK has no refresh in a browser);
  // if that fails, the feed's 401 at expiry starts a sign-in.
  useEffect(() => {
    if (!signedInNow || !setup || !token.current) return;
    const renew = setTimeout(() => {
      signInInFrame(setup, frameTimeoutMs).then(signedIn, () => undefined);
    }, renewDelayMs(token.current, Date.now()));
    return () => clearTimeout(renew);
  }, [signedInNow, setup, signedIn, tokenVersion]);

  useEffect(() => {
    if (status.state === "offline") setAnnouncement(t("connection.unreachableAnnouncement"));
  }, [status.state, t]);

  switch (auth.kind) {
    case "checking":
    case "redirecting":
      return <p className="lr-empty" role="status">{t("panel.signingIn")}</p>;
    case "not-configured":
      return (
        <div className="lr-empty" role="alert">
          <p><strong>{t("panel.notConfiguredTitle")}</strong></p>
          <p className="lr-muted">{t("panel.notConfiguredBody")}</p>
        </div>
      );
    case "forbidden":
      return (
        <div className="lr-empty" role="alert">
          <p><strong>{t("panel.forbiddenTitle")}</strong></p>
          <p className="lr-muted">{auth.message}</p>
        </div>
      );
    case "sign-in":
      return (
        <div className="lr-empty">
          <p role="alert">{auth.reason}</p>
          <gux-button-slot accent="primary">
            <button type="button" onClick={() => signIn(false)}>{t("panel.signInButton")}</button>
          </gux-button-slot>
        </div>
      );
    case "signed-in":
      return <PanelView snapshot={snapshot} status={status} now={now} speech={speech} t={t} names={snapshot ? taskTypeNamesIn(snapshot.task_type_names, speech.locale) : {}} announcement={announcement} onRetry={() => feed.current?.retryNow()} />;
  }
}

/**
 * Where Genesys sends the agent back (/panel?code=…&state=…): completes the PKCE sign-in
 * (lib/panel/pkce-sign-in.ts completeSignIn) and returns to the panel URL the desktop opened, tells
 * the panel that started a hidden-frame sign-in, or hands a popup's answer to the panel that opened it.
 */
export function SignInReturn({ langTag, gateway }: { langTag?: string | null; gateway: string | null }) {
  const [problem, setProblem] = useState<string | null>(null);
  const t = useMemo(() => translator(speechFor([langTag])), [langTag]);
  useEffect(() => {
    document.documentElement.lang = speechFor([langTag]).locale;
  }, [langTag]);
  useEffect(() => {
    const answer = authAnswer(window.location.search);
    if (!answer) return;
    void completeSignIn(answer, gateway, redirectUri()).then((done) => {
      if (done.kind === "mismatch") {
        // Not our request (or storage is blocked): never accept an answer we did not ask for.
        history.replaceState(null, "", window.location.pathname);
        setProblem(t("panel.grantMismatch"));
      } else if (done.kind === "return") {
        if (done.error) storage()?.setItem(grantErrorKey, done.error);
        window.location.replace(done.returnUrl);
      }
    });
  }, [gateway, t]);
  return problem ? <p className="lr-empty" role="alert">{problem}</p> : null;
}

/** The hidden frame's first page (/panel?frameSignIn=<state>): starts the SDK's redirect to Genesys. */
export function FrameSignIn({ state, gateway }: { state: string; gateway: string | null }) {
  useEffect(() => {
    startFrameSignIn(state, gateway, redirectUri()).catch((error: unknown) => {
      window.parent.postMessage({ longrunSignIn: state, ok: false, reason: error instanceof Error ? error.message : String(error) }, window.location.origin);
    });
  }, [state, gateway]);
  return null;
}
