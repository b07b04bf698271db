// Request bodies are read with the size limit enforced while streaming, so an
// oversized body is refused without being buffered whole.
import type { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { assertStorableText } from "@/lib/http/text-rule";

export const defaultBodyLimit = 64 * 1024;
const maxJsonDepth = 32;

/** The client went away (or its connection broke) before its body was complete: nothing to answer, nothing wrong here. */
export class BodyAbortedError extends AppError {
  constructor() {
    super("BAD_REQUEST", "the request body ended before it was complete (the client hung up)");
  }
}

export async function readBodyText(request: Request, limit = defaultBodyLimit): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    throw new AppError("PAYLOAD_TOO_LARGE", `request body is larger than ${limit} bytes`);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new BodyAbortedError();
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("PAYLOAD_TOO_LARGE", `request body is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("BAD_REQUEST", "request body is not valid UTF-8");
  }
}

export function mediaType(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

export function requireJsonContentType(request: Request): void {
  const type = mediaType(request);
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
  }
}

function depthOf(value: unknown): number {
  // Iterative, so a hostile body cannot overflow the stack here.
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    max = Math.max(max, depth);
    if (max > maxJsonDepth) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

export function parseJson(text: string): unknown {
  if (text.trim() === "") throw new AppError("INVALID_JSON", "request body is empty; send a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_JSON", "request body is not valid JSON");
  }
  if (depthOf(value) > maxJsonDepth) throw new AppError("BAD_REQUEST", `JSON nests deeper than ${maxJsonDepth} levels`);
  // JSON escapes can spell what UTF-8 cannot (\u0000, \ud800): refused here, for every body, whatever reads it next.
  assertStorableText(value, "request body");
  return value;
}

function issueFacts(issue: z.core.$ZodIssue): Record<string, unknown> {
  const facts: Record<string, unknown> = { code: issue.code };
  for (const key of ["origin", "format", "expected", "minimum", "maximum", "keys"] as const) {
    const value = (issue as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    facts[key] = typeof value === "bigint" ? Number(value) : value instanceof Date ? value.toISOString() : value;
  }
  return facts;
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, what = "request body"): z.infer<S> {
  // Form fields, queries and path parameters arrive here decoded; the same text rule as for JSON bodies.
  assertStorableText(value, what);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    // The code and bounds let a client say the problem in its user's language (lib/i18n/validation-words.ts).
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, ...issueFacts(i) }));
    const first = issues[0];
    throw new AppError(
      "VALIDATION_FAILED",
      `${what} is invalid${first ? `: ${first.path || "(root)"} ${first.message}` : ""}`,
      { details: issues },
    );
  }
  return parsed.data;
}

/** Content type, size, JSON and schema in one step. */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S, limit = defaultBodyLimit): Promise<z.infer<S>> {
  requireJsonContentType(request);
  return validate(schema, parseJson(await readBodyText(request, limit)));
}
