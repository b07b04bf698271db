// The speech of the request being rendered (server components): for a
// signed-in admin, the language of their Genesys Cloud user (UserMe
// `languagePreference`, read at sign-in, see lib/auth/admin-auth-options.ts);
// otherwise, and for a language Longrun does not speak, the browser's
// Accept-Language.
import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { adminTokenFrom } from "@/lib/auth/admin-session";
import { acceptLanguageTags } from "@/lib/i18n/locales";
import { speechFor, translator, type Speech, type Translator } from "@/lib/i18n/messages";

/** Once per request, however many components ask (the session cookie is decrypted once). */
const speechOfRequest = cache(async (): Promise<Speech> => {
  const jar = await cookies();
  const token = await adminTokenFrom((name) => jar.get(name)?.value);
  const genesysLanguage = typeof token?.language === "string" ? token.language : null;
  return speechFor([genesysLanguage, ...acceptLanguageTags((await headers()).get("accept-language"))]);
});

export async function requestSpeech(): Promise<{ speech: Speech; t: Translator }> {
  const speech = await speechOfRequest();
  return { speech, t: translator(speech) };
}
