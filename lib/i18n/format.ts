// Every date, time, duration, number and amount the user reads, through Intl
// in their locale. Pure functions of (value, speech): the server renders the
// same text as the browser for the same locale and zone.
import type { Speech } from "@/lib/i18n/messages";

type Formatting = Pick<Speech, "formatLocale" | "timeZone">;

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

/** A clock time to the second in the user's convention ("14:03:07", "2:03:07 PM"): agents compare it with the clock on their screen. */
export function clockTime(value: Date | string | number, speech: Formatting): string {
  return new Intl.DateTimeFormat(speech.formatLocale, { hour: "numeric", minute: "2-digit", second: "2-digit", timeZone: speech.timeZone }).format(toDate(value));
}

/** Date and time with the zone ("Dec 2, 2026, 3:04:05 PM GMT+1"), for admins who work across days and zones. */
export function dateTimeWithZone(value: Date | string | number, speech: Formatting): string {
  return new Intl.DateTimeFormat(speech.formatLocale, { dateStyle: "medium", timeStyle: "long", timeZone: speech.timeZone }).format(toDate(value));
}

/** The same moment in UTC, ISO-like and unambiguous, for a tooltip. */
export function utcTitle(value: Date | string | number): string {
  return `${toDate(value).toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** A number in the user's convention ("12,000.5", "12.000,5", "12 000,5"). */
export function formatNumber(value: number, speech: Formatting, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(speech.formatLocale, { maximumFractionDigits: 2, ...options }).format(value);
}

/** An amount with its ISO 4217 currency ("$12,000.50", "12.000,50 €"); null when the code is not a currency. */
export function formatCurrency(value: number, currency: string, speech: Formatting): string | null {
  try {
    return new Intl.NumberFormat(speech.formatLocale, { style: "currency", currency: currency.toUpperCase() }).format(value);
  } catch {
    return null;
  }
}

/** A list ("a, b and c" / "a, b und c"). */
export function formatList(items: string[], speech: Formatting, type: Intl.ListFormatType = "conjunction"): string {
  return new Intl.ListFormat(speech.formatLocale, { style: "long", type }).format(items);
}

function parts(ms: number): { h: number; m: number; s: number } {
  const total = Math.floor(Math.abs(ms) / 1000);
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

/** A countdown's clock: "4:05" or "1:02:03", digits in the locale's numbering system. */
export function durationClock(ms: number, speech: Formatting): string {
  const { h, m, s } = parts(ms);
  const two = new Intl.NumberFormat(speech.formatLocale, { minimumIntegerDigits: 2, useGrouping: false });
  const one = new Intl.NumberFormat(speech.formatLocale, { useGrouping: false });
  return h > 0 ? `${one.format(h)}:${two.format(m)}:${two.format(s)}` : `${one.format(m)}:${two.format(s)}`;
}

/** A duration in words for screen readers and tables ("4 minutes, 5 seconds", "4 Minuten und 5 Sekunden"). */
export function durationWords(ms: number, speech: Formatting, unitDisplay: "long" | "short" | "narrow" = "long"): string {
  const { h, m, s } = parts(ms);
  const unit = (value: number, u: "hour" | "minute" | "second") => new Intl.NumberFormat(speech.formatLocale, { style: "unit", unit: u, unitDisplay }).format(value);
  const shown = [h > 0 ? unit(h, "hour") : null, m > 0 ? unit(m, "minute") : null, s > 0 || (h === 0 && m === 0) ? unit(s, "second") : null].filter((p): p is string => p !== null);
  return new Intl.ListFormat(speech.formatLocale, { style: unitDisplay === "long" ? "long" : "narrow", type: unitDisplay === "long" ? "conjunction" : "unit" }).format(shown);
}

/** Seconds as the largest sensible unit with one decimal ("12.5 s", "3.2 min", "1.5 h"), for SLA tables. */
export function shortDuration(seconds: number | null, speech: Formatting, none = "—"): string {
  if (seconds === null) return none;
  const [value, unit] = seconds < 90 ? [seconds, "second"] : seconds < 5400 ? [seconds / 60, "minute"] : [seconds / 3600, "hour"];
  return new Intl.NumberFormat(speech.formatLocale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(value);
}
