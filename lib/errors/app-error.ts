// The one error type the API speaks. Each code has one HTTP status; route
// handlers never pick statuses themselves.

export const errorStatus = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  INVALID_CLIENT: 401,
  INVALID_SIGNATURE: 401,
  FORBIDDEN: 403,
  INSUFFICIENT_SCOPE: 403,
  SOURCE_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  STALE_VERSION: 409,
  INVALID_TRANSITION: 409,
  TASK_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { headers?: Record<string, string>; details?: unknown } = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.status = errorStatus[code];
    this.headers = options.headers ?? {};
    this.details = options.details;
  }

  toBody(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}
