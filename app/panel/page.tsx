import { headers } from "next/headers";
import { env } from "@/lib/env";
import { desktopOrigin, regionFromDesktop } from "@/lib/panel/genesys-region";
import { FrameSignIn, PanelApp, SignInReturn } from "@/app/panel/panel-app";
import { InstallHelp } from "@/app/panel/install-help";
import { speechFor, translator } from "@/lib/i18n/messages";
import "./panel.css";

export const dynamic = "force-dynamic";

export async function generateMetadata({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const langTag = (await searchParams).langTag;
  const t = translator(speechFor([typeof langTag === "string" ? langTag : null]));
  return { title: t("panel.pageTitle"), description: t("panel.pageDescription") };
}

type SearchParams = Record<string, string | string[] | undefined>;

const conversationIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function ownOrigin(): Promise<string> {
  const configured = env().PUBLIC_BASE_URL;
  if (configured) return new URL(configured).origin;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return `${proto}://${host}`;
}

/**
 * The interaction widget. Genesys opens it as
 * /panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}&usePopupAuth={{gcUsePopupAuth}}&panelClientId=<id>
 * (lib/genesys/install-steps.ts widgetUrl). It is also the PKCE redirect URI (?code=…&state=…) and the
 * first page of the hidden sign-in frame (?frameSignIn=…), see lib/panel/pkce-sign-in.ts.
 */
export default async function PanelPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const one = (key: string) => {
    const value = params[key];
    return typeof value === "string" && value.trim() !== "" && !value.includes("{{") ? value.trim() : null;
  };
  const conversationId = one("conversationId");
  const gcHostOrigin = one("gcHostOrigin");
  const gcTargetEnv = one("gcTargetEnv");
  // The agent's Genesys language: the panel's words, formats and `lang`.
  const speech = speechFor([one("langTag")]);
  const t = translator(speech);
  // GENESYS_LOGIN_BASE_URL: a stand-in (or proxy) that serves login and API on one origin.
  const gateway = env().GENESYS_LOGIN_BASE_URL?.replace(/\/+$/, "") ?? null;

  const frameSignIn = one("frameSignIn");
  if (frameSignIn) return <FrameSignIn state={frameSignIn} gateway={gateway} />;
  if (one("state") && (one("code") || one("error"))) {
    return (
      <main className="lr-main" lang={speech.locale}>
        <SignInReturn langTag={one("langTag")} gateway={gateway} />
      </main>
    );
  }

  if (!conversationId || !conversationIdPattern.test(conversationId)) {
    return (
      <main className="lr-main" lang={speech.locale}>
        {/* Without Genesys's answer it only gives the document the agent's language. */}
        <SignInReturn langTag={one("langTag")} gateway={gateway} />
        {conversationId ? <p className="lr-empty" role="alert">{t("panel.badConversationId")}</p> : null}
        <InstallHelp origin={await ownOrigin()} t={t} />
      </main>
    );
  }

  const region = regionFromDesktop(gcHostOrigin, gcTargetEnv) ?? "mypurecloud.com";
  return (
    <main className="lr-main" lang={speech.locale}>
      <PanelApp
        config={{
          conversationId,
          region,
          gateway,
          // The wizard's widget URL names the org's panel client; GENESYS_PANEL_CLIENT_ID serves a single-org install.
          clientId: one("panelClientId") ?? env().GENESYS_PANEL_CLIENT_ID ?? null,
          usePopupAuth: one("usePopupAuth") === "true",
          langTag: one("langTag"),
          gcHostOrigin: desktopOrigin(gcHostOrigin),
          gcTargetEnv,
        }}
      />
    </main>
  );
}
