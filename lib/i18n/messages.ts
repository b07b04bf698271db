// One place that maps a locale to its catalogue and makes a translator
// (use-intl's ICU MessageFormat), for server components, pure helpers and
// tests alike; client components get the same through <I18nProvider>.
import { createTranslator, type _Translator } from "use-intl/core";
import { de } from "@/lib/i18n/catalogues/de";
import { enUS, type Catalogue } from "@/lib/i18n/catalogues/en-US";
import { es } from "@/lib/i18n/catalogues/es";
import { fr } from "@/lib/i18n/catalogues/fr";
import { ja } from "@/lib/i18n/catalogues/ja";
import { ptBR } from "@/lib/i18n/catalogues/pt-BR";
import { formattingLocale, matchLocale, pickLocale, type AppLocale } from "@/lib/i18n/locales";

export const catalogues: Record<AppLocale, Catalogue> = { "en-US": enUS, es, fr, de, "pt-BR": ptBR, ja };

export type Translator = _Translator<Catalogue>;

/** What every page needs to speak and format: the catalogue's locale, the formatting locale and the time zone. */
export interface Speech {
  /** Which catalogue: one of the supported locales. */
  locale: AppLocale;
  /** For Intl: the user's own tag when the browser knows it ("de-AT"), else `locale`. */
  formatLocale: string;
  /** IANA zone; undefined means the browser's (or server's) own. */
  timeZone?: string | undefined;
}

export function translator(speech: Pick<Speech, "locale" | "formatLocale">): Translator {
  return createTranslator<Catalogue>({
    locale: speech.formatLocale,
    messages: catalogues[speech.locale],
    // A broken message or a missing placeholder value fails tests loudly; users get the key instead of a crash.
    onError: (error) => {
      if (process.env.NODE_ENV !== "production") throw error;
    },
  });
}

/** The speech for a user's language tags (the agent's langTag; an admin's Accept-Language entries), best first. */
export function speechFor(tags: (string | null | undefined)[], timeZone?: string): Speech {
  const locale = pickLocale(...tags);
  const own = tags.find((tag) => matchLocale(tag) === locale);
  return { locale, formatLocale: formattingLocale(own, locale), timeZone };
}
