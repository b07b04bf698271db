import { headers } from "next/headers";
import { env } from "@/lib/env";
import { desktopOrigin, regionFromDesktop } from "@/lib/panel/genesys-region";
import { GrantReturn, PanelApp } from "@/app/panel/panel-app";
import { InstallHelp } from "@/app/panel/install-help";
import "./panel.css";

export const dynamic = "force-dynamic";
export const metadata = { title: "Longrun", description: "Live status of this interaction's Longrun workflows" };

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

  if (!conversationId || !conversationIdPattern.test(conversationId)) {
    return (
      <main className="lr-main">
        <GrantReturn />
        {conversationId ? <p className="lr-empty" role="alert">The conversation id in the panel&apos;s address is not a Genesys conversation id.</p> : null}
        <InstallHelp origin={await ownOrigin()} />
      </main>
    );
  }

  const region = regionFromDesktop(gcHostOrigin, gcTargetEnv) ?? "mypurecloud.com";
  const loginBase = env().GENESYS_LOGIN_BASE_URL?.replace(/\/+$/, "") ?? `https://login.${region}`;
  return (
    <main className="lr-main">
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
