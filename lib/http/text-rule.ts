// The one rule for text that comes from outside. PostgreSQL stores neither a
// NUL (text and jsonb refuse U+0000: 22P05/22021) nor an unpaired UTF-16
// surrogate (no UTF-8 encoding exists for one: 22P02), so a string holding
// either is refused at the edge with a 400 naming where it was, before
// anything is written — never a 500 after validation passed. The wrapper
// (lib/http/api-route.ts) applies it to the path, query and headers of every
// request; validate() (lib/http/read-body.ts) to every parsed body, at any
// depth and in keys as well as values.
import { AppError } from "@/lib/errors/app-error";

// In unicode mode a well-formed pair is one code point, so the surrogate range matches only unpaired halves.
// eslint-disable-next-line no-control-regex -- finding U+0000 is the point
const badTextPattern = /[\u0000\ud800-\udfff]/u;

/** Why a string cannot be stored, or null when it can. */
export function textProblem(value: string): string | null {
  const match = badTextPattern.exec(value);
  if (!match) return null;
  return match[0] === "\u0000" ? "contains a NUL character (U+0000)" : "contains an unpaired UTF-16 surrogate";
}

/** The first string (key or value) in a JSON value that cannot be stored: its dotted path and why. */
export function findBadText(value: unknown): { path: string; problem: string } | null {
  // Iterative, so a deep body cannot overflow the stack here.
  const stack: Array<[unknown, string[]]> = [[value, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === "string") {
      const problem = textProblem(node);
      if (problem) return { path: path.join("."), problem };
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
    for (const [key, child] of entries) {
      const problem = Array.isArray(node) ? null : textProblem(key);
      if (problem) return { path: [...path, key].join("."), problem: `has a key that ${problem}` };
      stack.push([child, [...path, key]]);
    }
  }
  return null;
}

/** A field path fit to be echoed (and stored as a webhook's answer): the offending characters spelled as escapes. */
function printable(path: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what gets escaped
  return path.replace(/[\u0000-\u001f\u007f\ud800-\udfff]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Throws the 400 for a value that holds text PostgreSQL cannot store; `what` names the part ("request body", "query"). */
export function assertStorableText(value: unknown, what: string): void {
  const bad = findBadText(value);
  if (!bad) return;
  const field = printable(bad.path) || "(root)";
  throw new AppError("VALIDATION_FAILED", `${what} is invalid: ${field} ${bad.problem}, which is not accepted in text`, {
    details: [{ path: printable(bad.path), message: bad.problem }],
  });
}

/** Decodes one percent-encoded URL part; malformed escapes are a 400, not a URIError. */
export function decodeUrlPart(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError("BAD_REQUEST", `${what} holds a malformed percent-escape`);
  }
}

/**
 * The request line and headers of a request, under the same rule: the path
 * (each segment decoded), every query parameter's name and value, and every
 * header value (a header reaching Node cannot carry a NUL, but a runtime in
 * front of us may differ).
 */
export function assertStorableRequest(request: Request, url: URL): void {
  for (const segment of url.pathname.split("/")) {
    const decoded = decodeUrlPart(segment, "the path");
    const problem = textProblem(decoded);
    if (problem) throw new AppError("VALIDATION_FAILED", `path segment "${printable(segment)}" ${problem}, which is not accepted in text`, { details: [{ path: "(path)", message: problem }] });
  }
  // URLSearchParams turns malformed escapes into U+FFFD instead of failing; the raw query is checked for them first.
  for (const pair of url.search.replace(/^\?/, "").split("&")) {
    for (const part of pair.split("=")) decodeUrlPart(part.replace(/\+/g, " "), "the query");
  }
  for (const [name, value] of url.searchParams) {
    const problem = textProblem(name) ?? textProblem(value);
    if (problem) throw new AppError("VALIDATION_FAILED", `query parameter "${printable(name)}" ${problem}, which is not accepted in text`, { details: [{ path: printable(name), message: problem }] });
  }
  for (const [name, value] of request.headers) {
    const problem = textProblem(value);
    if (problem) throw new AppError("BAD_REQUEST", `header ${name} ${problem}`);
  }
}
