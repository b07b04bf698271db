import type { ReactNode } from "react";
import type { Translator } from "@/lib/i18n/messages";

const rich = { b: (chunks: ReactNode) => <strong>{chunks}</strong> };

/**
 * Shown when the panel is opened without a conversation: how to put it in the Genesys desktop. The URL
 * is the one the install wizard's widget step writes (lib/genesys/install-steps.ts widgetUrl).
 */
export function InstallHelp({ origin, t }: { origin: string; t: Translator }) {
  const url = `${origin}/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}&usePopupAuth={{gcUsePopupAuth}}&panelClientId=PANEL_CLIENT_ID`;
  return (
    <div className="lr-help">
      <h1>{t("install.title")}</h1>
      <p>{t("install.intro")}</p>
      <h2>{t("install.addTitle")}</h2>
      <ol>
        <li>{t.rich("install.step1", rich)}</li>
        <li>
          {t.rich("install.step2", rich)}
          <pre><code>{url}</code></pre>
        </li>
        <li>{t.rich("install.step3", rich)}</li>
        <li>{t.rich("install.step4", { ...rich, code: (chunks: ReactNode) => <code>{chunks}</code>, redirect: `${origin}/panel` })}</li>
      </ol>
      <p className="lr-muted">{t("install.outro")}</p>
    </div>
  );
}
