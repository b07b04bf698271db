"use client";
// The panel in the browser: signs the agent in with their own Genesys
// identity (implicit grant), keeps the conversation's snapshot live, tells
// screen readers and the desktop (toasts) what changed.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { connectDesktop, type DesktopToasts } from "@/lib/panel/desktop-toasts";
import { authorizeUrl, parseGrantFragment, readStoredToken, usableToken, type StoredToken } from "@/lib/panel/implicit-grant";
import { LiveFeed, type FeedStatus } from "@/lib/panel/live-feed";
import type { PanelSnapshot } from "@/lib/panel/panel-types";
import { snapshotChanges } from "@/lib/panel/snapshot-changes";
import { speechFor, translator } from "@/lib/i18n/messages";
import { taskTypeNamesIn } from "@/lib/panel/status-words";
import { PanelView } from "@/app/panel/panel-view";

export interface PanelConfig {
  conversationId: string;
  region: string;
  loginBase: string;
  clientId: string | null;
  langTag: string | null;
  gcHostOrigin: string | null;
  gcTargetEnv: string | null;
}

const tokenKey = "longrun.panel.token";
const grantKey = "longrun.panel.grant";
const attemptKey = "longrun.panel.signin-attempt";
const grantErrorKey = "longrun.panel.signin-error";
/** A silent sign-in that comes back without a working token is not retried in a loop: the agent gets a button. */
const silentRetryWindowMs = 30_000;

type Auth =
  | { kind: "checking" }
  | { kind: "redirecting" }
  | { kind: "signed-in"; token: StoredToken }
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

/** Sends the frame to Genesys' login; it comes back to /panel#access_token=… (see GrantReturn). */
function startSignIn(config: PanelConfig): void {
  const store = storage();
  const state = crypto.randomUUID();
  store?.setItem(attemptKey, String(Date.now()));
  store?.setItem(grantKey, JSON.stringify({ state, returnUrl: window.location.href, region: config.region }));
  window.location.assign(authorizeUrl({ loginBase: config.loginBase, clientId: config.clientId!, redirectUri: redirectUri(), state }));
}

export function PanelApp({ config }: { config: PanelConfig }) {
  const [auth, setAuth] = useState<Auth>({ kind: "checking" });
  const [snapshot, setSnapshot] = useState<PanelSnapshot | null>(null);
  const [status, setStatus] = useState<FeedStatus>({ state: "connecting", lastSuccessAt: null, retryAt: null });
  const [announcement, setAnnouncement] = useState("");
  const [now, setNow] = useState(() => new Date());
  const previous = useRef<PanelSnapshot | null>(null);
  const desktop = useRef<DesktopToasts | null>(null);
  const feed = useRef<LiveFeed | null>(null);
  // The agent's Genesys language ({{gcLangTag}}) picks the words and formats.
  const speech = useMemo(() => speechFor([config.langTag]), [config.langTag]);
  const t = useMemo(() => translator(speech), [speech]);
  useEffect(() => {
    document.documentElement.lang = speech.locale;
  }, [speech.locale]);

  const signIn = useCallback(
    (silent: boolean, reason = t("panel.signInPrompt")) => {
      if (!config.clientId) return setAuth({ kind: "not-configured" });
      const last = Number(storage()?.getItem(attemptKey) ?? 0);
      if (silent && Date.now() - last < silentRetryWindowMs) return setAuth({ kind: "sign-in", reason });
      setAuth({ kind: "redirecting" });
      startSignIn(config);
    },
    [config, t],
  );

  useEffect(() => {
    const store = storage();
    const grantError = store?.getItem(grantErrorKey);
    if (grantError) {
      store?.removeItem(grantErrorKey);
      setAuth({ kind: "sign-in", reason: t("panel.signInRefused", { reason: grantError }) });
      return;
    }
    const token = usableToken(readStoredToken(store?.getItem(tokenKey) ?? null), config.region, Date.now());
    if (token) setAuth({ kind: "signed-in", token });
    else signIn(true);
  }, [config.region, signIn, t]);

  useEffect(() => {
    let cancelled = false;
    void connectDesktop(config.gcHostOrigin, config.gcTargetEnv).then((d) => {
      if (!cancelled) desktop.current = d;
    });
    return () => {
      cancelled = true;
    };
  }, [config.gcHostOrigin, config.gcTargetEnv]);

  useEffect(() => {
    const tick = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(tick);
  }, []);

  useEffect(() => {
    if (auth.kind !== "signed-in") return;
    const base = `/api/v1/conversations/${encodeURIComponent(config.conversationId)}`;
    const live = new LiveFeed({
      snapshotUrl: `${base}/workflows`,
      streamUrl: `${base}/stream`,
      headers: () => ({ authorization: `Bearer ${auth.token.accessToken}`, "x-genesys-region": config.region }),
      onSnapshot: (next) => {
        const changes = snapshotChanges(previous.current, next, t, taskTypeNamesIn(next.task_type_names, speech.locale));
        previous.current = next;
        setSnapshot(next);
        setNow(new Date());
        if (changes.announcements.length > 0) setAnnouncement(changes.announcements.join(" "));
        for (const toast of changes.toasts) desktop.current?.show(toast);
      },
      onStatus: setStatus,
      onAuthError: (error) => {
        if (error.status === 403) {
          setAuth({ kind: "forbidden", message: error.message });
          return;
        }
        storage()?.removeItem(tokenKey);
        signIn(true, t("panel.signInExpired"));
      },
    });
    feed.current = live;
    live.start();
    // Renew shortly before Genesys' token expires, while the agent is still looking.
    const renewIn = auth.token.expiresAt - Date.now() - 60_000;
    const renew = setTimeout(() => {
      storage()?.removeItem(tokenKey);
      signIn(false);
    }, Math.max(renewIn, 0));
    return () => {
      clearTimeout(renew);
      live.stop();
      feed.current = null;
    };
  }, [auth, config.conversationId, config.region, signIn, speech.locale, t]);

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
 * Where Genesys sends the agent back (/panel#access_token=…): keeps the token
 * for this tab and returns to the panel URL the desktop opened.
 */
export function GrantReturn({ langTag }: { langTag?: string | null }) {
  const [problem, setProblem] = useState<string | null>(null);
  const t = useMemo(() => translator(speechFor([langTag])), [langTag]);
  useEffect(() => {
    document.documentElement.lang = speechFor([langTag]).locale;
  }, [langTag]);
  useEffect(() => {
    const answer = parseGrantFragment(window.location.hash);
    if (!answer) return;
    const store = storage();
    const saved = (() => {
      try {
        return JSON.parse(store?.getItem(grantKey) ?? "null") as { state: string; returnUrl: string; region: string } | null;
      } catch {
        return null;
      }
    })();
    store?.removeItem(grantKey);
    if (!saved || saved.state !== answer.state) {
      // Not our request (or storage is blocked): never accept a token we did not ask for.
      history.replaceState(null, "", window.location.pathname);
      setProblem(t("panel.grantMismatch"));
      return;
    }
    if (answer.kind === "token") {
      const token: StoredToken = { accessToken: answer.accessToken, expiresAt: Date.now() + answer.expiresInSeconds * 1000, region: saved.region };
      store?.setItem(tokenKey, JSON.stringify(token));
    } else {
      store?.setItem(grantErrorKey, answer.description ?? answer.error);
    }
    window.location.replace(saved.returnUrl);
  }, [t]);
  return problem ? <p className="lr-empty" role="alert">{problem}</p> : null;
}
