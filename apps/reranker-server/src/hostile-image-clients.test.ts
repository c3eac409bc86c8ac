import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatImageDataUrl } from "@hybrid-rag/core";
import { createVisionRerankerDirectory } from "@hybrid-rag/models/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { flatPng } from "./testing/flat-png.ts";
import { openSocket } from "./testing/raw-http.ts";

// Class "images" of the hostile-client suite: a 512-passage request of large images must be
// refused while it arrives, in bounded memory. The server runs in a child process (default
// settings: RERANKER_MAX_IMAGE_BYTES 8 MiB, RERANKER_MAX_REQUEST_IMAGE_BYTES 64 MiB,
// RERANKER_MAX_BODY_BYTES 16 MiB) whose peak RSS it reports; the test asserts on statuses,
// bytes and memory, never on elapsed time. Each test runs against the model-less image scorer
// and against the VLM family itself (a generated tiny llama-nemotron-vl-rerank directory on a
// worker thread, as the server serves it), whose process holds onnxruntime and the model too.

const serverProcess = fileURLToPath(new URL("./testing/image-server-process.ts", import.meta.url));
const MiB = 1024 * 1024;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
});

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hostile-images-"));
  await createVisionRerankerDirectory(join(root, "vlm"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Which scorer the server process runs. */
type Model = "image-scorer" | "vlm";

async function startServerProcess(model: Model) {
  const child = spawn(
    process.execPath,
    [serverProcess, ...(model === "vlm" ? [join(root, "vlm")] : [])],
    {
      env: { PATH: process.env.PATH ?? "", HYBRID_RAG_CACHE_DIR: join(root, "cache") },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
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
      return Number(await waitFor(/rss (\d+)\n/));
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
  // The server closes the connection after its answer; should it not, the test still ends.
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  const closedByServer = socket.destroyed || socket.readableEnded;
  socket.destroy();
  const text = Buffer.concat(received).toString();
  const [head_ = "", body = "{}"] = text.split("\r\n\r\n", 2);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head_)?.[1] ?? 0),
    headers: head_,
    message: (JSON.parse(body) as { message?: string }).message ?? "",
    sent,
    closedByServer,
  };
}

/** Peak RSS bounds: Node's baseline plus what each test reads, measured in the README. */
const bounds: Record<Model, { readonly manyImages: number; readonly oneImage: number }> = {
  "image-scorer": { manyImages: 512 * MiB, oneImage: 384 * MiB },
  vlm: { manyImages: 640 * MiB, oneImage: 512 * MiB },
};

describe.each(["image-scorer", "vlm"] as const)("hostile clients: images (%s)", (model) => {
  it("refuses 512 × 6 MiB images (4 GiB of base64) with 413 once 64 MiB of images have arrived, in bounded memory", {
    timeout: 120_000,
  }, async () => {
    const server = await startServerProcess(model);
    const answer = await streamImages(server.url, 512, 6 * MiB);
    expect(answer.status).toBe(413);
    expect(answer.message).toMatch(
      /larger than 67108864 bytes together \(RERANKER_MAX_REQUEST_IMAGE_BYTES\)/,
    );
    expect(answer.headers.toLowerCase()).toContain("connection: close");
    expect(answer.closedByServer).toBe(true);
    // The server stopped reading at its budget (64 MiB as base64 ≈ 85 MiB), not at 4 GiB.
    expect(answer.sent).toBeLessThan(160 * MiB);
    const rss = await server.peakRss();
    console.log(`${model}: 512 × 6 MiB images: peak RSS ${(rss / MiB).toFixed(0)} MiB`);
    // Node's baseline (and the model) and the ≈ 85 MiB read before the refusal, never 4 GiB.
    expect(rss).toBeLessThan(bounds[model].manyImages);
  });

  it("refuses one 40 MiB image with 413 after its first 8 MiB (RERANKER_MAX_IMAGE_BYTES)", {
    timeout: 60_000,
  }, async () => {
    const server = await startServerProcess(model);
    const answer = await streamImages(server.url, 1, 40 * MiB);
    expect(answer.status).toBe(413);
    expect(answer.message).toMatch(
      /Image 1 of the request .* larger than 8388608 bytes \(RERANKER_MAX_IMAGE_BYTES\)/,
    );
    expect(answer.sent).toBeLessThan(24 * MiB);
    expect(answer.closedByServer).toBe(true);
    const rss = await server.peakRss();
    console.log(`${model}: one 40 MiB image: peak RSS ${(rss / MiB).toFixed(0)} MiB`);
    expect(rss).toBeLessThan(bounds[model].oneImage);
  });
});

describe("hostile clients: images the VLM admits", () => {
  it("scores 512 image passages of 768 × 768 (1.7 MiB each decoded, 864 MiB if held at once) decoding a few at a time, in bounded memory", {
    timeout: 300_000,
  }, async () => {
    const server = await startServerProcess("vlm");
    const image = formatImageDataUrl({ mediaType: "image/png", data: flatPng(768, 768) });
    const response = await fetch(`${server.url}/v1/ranking`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "vlm",
        query: { text: "chart" },
        passages: Array.from({ length: 512 }, (_, index) => ({ text: `page ${index}`, image })),
      }),
    });
    expect(response.status).toBe(200);
    const { rankings } = (await response.json()) as { rankings: unknown[] };
    expect(rankings).toHaveLength(512);
    const rss = await server.peakRss();
    console.log(`vlm: 512 × 768² images scored: peak RSS ${(rss / MiB).toFixed(0)} MiB`);
    expect(rss).toBeLessThan(admittedImagesBound);
  });
});

/** Peak RSS bound of the 512 admitted images: the model's process, a few rasters at a time. */
const admittedImagesBound = 640 * MiB;
