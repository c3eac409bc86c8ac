/** The closed set of error codes every hybrid-rag package throws. */
export const errorCodes = [
  "invalid-argument",
  "not-found",
  "already-exists",
  "unavailable",
  "timeout",
  "aborted",
  "rate-limited",
  "resource-exhausted",
  "permission-denied",
  "unsupported",
  "corrupt-data",
  /** Another writer holds the resource (a collection's writer lock); the message names it. */
  "locked",
  "internal",
] as const;

/** One of `errorCodes`: what kind of failure a `HybridRagError` is. */
export type ErrorCode = (typeof errorCodes)[number];

const retryableByDefault: ReadonlySet<ErrorCode> = new Set([
  "unavailable",
  "timeout",
  "rate-limited",
  "resource-exhausted",
]);

const marker = Symbol.for("hybrid-rag.error");

/** The optional parts of a `HybridRagError`: cause, retryability, HTTP status, details. */
export interface HybridRagErrorOptions {
  readonly cause?: unknown;
  /** Overrides the code's default (unavailable, timeout, rate-limited and resource-exhausted retry). */
  readonly isRetryable?: boolean;
  /** HTTP status of the failed call, for errors from remote APIs. */
  readonly statusCode?: number;
  /** Extra machine-readable context (offending value, item index, …). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The one error class of hybrid-rag. Messages say what was wrong, with which value, and what to do. */
export class HybridRagError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  readonly isRetryable: boolean;
  readonly statusCode: number | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: HybridRagErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HybridRagError";
    this.code = code;
    this.isRetryable = options.isRetryable ?? retryableByDefault.has(code);
    this.statusCode = options.statusCode;
    this.details = options.details;
  }

  /** True for errors thrown by any copy of this package (works across module instances). */
  static isInstance(value: unknown): value is HybridRagError {
    return typeof value === "object" && value !== null && marker in value;
  }
}

/** Maps an HTTP status to an error code: the one place where that mapping lives. */
export function errorCodeForHttpStatus(status: number): ErrorCode {
  if (status === 400 || status === 413 || status === 422) return "invalid-argument";
  if (status === 401 || status === 403) return "permission-denied";
  if (status === 404) return "not-found";
  if (status === 408 || status === 504) return "timeout";
  if (status === 409) return "already-exists";
  if (status === 429) return "rate-limited";
  if (status >= 500) return "unavailable";
  return "internal";
}

/** HTTP statuses worth retrying (408, 409, 429, 5xx), as the Vercel AI SDK defines them. */
export function isRetryableHttpStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Turns anything thrown into a HybridRagError, keeping the original as `cause`. */
export function toHybridRagError(value: unknown, context?: string): HybridRagError {
  if (HybridRagError.isInstance(value)) return value;
  const prefix = context ? `${context}: ` : "";
  if (isAbortLike(value)) {
    const reason = value instanceof Error ? value.message : String(value);
    return new HybridRagError("aborted", `${prefix}the operation was aborted (${reason}).`, {
      cause: value,
    });
  }
  if (value instanceof Error && value.name === "TimeoutError") {
    return new HybridRagError("timeout", `${prefix}${value.message}`, { cause: value });
  }
  const message = value instanceof Error ? value.message : String(value);
  return new HybridRagError("internal", `${prefix}${message}`, { cause: value });
}

function isAbortLike(value: unknown): boolean {
  return value instanceof Error && value.name === "AbortError";
}
