import { once } from "node:events";
import { connect, type Socket } from "node:net";

export interface RawResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Sends raw bytes and reads until the server closes the socket. */
export async function rawExchange(url: string, request: string | Buffer): Promise<RawResponse> {
  const socket = await openSocket(url);
  // The server may answer (413, 401) and close before the whole request is written.
  socket.on("error", () => {});
  socket.end(request);
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  // Not `once(socket, "close")`: that would reject on the EPIPE above.
  await new Promise((resolve) => socket.once("close", resolve));
  const text = Buffer.concat(chunks).toString("latin1");
  const [head = "", body = ""] = text.split("\r\n\r\n", 2);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body };
}

/** An HTTP/1.1 POST as bytes (Connection: close). */
export function rawPost(
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

export async function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, "connect");
  return socket;
}

/** Headers announcing `declaredBytes`, a few bytes of body, then silence. */
export async function startStalledUpload(
  url: string,
  path: string,
  headers = "",
  declaredBytes = 10_000,
): Promise<Socket> {
  const socket = await openSocket(url);
  socket.on("error", () => {});
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n${headers}Content-Length: ${declaredBytes}\r\n\r\n{"query":`,
  );
  return socket;
}
