import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatImageDataUrl } from "@hybrid-rag/core";
import { padBatch } from "@hybrid-rag/models/internal";
import {
  bmpVariants,
  createVisionRerankerDirectory,
  encodeTestBmp,
  torchUnavailableReason,
  visionReference,
  writeTestImages,
} from "@hybrid-rag/models/testing";
import {
  createCrossEncoder,
  createCrossEncoderWorkerPool,
  type ImageBytesEncodedPair,
} from "@hybrid-rag/reranker";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerPoolScorer } from "./cross-encoder-scorer.ts";
import { startTestServer } from "./testing/test-server.ts";

// The seed's VLM reranker served by the server process: NIM_MODEL_PATH = a llama-nemotron-vl
// rerank directory as save_pretrained() leaves it (tiny, random weights), /v1/ranking with
// {text}, {image} and {text, image} passages, logits compared with the independent PyTorch
// reference on the same token ids and image files (≤ 1e-4), as safetensors-model.test.ts does
// for the text families.

const unavailable = await torchUnavailableReason();
if (unavailable && process.env.CI)
  throw new Error(`CI needs the PyTorch reference: ${unavailable}`);
if (unavailable) console.log(`skipping the served VLM comparison: ${unavailable}`);

const main = fileURLToPath(new URL("./main.ts", import.meta.url));
const query = "which quarter had the highest revenue?";
/** The tiny model's image tokens per tile ((32 / 4)² patches after the 2 × 2 pixel shuffle). */
const tokensPerTile = 16;

let root: string;
let directory: string;
let imageContextId: number;
let images: Awaited<ReturnType<typeof writeTestImages>>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "server-vlm-"));
  directory = join(root, "model");
  ({ imageContextId } = await createVisionRerankerDirectory(directory));
  images = await writeTestImages(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function startServerProcess(environment: Record<string, string> = {}) {
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? "",
      RERANKER_HOST: "127.0.0.1",
      NIM_HTTP_API_PORT: "0",
      NIM_MODEL_PATH: directory,
      NIM_SERVED_MODEL_NAME: "tiny-vl",
      RERANKER_EXECUTION_PROVIDER: "cpu",
      HYBRID_RAG_CACHE_DIR: join(root, "cache"),
      ...environment,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  const waitFor = async (pattern: RegExp) => {
    for (;;) {
      const match = output.match(pattern);
      if (match) return match;
      if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const [, url] = await waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
  await waitFor(/model loaded|failed to load/);
  return {
    url: url!,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

const dataUrl = async (path: string) =>
  formatImageDataUrl({
    mediaType: path.endsWith(".png") ? "image/png" : "image/jpeg",
    data: await readFile(path),
  });

/** A passage as the in-process reranker takes it, from the JSON a client sent. */
function passageOf(passage: { readonly text?: string; readonly image?: string }) {
  if (passage.image === undefined) return { text: passage.text ?? "" };
  const [head, base64] = passage.image.split(",") as [string, string];
  const mediaType = head.slice("data:".length, head.indexOf(";")) as "image/png" | "image/jpeg";
  return { text: passage.text ?? "", image: { mediaType, data: Buffer.from(base64, "base64") } };
}

interface RankingAnswer {
  rankings: { index: number; logit: number }[];
  usage: { prompt_tokens: number };
}

describe.skipIf(unavailable !== undefined)(
  "hybrid-rag-reranker-server with NIM_MODEL_PATH=<llama-nemotron-vl-rerank directory>",
  { timeout: 180_000 },
  () => {
    it("ranks text-only, image-only and text+image passages with the PyTorch reference's logits (≤ 1e-4)", async () => {
      const server = await startServerProcess();
      try {
        expect(server.output()).toContain(
          `hybrid-rag: built the llama-nemotron-vl-rerank cross-encoder graph (float32) for ${directory}`,
        );
        const metadata = (await (await fetch(`${server.url}/v1/metadata`)).json()) as {
          acceptsImages: boolean;
          modelInfo: Record<string, unknown>[];
        };
        expect(metadata.acceptsImages).toBe(true);
        expect(metadata.modelInfo[0]).toMatchObject({
          modelFamily: "llama-nemotron-vl-rerank",
          passageModalities: ["text", "image"],
          executionProvider: "cpu",
        });

        const passages = [
          { text: "Revenue peaked in the third quarter at 4.2 million." },
          { image: await dataUrl(images.wide) },
          { text: "Figure 2: quarterly revenue", image: await dataUrl(images.square) },
          { image: await dataUrl(images.photo) },
          { text: "The office moved to a new building.", image: await dataUrl(images.tall) },
          { text: "Quarterly revenue table." },
        ];
        const response = await fetch(`${server.url}/v1/ranking`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "tiny-vl", query: { text: query }, passages }),
        });
        expect([response.status, response.status === 200 ? "" : await response.text()]).toEqual([
          200,
          "",
        ]);
        const answer = (await response.json()) as RankingAnswer;

        // The same pairs through the in-process reranker's own path (images tiled at once), then
        // scored by PyTorch, which reads and tiles the image files itself with PIL.
        const encoder = await createCrossEncoder({
          model: directory,
          hub: { graphCacheDirectory: join(root, "cache", "graphs"), onGraph: () => {} },
          executionProvider: "cpu",
        });
        const encoded = await encoder.encodePassages(query, passages.map(passageOf));
        await encoder.release();
        expect(
          encoded.map((pair) => pair.ids.filter((id) => id === imageContextId).length),
        ).toEqual([0, 4, 1, 5, 4, 0].map((tiles) => tiles * tokensPerTile));
        expect(answer.usage.prompt_tokens).toBe(
          encoded.reduce((sum, pair) => sum + pair.length, 0),
        );
        const batch = padBatch(encoded, encoder.model.tokenizer.padId);
        const rows = (values: BigInt64Array): number[][] =>
          Array.from({ length: batch.size }, (_, row) =>
            Array.from(
              values.subarray(row * batch.sequenceLength, (row + 1) * batch.sequenceLength),
              Number,
            ),
          );
        const reference = visionReference({
          directory,
          inputIds: rows(batch.inputIds),
          attentionMask: rows(batch.attentionMask),
          images: [images.wide, images.square, images.photo, images.tall],
        });
        expect(reference.tilesPerImage).toEqual([4, 1, 5, 4]);
        expect(answer.rankings.map((ranking) => ranking.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
        for (const { index, logit } of answer.rankings) {
          expect(Math.abs(logit - reference.logits[index]!)).toBeLessThanOrEqual(1e-4);
        }
      } finally {
        await server.stop();
      }
    });

    it("cuts batches of images by the token budget (tiles × image tokens) and decodes images only for their model run", async () => {
      // A budget of 200 padded tokens: a 4-tile image passage is ≈ 80 tokens, so at most two
      // such pairs (8 tiles) share a model run; the logits equal those of one unbounded run.
      const budget = 200;
      const pool = await createCrossEncoderWorkerPool({
        model: directory,
        hub: { graphCacheDirectory: join(root, "cache", "graphs"), onGraph: () => {} },
        executionProvider: "cpu",
        maxTokensPerBatch: budget,
        maxBatchSize: 64,
      });
      const scorer = workerPoolScorer(pool);
      const batches: ImageBytesEncodedPair[][] = [];
      const recording = {
        ...scorer,
        scoreTokenized: (
          pairs: Parameters<typeof scorer.scoreTokenized>[0],
          signal?: AbortSignal,
        ) => {
          batches.push(pairs.map((pair) => pair.encoded as ImageBytesEncodedPair));
          return scorer.scoreTokenized(pairs, signal);
        },
      };
      const { server, post } = await startTestServer(async () => recording, {
        maxBatchTokens: budget,
        maxImageBytes: 1024 * 1024,
      });
      try {
        const wide = await dataUrl(images.wide);
        const passages = Array.from({ length: 7 }, (_, index) =>
          index % 3 === 2 ? { text: `page ${index}` } : { text: `page ${index}`, image: wide },
        );
        const response = await post("/v1/ranking", {
          model: "tiny-cross-encoder",
          query: { text: query },
          passages,
        });
        expect([response.status, response.status === 200 ? "" : await response.text()]).toEqual([
          200,
          "",
        ]);
        const answer = (await response.json()) as RankingAnswer;
        expect(batches.length).toBeGreaterThan(1);
        for (const batch of batches) {
          const longest = Math.max(...batch.map((pair) => pair.length));
          expect(batch.length * longest).toBeLessThanOrEqual(budget);
          const tiles = batch.reduce((sum, pair) => sum + (pair.image?.tiles ?? 0), 0);
          expect(tiles * tokensPerTile).toBeLessThanOrEqual(budget);
          // Queued pairs hold the image file, never decoded pixels.
          for (const pair of batch) {
            expect(Object.keys(pair.image ?? {}).sort()).toEqual(
              pair.image ? ["data", "height", "index", "tiles", "width"] : [],
            );
            if (pair.image) expect(pair.image.data.byteLength).toBeGreaterThan(0);
          }
        }
        const encoder = await createCrossEncoder({
          model: directory,
          hub: { graphCacheDirectory: join(root, "cache", "graphs"), onGraph: () => {} },
          executionProvider: "cpu",
        });
        const whole = await encoder.scorePassages(query, passages.map(passageOf));
        await encoder.release();
        for (const { index, logit } of answer.rankings) {
          expect(Math.abs(logit - whole[index]!)).toBeLessThanOrEqual(1e-5);
        }
      } finally {
        await server.close();
        await pool.release();
      }
    });

    it("serves BMP passages of every layout (200) with the logits of the same pictures in PNG, and answers a malformed BMP with 400 naming it", async () => {
      const server = await startServerProcess();
      try {
        const [width, height] = [37, 23];
        const passages = await Promise.all(
          bmpVariants.flatMap((variant, seed) => {
            const { bmp, rgb } = encodeTestBmp(variant, width, height, seed + 1);
            const png = sharp(rgb, { raw: { width, height, channels: 3 } })
              .png()
              .toBuffer();
            return [
              { image: formatImageDataUrl({ mediaType: "image/bmp", data: bmp }) },
              png.then((data) => ({ image: formatImageDataUrl({ mediaType: "image/png", data }) })),
            ];
          }),
        );
        const rank = (body: object) =>
          fetch(`${server.url}/v1/ranking`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "tiny-vl", query: { text: query }, ...body }),
          });
        const response = await rank({ passages });
        expect([response.status, response.status === 200 ? "" : await response.text()]).toEqual([
          200,
          "",
        ]);
        const { rankings } = (await response.json()) as RankingAnswer;
        const logits = rankings.sort((a, b) => a.index - b.index).map(({ logit }) => logit);
        expect(logits).toHaveLength(2 * bmpVariants.length);
        for (const [position, variant] of bmpVariants.entries()) {
          expect([variant, logits[2 * position]]).toEqual([variant, logits[2 * position + 1]]);
        }
        const { bmp } = encodeTestBmp("rgb-24", width, height);
        const rle = bmp.slice();
        new DataView(rle.buffer).setUint32(30, 1, true); // claims BI_RLE8
        for (const [data, problem] of [
          [bmp.subarray(0, 200), /the file is truncated/],
          [rle, /BI_RLE8 at 24 bits per pixel is not decoded here/],
        ] as const) {
          const refused = await rank({
            passages: [
              { text: "fine" },
              { image: formatImageDataUrl({ mediaType: "image/bmp", data }) },
            ],
          });
          const body = (await refused.json()) as { message: string };
          expect({ status: refused.status, message: body.message }).toMatchObject({
            status: 400,
            message: expect.stringMatching(/^passage 1's image \(bmp\) cannot be decoded: /),
          });
          expect(body.message).toMatch(problem);
        }
      } finally {
        await server.stop();
      }
    });

    it("answers an image whose bytes cannot be decoded with 400 naming the passage (past the first 16-image slice), before queueing it", async () => {
      const server = await startServerProcess();
      try {
        const png = await readFile(images.square);
        // A whole PNG header (size readable), its pixel data cut off.
        const cut = png.subarray(0, 60);
        const response = await fetch(`${server.url}/v1/ranking`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "tiny-vl",
            query: { text: query },
            // Images are decoded 16 to a tokenisation call: passage 19 is in the second.
            passages: [
              ...Array.from({ length: 18 }, () => ({
                image: formatImageDataUrl({ mediaType: "image/png", data: png }),
              })),
              { text: "filler" },
              { image: formatImageDataUrl({ mediaType: "image/png", data: cut }) },
            ],
          }),
        });
        const body = (await response.json()) as { message: string };
        expect({ status: response.status, message: body.message }).toMatchObject({
          status: 400,
          message: expect.stringMatching(/^passage 19's image \(png\) cannot be decoded/),
        });
      } finally {
        await server.stop();
      }
    });
  },
);
