import { requestSpeech } from "@/lib/i18n/request-speech";

export default async function NotFound() {
  const { t } = await requestSpeech();
  return (
    <main>
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.body")}</p>
      <p><a href="/">{t("notFound.home")}</a></p>
    </main>
  );
}
