import { requestSpeech } from "@/lib/i18n/request-speech";

export default async function Home() {
  const { t } = await requestSpeech();
  return (
    <main>
      <h1>{t("common.appName")}</h1>
      <p>{t("home.intro")}</p>
      <ul>
        <li>{t("home.health")}: <code>GET /api/health</code></li>
        <li>{t("home.tokens")}: <code>POST /api/oauth/token</code></li>
        <li>{t("home.workflows")}: <code>POST /api/v1/workflows</code></li>
        <li><a href="/admin">{t("home.admin")}</a></li>
      </ul>
    </main>
  );
}
