// The speech of the request being rendered (server components): the
// browser's Accept-Language, which for an admin signed in from Genesys Cloud
// is the language their desktop runs in.
import "server-only";
import { headers } from "next/headers";
import { acceptLanguageTags } from "@/lib/i18n/locales";
import { speechFor, translator, type Speech, type Translator } from "@/lib/i18n/messages";

export async function requestSpeech(): Promise<{ speech: Speech; t: Translator }> {
  const speech = speechFor(acceptLanguageTags((await headers()).get("accept-language")));
  return { speech, t: translator(speech) };
}
