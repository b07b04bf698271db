import { headers } from "next/headers";
import { acceptLanguageTags } from "@/lib/i18n/locales";
import { speechFor, translator } from "@/lib/i18n/messages";

export default async function NotFound() {
  const t = translator(speechFor(acceptLanguageTags((await headers()).get("accept-language"))));
  return (
    <main>
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.body")}</p>
      <p><a href="/">{t("notFound.home")}</a></p>
    </main>
  );
}
