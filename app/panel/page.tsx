import { headers } from "next/headers";
import { env } from "@/lib/env";
import { desktopOrigin, regionFromDesktop } from "@/lib/panel/genesys-region";
import { GrantReturn, PanelApp } from "@/app/panel/panel-app";
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
 * /panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}
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

  if (!conversationId || !conversationIdPattern.test(conversationId)) {
    return (
      <main className="lr-main" lang={speech.locale}>
        <GrantReturn langTag={one("langTag")} />
        {conversationId ? <p className="lr-empty" role="alert">{t("panel.badConversationId")}</p> : null}
        <InstallHelp origin={await ownOrigin()} t={t} />
      </main>
    );
  }

  const region = regionFromDesktop(gcHostOrigin, gcTargetEnv) ?? "mypurecloud.com";
  const loginBase = env().GENESYS_LOGIN_BASE_URL?.replace(/\/+$/, "") ?? `https://login.${region}`;
  return (
    <main className="lr-main" lang={speech.locale}>
      <PanelApp
        config={{
          conversationId,
          region,
          loginBase,
          clientId: env().GENESYS_PANEL_CLIENT_ID ?? null,
          langTag: one("langTag"),
          gcHostOrigin: desktopOrigin(gcHostOrigin),
          gcTargetEnv,
        }}
      />
    </main>
  );
}
