// Structured JSON log lines. Keys that may carry secrets are redacted here so
// that no caller can leak them by accident.

const secretKey = /secret|password|token|authorization|signature|cookie|whsec/i;
// Secrets that end up inside a message or an error text: Longrun's own formats and bearer/basic credentials.
const secretValue = /\b(?:whsec_|lrs_|lrt_)[A-Za-z0-9+/=_-]+|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|\bv1,[A-Za-z0-9+/=]{20,}/gi;

function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replace(secretValue, "[redacted]");
  if (value === null || typeof value !== "object") return value;
  // Deeper than this is not read, so it cannot be checked either: never written out.
  if (depth > 6) return "[truncated]";
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, secretKey.test(k) ? "[redacted]" : redact(v, depth + 1)]),
  );
}

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function write(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  const threshold = (process.env.LOG_LEVEL as Level | undefined) ?? (process.env.NODE_ENV === "test" ? "warn" : "info");
  if (order[level] < (order[threshold] ?? 20)) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...(redact(fields) as object) });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (event: string, fields?: Record<string, unknown>) => write("debug", event, fields),
  info: (event: string, fields?: Record<string, unknown>) => write("info", event, fields),
  warn: (event: string, fields?: Record<string, unknown>) => write("warn", event, fields),
  error: (event: string, fields?: Record<string, unknown>) => write("error", event, fields),
};
