import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openSocket } from "./testing/raw-http.ts";

// Class "images" of the hostile-client suite: a 512-passage request of large images must be
// refused while it arrives, in bounded memory. The server runs in a child process (default
// settings: RERANKER_MAX_IMAGE_BYTES 8 MiB, RERANKER_MAX_REQUEST_IMAGE_BYTES 64 MiB,
// RERANKER_MAX_BODY_BYTES 16 MiB) whose peak RSS it reports; the test asserts on statuses,
// bytes and memory, never on elapsed time.

const serverProcess = fileURLToPath(new URL("./testing/image-server-process.ts", import.meta.url));
const MiB = 1024 * 1024;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
});

async function startServerProcess() {
  const child = spawn(process.execPath, [serverProcess], {
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const waitFor = async (pattern: RegExp) => {
    for (;;) {
      const match = pattern.exec(output);
      if (match) return match[1]!;
      if (child.exitCode !== null) throw new Error(`server process exited: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const url = await waitFor(/listening (http:\S+)\n/);
  return {
    url,
    async peakRss(): Promise<number> {
      child.stdin.write("report\n");
      const rss = Number(await waitFor(/rss (\d+)\n/));
      await once(child, "exit");
      return rss;
    },
  };
}

/**
 * Streams `{"model","query","passages":[{"image":"data:image/png;base64,AAAA…"}, …]}` with
 * `count` images of `imageBytes` each, chunked (no Content-Length, so only the streamed checks
 * can stop it), until the server answers; returns the answer and the bytes sent by then.
 */
async function streamImages(url: string, count: number, imageBytes: number) {
  const socket = await openSocket(url);
  const received: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => received.push(chunk));
  // Not `once(socket, "close")`: it rejects on the EPIPE of a write the server no longer reads.
  const closed = new Promise((resolve) => socket.once("close", resolve));
  let answered = false;
  socket.once("data", () => {
    answered = true;
  });
  const chunk = (data: string | Buffer) => {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    return Buffer.concat([
      Buffer.from(`${bytes.length.toString(16)}\r\n`),
      bytes,
      Buffer.from("\r\n"),
    ]);
  };
  // Resolves on drain, an answer, an error or the close: the server may stop reading for good.
  const writable = () =>
    new Promise<void>((resolve) => {
      for (const event of ["drain", "data", "error", "close"]) socket.once(event, () => resolve());
    });
  const write = async (data: string | Buffer) => {
    if (answered || socket.destroyed) return false;
    if (!socket.write(chunk(data))) await writable();
    return !answered && !socket.destroyed;
  };
  let sent = 0;
  socket.write(
    "POST /v1/ranking HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
  );
  const base64 = Buffer.alloc(MiB, "A");
  const base64Length = Math.ceil(imageBytes / 3) * 4;
  const head = '{"model":"vlm","query":{"text":"chart"},"passages":[';
  sent += head.length;
  await write(head);
  images: for (let image = 0; image < count; image++) {
    const open = `${image === 0 ? "" : ","}{"image":"data:image/png;base64,`;
    sent += open.length;
    if (!(await write(open))) break;
    for (let written = 0; written < base64Length; written += base64.length) {
      const part = base64.subarray(0, Math.min(base64.length, base64Length - written));
      sent += part.length;
      if (!(await write(part))) break images;
    }
    sent += 2;
    if (!(await write('"}'))) break;
  }
  if (!answered) await write("]}");
  await closed;
  const text = Buffer.concat(received).toString();
  const [head_ = "", body = "{}"] = text.split("\r\n\r\n", 2);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head_)?.[1] ?? 0),
    headers: head_,
    message: (JSON.parse(body) as { message?: string }).message ?? "",
    sent,
  };
}

describe("hostile clients: images", () => {
  it("refuses 512 × 6 MiB images (4 GiB of base64) with 413 once 64 MiB of images have arrived, in bounded memory", {
    timeout: 120_000,
  }, async () => {
    const server = await startServerProcess();
    const answer = await streamImages(server.url, 512, 6 * MiB);
    expect(answer.status).toBe(413);
    expect(answer.message).toMatch(
      /larger than 67108864 bytes together \(RERANKER_MAX_REQUEST_IMAGE_BYTES\)/,
    );
    expect(answer.headers.toLowerCase()).toContain("connection: close");
    // The server stopped reading at its budget (64 MiB as base64 ≈ 85 MiB), not at 4 GiB.
    expect(answer.sent).toBeLessThan(160 * MiB);
    const rss = await server.peakRss();
    // Node's baseline and the ≈ 85 MiB read before the refusal, never the 4 GiB request.
    expect(rss).toBeLessThan(512 * MiB);
  });

  it("refuses one 40 MiB image with 413 after its first 8 MiB (RERANKER_MAX_IMAGE_BYTES)", {
    timeout: 60_000,
  }, async () => {
    const server = await startServerProcess();
    const answer = await streamImages(server.url, 1, 40 * MiB);
    expect(answer.status).toBe(413);
    expect(answer.message).toMatch(
      /Image 1 of the request .* larger than 8388608 bytes \(RERANKER_MAX_IMAGE_BYTES\)/,
    );
    expect(answer.sent).toBeLessThan(24 * MiB);
    expect(await server.peakRss()).toBeLessThan(384 * MiB);
  });
});
