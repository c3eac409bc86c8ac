import { once } from "node:events";
import { connect, type Socket } from "node:net";

export interface RawResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
  /** Bytes of the whole answer, headers included. */
  readonly bytes: number;
}

/** Sends raw bytes to the server and reads until it closes the socket or the answer is complete. */
export async function rawExchange(url: string, request: string | Buffer): Promise<RawResponse> {
  const socket = await openSocket(url);
  socket.end(request);
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "close");
  const text = Buffer.concat(chunks).toString("latin1");
  const [head = "", body = ""] = text.split("\r\n\r\n", 2);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
    headers: head,
    body,
    bytes: Buffer.concat(chunks).length,
  };
}

/** An HTTP/1.1 POST as bytes (Connection: close), with a given Content-Type. */
export function rawPostBytes(
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Buffer {
  const payload = typeof body === "string" ? Buffer.from(body) : body;
  const lines = [
    `POST ${path} HTTP/1.1`,
    "Host: 127.0.0.1",
    "Connection: close",
    `Content-Length: ${payload.length}`,
    ...Object.entries({ "content-type": "application/json", ...headers }).map(
      ([name, value]) => `${name}: ${value}`,
    ),
  ];
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`), payload]);
}

/** A connection to the server's port, from `localAddress` (any 127.x.y.z is this machine). */
export async function openSocket(url: string, localAddress?: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({
    port: Number(port),
    host: hostname,
    ...(localAddress === undefined ? {} : { localAddress }),
  });
  // A reset right after the connection opens (a server refusing it) must not be unhandled.
  socket.on("error", () => {});
  await once(socket, "connect");
  return socket;
}

/**
 * Starts an upload that never finishes: headers announcing `declaredBytes`, a few bytes of body,
 * then silence. Resolves with the socket; its "close" event tells when the server gave up on it.
 */
export async function startStalledUpload(
  url: string,
  declaredBytes = 10_000,
  localAddress?: string,
): Promise<Socket> {
  const socket = await openSocket(url, localAddress);
  socket.on("error", () => {});
  socket.write(
    `POST /v1/ranking HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\nContent-Length: ${declaredBytes}\r\n\r\n{"model":`,
  );
  return socket;
}
