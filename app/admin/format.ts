/** Every time on the admin pages is UTC, to the second, so admins in several zones read the same thing. */
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
