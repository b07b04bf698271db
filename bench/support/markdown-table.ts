// Markdown tables and number formatting for bench/README.md and the console.

export function markdownTable(header: string[], rows: Array<Array<string | number>>, align: Array<"l" | "r"> = []): string {
  const sep = header.map((_, i) => ((align[i] ?? (i === 0 ? "l" : "r")) === "r" ? "---:" : ":---"));
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(" | ")} |`;
  return [line(header), line(sep), ...rows.map(line)].join("\n");
}

/** Requests per second: no decimals past 100, one below. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1);
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function formatPct(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${Math.round(value)} %`;
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : "–";
}
