import type { Socket } from "node:net";
import { type ErrorCode, HybridRagError, toHybridRagError } from "@hybrid-rag/core";

/** Every error the demo answers, whatever raised it: `{error: <message>, code: <error code>}`. */
export interface DemoErrorBody {
  readonly error: string;
  readonly code: ErrorCode;
}

const statusByCode: Partial<Record<ErrorCode, number>> = {
  "invalid-argument": 400,
  "not-found": 404,
  "resource-exhausted": 503,
  unavailable: 503,
  timeout: 504,
  // Nobody reads the answer to a search whose client went away (nginx's 499).
  aborted: 499,
};

/** The status and body for anything thrown while answering a request. */
export function errorAnswer(error: unknown): { status: number; body: DemoErrorBody } {
  const framework = (error as { statusCode?: unknown } | null)?.statusCode;
  if (!HybridRagError.isInstance(error) && typeof framework === "number" && framework < 500) {
    // Fastify's own refusals (413 body too large, 415 not JSON, …) keep their status.
    const message = error instanceof Error ? error.message : String(error);
    return { status: framework, body: { error: message, code: "invalid-argument" } };
  }
  const failure = toHybridRagError(error, "search request");
  return {
    status: statusByCode[failure.code] ?? 500,
    body: { error: failure.message, code: failure.code },
  };
}

/** Node's `clientError` (timeout, malformed HTTP, headers too large) in the same shape. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, reason, body]: [number, string, DemoErrorBody] =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [
          408,
          "Request Timeout",
          {
            error: "The request did not arrive within the body timeout: send it at once.",
            code: "timeout",
          },
        ]
      : error.code === "HPE_HEADER_OVERFLOW"
        ? [
            431,
            "Request Header Fields Too Large",
            { error: "The request headers are too large.", code: "invalid-argument" },
          ]
        : [400, "Bad Request", { error: "Malformed HTTP request.", code: "invalid-argument" }];
  // As Node does: no error answer on top of a response already started on this socket.
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    ?.headersSent;
  if (socket.writable && !started) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}
