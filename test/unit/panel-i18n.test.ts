// The catalogues: every key in every language, the same placeholders, valid
// ICU; no user-facing text written outside them; languages picked from
// Genesys's langTag and Accept-Language; formats per locale.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { enUS } from "@/lib/i18n/catalogues/en-US";
import { clockTime, dateTimeWithZone, durationWords, formatCurrency, formatNumber, shortDuration } from "@/lib/i18n/format";
import { acceptLanguageTags, matchLocale, pickLocale, supportedLocales } from "@/lib/i18n/locales";
import { catalogues, speechFor, translator } from "@/lib/i18n/messages";
import { issuePath, issueWords } from "@/lib/i18n/validation-words";
import { orgSettingsSchema } from "@/lib/orgs/org-settings";

const root = path.resolve(import.meta.dirname, "../..");

function flatten(object: object, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else for (const [k, v] of flatten(value as object, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.argument || element.type === TYPE.number || element.type === TYPE.date || element.type === TYPE.time) into.add(element.value);
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      into.add(element.value);
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    }
    if (element.type === TYPE.tag) {
      into.add(`<${element.value}>`);
      argumentsOf(element.children, into);
    }
  }
  return into;
}

const source = flatten(enUS);

describe("catalogues", () => {
  it("cover the six languages Longrun ships", () => {
    expect(Object.keys(catalogues).sort()).toEqual([...supportedLocales].sort());
    expect([...supportedLocales]).toEqual(["en-US", "es", "fr", "de", "pt-BR", "ja"]);
  });

  it.each(supportedLocales)("%s has every key of en-US and no other, each valid ICU with the same placeholders", (locale) => {
    const messages = flatten(catalogues[locale]);
    expect([...messages.keys()].sort()).toEqual([...source.keys()].sort());
    for (const [key, english] of source) {
      const translated = messages.get(key)!;
      expect(translated.trim(), `${locale} ${key} is empty`).not.toBe("");
      const want = argumentsOf(parse(english));
      const got = argumentsOf(parse(translated));
      expect([...got].sort(), `${locale} ${key}`).toEqual([...want].sort());
    }
  });

  it("are translations, not copies: most messages differ from English", () => {
    for (const locale of supportedLocales.filter((l) => l !== "en-US")) {
      const messages = flatten(catalogues[locale]);
      const same = [...source].filter(([key, english]) => messages.get(key) === english && /[a-z]{4,}/.test(english) && !/^\{/.test(english));
      expect(same.length / source.size, `${locale}: ${same.map(([k]) => k).join(", ")}`).toBeLessThan(0.1);
    }
  });
});

/** Every .tsx file under app/: pages, layouts and components. */
function appFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir))) {
      const relative = path.join(dir, entry);
      if (statSync(path.join(root, relative)).isDirectory()) walk(relative);
      else if (relative.endsWith(".tsx")) files.push(relative);
    }
  };
  walk("app");
  return files.sort();
}

/** Files whose every word must come from the catalogues: all of them, the process editor's pages included. */
function userFacingFiles(): string[] {
  return appFiles();
}

/** JSX text with letters, and string literals in attributes people read or hear. */
function hardCodedStrings(file: string, text = readFileSync(path.join(root, file), "utf8")): string[] {
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const readable = new Set(["title", "aria-label", "placeholder", "alt", "aria-description", "label", "empty-message", "screenreader-text"]);
  const visit = (node: ts.Node) => {
    // Code samples (an API path, a URL template) are not words to translate.
    if (ts.isJsxElement(node) && ["code", "pre"].includes(node.openingElement.tagName.getText())) return;
    if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) found.push(node.text.trim());
    if (ts.isJsxAttribute(node) && readable.has(node.name.getText()) && node.initializer && ts.isStringLiteral(node.initializer) && /\p{L}/u.test(node.initializer.text)) {
      found.push(`${node.name.getText()}="${node.initializer.text}"`);
    }
    if (ts.isJsxExpression(node) && node.expression && (ts.isStringLiteral(node.expression) || ts.isNoSubstitutionTemplateLiteral(node.expression)) && /\p{L}{2,}/u.test(node.expression.text)) {
      found.push(node.expression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

describe("no user-facing text outside the catalogues", () => {
  it.each(userFacingFiles())("%s", (file) => {
    expect(hardCodedStrings(file)).toEqual([]);
  });

  it("covers every page and component under app/, with no exception", () => {
    expect(userFacingFiles().length).toBeGreaterThan(30);
    for (const file of ["app/layout.tsx", "app/panel/panel-app.tsx", "app/admin/settings/settings-form.tsx", "app/admin/sla/page.tsx", "app/admin/install/install-wizard.tsx"]) expect(userFacingFiles()).toContain(file);
    for (const file of ["app/admin/processes/page.tsx", "app/admin/processes/[name]/page.tsx", "app/admin/processes/[name]/edit/page.tsx", "app/admin/processes/[name]/edit/process-editor.tsx"]) expect(userFacingFiles()).toContain(file);
  });

  it("the check itself finds hard-coded text", () => {
    expect(hardCodedStrings("probe.tsx", 'const a = <p title="Hello there" aria-label={t("x")}>Loading…{"Wait"}{t("ok")} · {count}<code>GET /x</code></p>;')).toEqual(['title="Hello there"', "Loading…", "Wait"]);
  });
});

describe("picking the language", () => {
  it("matches Genesys langTags to a catalogue", () => {
    expect(matchLocale("en-us")).toBe("en-US");
    expect(matchLocale("de")).toBe("de");
    expect(matchLocale("de-AT")).toBe("de");
    expect(matchLocale("pt-br")).toBe("pt-BR");
    expect(matchLocale("pt-PT")).toBe("pt-BR");
    expect(matchLocale("ja")).toBe("ja");
    expect(matchLocale("es-419")).toBe("es");
    expect(matchLocale("fr_CA")).toBe("fr");
    expect(matchLocale("nl")).toBeNull();
    expect(matchLocale("{{gcLangTag}}")).toBeNull();
    expect(pickLocale(null, "nl", "fr-CH")).toBe("fr");
    expect(pickLocale()).toBe("en-US");
  });

  it("reads Accept-Language by weight", () => {
    expect(acceptLanguageTags("nl;q=0.9, de-CH, en;q=0.8, *;q=0.1")).toEqual(["de-CH", "nl", "en"]);
    expect(speechFor(acceptLanguageTags("nl;q=0.9, de-CH, en;q=0.8"))).toEqual({ locale: "de", formatLocale: "de-CH", timeZone: undefined });
  });
});

describe("validation messages in words", () => {
  const schema = orgSettingsSchema;
  const words = (value: unknown, locale: (typeof supportedLocales)[number]) => {
    const result = schema.safeParse(value);
    return result.success ? [] : result.error.issues.map((issue) => issueWords(issue, translator(speechFor([locale]))));
  };

  it("says what is wrong instead of the validator's English", () => {
    expect(words({ taskTimeoutSeconds: 2 }, "en-US")).toEqual(["must be at least 5"]);
    expect(words({ taskTimeoutSeconds: 2 }, "de")).toEqual(["muss mindestens 5 sein"]);
    expect(words({ taskTimeoutSeconds: 12.5 }, "fr")).toEqual(["doit être un nombre entier"]);
    expect(words({ taskTimeoutSeconds: Number.NaN }, "es")).toEqual(["debe ser un número"]);
    expect(words({ taskTypes: { X: { displayName: "x".repeat(81) } } }, "ja")).toEqual(["80 文字以内にしてください"]);
    expect(words({ taskTypes: { X: { displayName: "" } } }, "pt-BR")).toEqual(["obrigatório"]);
    expect(words({ taskTypes: { X: { displayNames: { nl: "Naam" } } } }, "en-US")).toEqual(["unknown fields: nl"]);
  });

  it("reads the code and bounds of an API answer's details too", () => {
    const de = translator(speechFor(["de"]));
    expect(issueWords({ path: "orchestratorUrl", code: "invalid_format", format: "url" }, de)).toBe("muss eine Webadresse sein, die mit http:// oder https:// beginnt");
    expect(issueWords({ path: "settings.taskTypes", code: "too_big", origin: "number", maximum: 604800 }, translator(speechFor(["en-US"])))).toBe("must be at most 604800");
    expect(issuePath({ path: "settings.taskTypes.X.timeoutSeconds" })).toEqual(["settings", "taskTypes", "X", "timeoutSeconds"]);
    expect(issueWords({ code: "something_new" }, de)).toBe("ist ungültig");
  });

  it("every message of every zod issue the settings can raise is a catalogue sentence in every language", () => {
    for (const locale of supportedLocales) {
      for (const sentence of words({ taskTimeoutSeconds: "x", flowSessionLimitSeconds: 10_000_000, callbackQueueId: "", taskTypes: { "bad key": {}, Y: { statusWords: { OK: "maybe" }, displayName: "a\tb" } } }, locale)) {
        expect(sentence, locale).not.toMatch(/expected|Invalid|Too (small|big)/);
      }
    }
  });
});

describe("formats per locale", () => {
  const when = "2026-11-27T15:04:05Z";
  const cases: [string, string, string, string, string][] = [
    // tag, clock, number, currency, duration
    ["en-US", "3:04:05 PM", "12,000.5", "$12,000.50", "4 minutes and 5 seconds"],
    ["de", "15:04:05", "12.000,5", "12.000,50 $", "4 Minuten und 5 Sekunden"],
    ["fr", "15:04:05", "12 000,5", "12 000,00 $US", "4 minutes et 5 secondes"],
    ["es", "15:04:05", "12.000,5", "12.000,50 US$", "4 minutos y 5 segundos"],
    ["pt-BR", "15:04:05", "12.000,5", "US$ 12.000,50", "4 minutos e 5 segundos"],
    ["ja", "15:04:05", "12,000.5", "$12,000.50", "4 分、5 秒"],
  ];
  const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, " ");
  it.each(cases)("%s", (tag, clock, number, currency, duration) => {
    const speech = speechFor([tag], "UTC");
    expect(plain(clockTime(when, speech))).toBe(clock);
    expect(plain(formatNumber(12000.5, speech))).toBe(number);
    expect(plain(formatCurrency(tag === "fr" ? 12000 : 12000.5, "USD", speech)!)).toBe(currency);
    expect(plain(durationWords(245_000, speech))).toBe(duration);
  });

  it("shows the zone with admin dates and the short durations of SLA tables", () => {
    expect(plain(dateTimeWithZone("2026-11-27T15:04:05Z", speechFor(["de"], "Europe/Berlin")))).toBe("27.11.2026, 16:04:05 MEZ");
    expect(plain(dateTimeWithZone("2026-11-27T15:04:05Z", speechFor(["en-US"], "America/New_York")))).toBe("Nov 27, 2026, 10:04:05 AM EST");
    expect(plain(shortDuration(12.46, speechFor(["en-US"])))).toBe("12.5 sec");
    expect(plain(shortDuration(5400, speechFor(["de"])))).toBe("1,5 Std.");
    expect(shortDuration(null, speechFor(["de"]))).toBe("—");
  });
});
