/**
 * Typed errors: one class per kind of the API's error envelope
 * (`{"error": {"type", "code", "message", "param", "details", "request_id"}}`).
 *
 * - `type` `invalid_request_error` → {@link InvalidRequestError}, refined by status: 404 {@link NotFoundError},
 *   409 {@link ConflictError}, 412 {@link PreconditionFailedError}, 422 {@link ValidationError}
 *   (its `param` names the field, `details` lists every field);
 * - `authentication_error` (401) → {@link AuthenticationError}; `permission_error` (403) → {@link PermissionError};
 * - `rate_limit_error` (429) → {@link RateLimitError} (with `retryAfter` seconds);
 * - `api_error` and any other 5xx → {@link ApiError};
 * - no answer at all (DNS, refused connection, reset) → {@link ConnectionError}.
 */

export interface ErrorDetail {
  field: string;
  message: string;
  [extra: string]: unknown;
}

export interface ErrorBody {
  type: string;
  code: string;
  message: string;
  param: string | null;
  details: ErrorDetail[];
  request_id: string | null;
}

/** Every error the SDK throws for an answer of the API (status ≥ 400). */
export class LedgerlineError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  readonly details: ErrorDetail[];
  readonly requestId: string | null;
  readonly headers: Headers;
  /** The parsed body as the API sent it (the envelope, or text when it was not JSON). */
  readonly body: unknown;

  constructor(status: number, error: ErrorBody, headers: Headers, body: unknown) {
    super(error.message);
    this.name = new.target.name;
    this.status = status;
    this.type = error.type;
    this.code = error.code;
    this.param = error.param ?? null;
    this.details = error.details ?? [];
    this.requestId = error.request_id ?? headers.get("x-request-id");
    this.headers = headers;
    this.body = body;
  }
}

/** 400 and the other `invalid_request_error`s: malformed JSON, cursor, header or parameter. */
export class InvalidRequestError extends LedgerlineError {}
/** 404: no such object (also another tenant's), or no such route. */
export class NotFoundError extends InvalidRequestError {}
/** 409: wrong state, a taken code, a locked period, or the same Idempotency-Key still in progress. */
export class ConflictError extends InvalidRequestError {}
/** 412: `If-Match` named another version. */
export class PreconditionFailedError extends InvalidRequestError {}
/** 422: a field is invalid; `param` names it and `details` lists every invalid field. */
export class ValidationError extends InvalidRequestError {}
/** 401: no, unknown, revoked or expired API key. */
export class AuthenticationError extends LedgerlineError {}
/** 403: the key lacks the route's scope (`param` names it). */
export class PermissionError extends LedgerlineError {}
/** 429: the tenant's rate limit; thrown once the client's retries are used up. */
export class RateLimitError extends LedgerlineError {
  /** Seconds the API asked to wait (`Retry-After`), if it said. */
  get retryAfter(): number | null {
    const seconds = Number(this.headers.get("retry-after"));
    return Number.isFinite(seconds) && this.headers.has("retry-after") ? seconds : null;
  }
}
/** 5xx, `api_error`: the API failed (503 once the client's retries are used up). */
export class ApiError extends LedgerlineError {}

/** No HTTP answer at all: the request may or may not have reached the API. */
export class ConnectionError extends Error {
  readonly cause: unknown;
  constructor(message: string, cause: unknown) {
    super(message);
    this.name = "ConnectionError";
    this.cause = cause;
  }
}

function envelope(status: number, body: unknown): ErrorBody {
  const error = (body as { error?: Partial<ErrorBody> } | null)?.error;
  if (error && typeof error === "object" && typeof error.type === "string") {
    return {
      type: error.type,
      code: error.code ?? "unknown",
      message: error.message ?? `HTTP ${status}`,
      param: error.param ?? null,
      details: error.details ?? [],
      request_id: error.request_id ?? null,
    };
  }
  // Not the API's envelope (a proxy's page, an empty body): keep the status as the kind
  const type = status === 401 ? "authentication_error" : status === 403 ? "permission_error"
    : status === 429 ? "rate_limit_error" : status >= 500 ? "api_error" : "invalid_request_error";
  return { type, code: `http_${status}`, message: typeof body === "string" && body ? body : `HTTP ${status}`,
           param: null, details: [], request_id: null };
}

/** The typed error for an API answer with status ≥ 400 and its parsed body. */
export function errorFromResponse(status: number, body: unknown, headers: Headers): LedgerlineError {
  const error = envelope(status, body);
  switch (error.type) {
    case "authentication_error":
      return new AuthenticationError(status, error, headers, body);
    case "permission_error":
      return new PermissionError(status, error, headers, body);
    case "rate_limit_error":
      return new RateLimitError(status, error, headers, body);
    case "api_error":
      return new ApiError(status, error, headers, body);
    default:
      break;
  }
  switch (status) {
    case 404:
      return new NotFoundError(status, error, headers, body);
    case 409:
      return new ConflictError(status, error, headers, body);
    case 412:
      return new PreconditionFailedError(status, error, headers, body);
    case 422:
      return new ValidationError(status, error, headers, body);
    default:
      return status >= 500 ? new ApiError(status, error, headers, body)
        : new InvalidRequestError(status, error, headers, body);
  }
}
