import { type ErrorCode, HybridRagError, toHybridRagError } from "@hybrid-rag/core";

const statusByCode: Readonly<Record<ErrorCode, number>> = {
  "invalid-argument": 422,
  "not-found": 404,
  "already-exists": 409,
  unavailable: 503,
  timeout: 504,
  // Nobody reads the answer to a request whose client went away; 499 is nginx's name for it.
  aborted: 499,
  "rate-limited": 429,
  "resource-exhausted": 503,
  "permission-denied": 401,
  unsupported: 400,
  "corrupt-data": 500,
  // WebDAV's "Locked": another writer holds the resource.
  locked: 423,
  internal: 500,
};

/** The JSON error body NIM 2.x sends: `{"object":"error","message":…}`, plus our error code as `type`. */
export interface ErrorBody {
  readonly object: "error";
  readonly message: string;
  readonly type: ErrorCode;
}

/**
 * Turns anything thrown while handling a request into an HTTP status and NIM-style body.
 * Fastify's own errors (body too large, unsupported media type, …) keep their 4xx status.
 */
export function httpError(value: unknown): { status: number; body: ErrorBody } {
  const frameworkStatus = frameworkClientErrorStatus(value);
  if (frameworkStatus !== undefined) {
    const message = value instanceof Error ? value.message : String(value);
    return {
      status: frameworkStatus,
      body: {
        object: "error",
        message: describeFrameworkError(frameworkStatus, message),
        type: "invalid-argument",
      },
    };
  }
  const error = toHybridRagError(value);
  const status = error.statusCode ?? statusByCode[error.code];
  return { status, body: { object: "error", message: error.message, type: error.code } };
}

/** An error with an explicit HTTP status (e.g. 400 for malformed JSON, 422 for over-length). */
export function clientError(status: number, message: string): HybridRagError {
  return new HybridRagError("invalid-argument", message, { statusCode: status });
}

function frameworkClientErrorStatus(value: unknown): number | undefined {
  if (HybridRagError.isInstance(value) || typeof value !== "object" || value === null)
    return undefined;
  const status = (value as { statusCode?: unknown }).statusCode;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

function describeFrameworkError(status: number, message: string): string {
  if (status === 413)
    return `${message}: send fewer or shorter passages, or raise RERANKER_MAX_BODY_BYTES.`;
  if (status === 415)
    return `${message}: send the body as JSON with "Content-Type: application/json".`;
  return message;
}
