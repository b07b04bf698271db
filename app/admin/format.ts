// Presentation helpers shared by the admin pages.
import type { z } from "zod";
import type { Translator } from "@/lib/i18n/messages";
import { issueWords } from "@/lib/i18n/validation-words";

/** A validator's issues as {field, problem} in the page's own labels and the admin's language, for the "admin.filterInvalid" sentence. */
export function fieldProblems(error: z.ZodError, labels: Record<string, string>, t: Translator): { field: string; problem: string }[] {
  return error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    return { field: labels[key] ?? key, problem: issueWords(issue, t) };
  });
}

/** A time in UTC to the second, for places that have not moved to <LocalTime> yet. */
export function utc(value: Date | string | null | undefined): string {
  if (!value) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  return `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

export function seconds(value: number | null): string {
  if (value === null) return "—";
  if (value < 90) return `${value.toFixed(1)} s`;
  if (value < 5400) return `${(value / 60).toFixed(1)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}
