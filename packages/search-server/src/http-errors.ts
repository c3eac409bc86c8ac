import { type ErrorCode, HybridRagError, toHybridRagError } from "@hybrid-rag/core";

const statusByCode: Readonly<Record<ErrorCode, number>> = {
  "invalid-argument": 422,
  "not-found": 404,
  "already-exists": 409,
  // Another process (a `hybrid-rag ingest`) holds the collection's writer lock.
  locked: 423,
  unavailable: 503,
  timeout: 504,
  // Nobody reads the answer to a request whose client went away; 499 is nginx's name for it.
  aborted: 499,
  "rate-limited": 429,
  "resource-exhausted": 503,
  "permission-denied": 401,
  unsupported: 400,
  "corrupt-data": 500,
  internal: 500,
};

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/**
 * Anything thrown while handling a request → status and `{ error: { code, message } }`.
 * Fastify's own client errors (body too large, unsupported media type) keep their status.
 */
export function httpError(value: unknown): { status: number; body: ErrorBody } {
  if (!HybridRagError.isInstance(value) && typeof value === "object" && value !== null) {
    const status = (value as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      const message = value instanceof Error ? value.message : String(value);
      return {
        status,
        body: { error: { code: "invalid-argument", message: frameworkMessage(status, message) } },
      };
    }
  }
  const error = toHybridRagError(value);
  const status = error.statusCode ?? statusByCode[error.code];
  return { status, body: { error: { code: error.code, message: error.message } } };
}

/** An error with an explicit status (400 for malformed JSON, 415 for another content type). */
export function clientError(status: number, message: string): HybridRagError {
  return new HybridRagError("invalid-argument", message, { statusCode: status });
}

function frameworkMessage(status: number, message: string): string {
  if (status === 413)
    return `${message}: send a smaller body (the server's limit is in its settings).`;
  if (status === 415) return `${message}: send Content-Type: application/json.`;
  return message;
}
