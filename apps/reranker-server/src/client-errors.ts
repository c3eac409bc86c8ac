import type { Socket } from "node:net";
import type { ErrorBody } from "./http-errors.ts";

/**
 * Node's `clientError` (a request timed out, malformed HTTP, headers too large), answered in the
 * NIM error shape like every other error, then the connection is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, reason, body] = describe(error.code);
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

function describe(code: string | undefined): [number, string, ErrorBody] {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return [
      408,
      "Request Timeout",
      {
        object: "error",
        message:
          "The request did not arrive in time (RERANKER_HEADERS_TIMEOUT_MS for the headers, RERANKER_BODY_TIMEOUT_MS for the whole request): send the body at once, or ask the operator to raise the timeouts.",
        type: "timeout",
      },
    ];
  }
  if (code === "HPE_HEADER_OVERFLOW") {
    return [
      431,
      "Request Header Fields Too Large",
      {
        object: "error",
        message:
          "The request headers are larger than Node.js accepts (16 KiB): send fewer or shorter headers.",
        type: "invalid-argument",
      },
    ];
  }
  return [
    400,
    "Bad Request",
    {
      object: "error",
      message: `Malformed HTTP request${code ? ` (${code})` : ""}: send a well-formed HTTP/1.1 request.`,
      type: "invalid-argument",
    },
  ];
}
