// The languages Longrun speaks, and how a Genesys language tag picks one.
// Genesys passes the agent's language as `langTag` ({{gcLangTag}}, e.g.
// "en-us", "de", "pt-br", "ja"); the admin console reads the browser's
// Accept-Language. Shared by server and browser code: no imports.

export const supportedLocales = ["en-US", "es", "fr", "de", "pt-BR", "ja"] as const;
export type AppLocale = (typeof supportedLocales)[number];
export const defaultLocale: AppLocale = "en-US";

function canonical(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag.trim().replace(/_/g, "-"))[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * The supported locale for one language tag: the exact locale, else the same
 * language ("de-AT" → "de", "pt" → "pt-BR", "en-GB" → "en-US"); null when
 * Longrun does not speak the language.
 */
export function matchLocale(tag: string | null | undefined): AppLocale | null {
  if (!tag) return null;
  const wanted = canonical(tag);
  if (!wanted) return null;
  const exact = supportedLocales.find((l) => l.toLowerCase() === wanted.toLowerCase());
  if (exact) return exact;
  const language = wanted.split("-")[0]!.toLowerCase();
  return supportedLocales.find((l) => l.split("-")[0]!.toLowerCase() === language) ?? null;
}

/** The first language of a list (langTag, then Accept-Language entries) that Longrun speaks. */
export function pickLocale(...tags: (string | null | undefined)[]): AppLocale {
  for (const tag of tags) {
    const match = matchLocale(tag);
    if (match) return match;
  }
  return defaultLocale;
}

/** Accept-Language ("de-CH,de;q=0.9,en;q=0.8") as tags, best first. */
export function acceptLanguageTags(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag !== "" && entry.tag !== "*" && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.tag);
}

/**
 * The locale for formatting: the agent's own tag when the browser knows it
 * ("de-AT" keeps Austrian dates although the messages are "de"), else the
 * catalogue's locale.
 */
export function formattingLocale(tag: string | null | undefined, messagesLocale: AppLocale): string {
  const wanted = tag ? canonical(tag) : null;
  if (wanted && matchLocale(wanted) === messagesLocale) {
    try {
      if (Intl.DateTimeFormat.supportedLocalesOf([wanted]).length > 0) return wanted;
    } catch {
      // fall through
    }
  }
  return messagesLocale;
}
