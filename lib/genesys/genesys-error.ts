// Genesys Cloud failures, sorted into what a retry can fix and what it cannot.
// The Genesys error message is kept: admins read it in the dead-letter list.
import { parseRetryAfter } from "@/lib/outbox/backoff";
import type { DeliveryOutcome } from "@/lib/outbox/delivery-outcome";

export class GenesysError extends Error {
  readonly status: number | null;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | null;

  constructor(message: string, options: { status: number | null; retryable: boolean; retryAfterSeconds?: number | null }) {
    super(message);
    this.name = "GenesysError";
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }

  toOutcome(): DeliveryOutcome {
    return { ok: false, retryable: this.retryable, status: this.status ?? undefined, error: this.message, retryAfterSeconds: this.retryAfterSeconds };
  }
}

/** The org has not given Longrun Platform API credentials (install wizard not run). */
export class GenesysNotConfigured extends GenesysError {
  constructor(what: string) {
    super(`Genesys Cloud is not configured for this org: ${what}`, { status: null, retryable: false });
  }
}

interface ResponseLike {
  status?: number;
  headers?: Record<string, unknown>;
  body?: unknown;
  data?: unknown;
}

function messageOf(body: unknown): string | null {
  if (body && typeof body === "object") {
    const b = body as { message?: unknown; code?: unknown; error_description?: unknown; error?: unknown };
    const message = b.message ?? b.error_description ?? b.error;
    if (typeof message === "string") return typeof b.code === "string" ? `${b.code}: ${message}` : message;
  }
  return typeof body === "string" && body.length > 0 ? body.slice(0, 500) : null;
}

/**
 * Accepts what the Platform SDK rejects with: an extended response
 * ({status, headers, body}), an axios error ({response: {status, headers, data}})
 * or a network error.
 */
export function toGenesysError(error: unknown, operation: string, now: Date): GenesysError {
  if (error instanceof GenesysError) return error;
  const e = (error ?? {}) as ResponseLike & { response?: ResponseLike; message?: string; code?: string };
  const response: ResponseLike | undefined = typeof e.status === "number" ? e : e.response;
  if (!response || typeof response.status !== "number") {
    return new GenesysError(`${operation}: network error: ${e.message ?? e.code ?? String(error)}`, { status: null, retryable: true });
  }
  const status = response.status;
  const retryAfter = response.headers?.["retry-after"];
  const retryable = status === 429 || status >= 500 || status === 408;
  const detail = messageOf(response.body ?? response.data) ?? "no message";
  return new GenesysError(`${operation}: Genesys answered ${status}: ${detail}`, {
    status,
    retryable,
    retryAfterSeconds: parseRetryAfter(typeof retryAfter === "string" || typeof retryAfter === "number" ? String(retryAfter) : null, now),
  });
}
