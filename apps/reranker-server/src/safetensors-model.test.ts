import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatImageDataUrl } from "@hybrid-rag/core";
import { tinyPng } from "@hybrid-rag/core/testing";
import { padBatch } from "@hybrid-rag/models/internal";
import {
  createDecoderRerankerDirectory,
  createSafetensorsModel,
  type DecoderRerankerFamilyName,
  decoderReferenceLogits,
  defaultVocabularyPath,
  type EncoderFamilyName,
  runPytorchReference,
  torchUnavailableReason,
} from "@hybrid-rag/models/testing";
import { createCrossEncoder } from "@hybrid-rag/reranker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The seed's sentence: "point NIM_MODEL_PATH at a Hugging Face-style safetensors model directory".
// The server process is started on a directory with safetensors only (no ONNX) and its
// /v1/ranking logits are compared with the PyTorch reference on the same token ids.

const unavailable = await torchUnavailableReason();
if (unavailable && process.env.CI)
  throw new Error(`CI needs the PyTorch reference: ${unavailable}`);
if (unavailable) console.log(`skipping the PyTorch reference comparisons: ${unavailable}`);

const tinyPngUrl = formatImageDataUrl({ mediaType: "image/png", data: tinyPng(3, 2, 1) });
const main = fileURLToPath(new URL("./main.ts", import.meta.url));
const query = "which organelle makes ATP?";
const passages = [
  "Mitochondria make ATP from glucose and oxygen.",
  "Chloroplasts capture light.",
  "Paris is in France.",
];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "server-safetensors-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const encoderFamilies: readonly string[] = ["bert", "xlm-roberta", "modernbert"];
const families = [...encoderFamilies, "llama-bidirectional", "mistral", "qwen3-reranker"];
const isEncoder = (family: string): family is EncoderFamilyName => encoderFamilies.includes(family);

describe.skipIf(unavailable !== undefined)(
  "hybrid-rag-reranker-server with NIM_MODEL_PATH=<safetensors directory>",
  () => {
    it.each(families)(
      "%s: /v1/ranking returns the PyTorch reference's logits",
      { timeout: 120_000 },
      async (family) => {
        const directory = join(root, family);
        if (isEncoder(family)) {
          await createSafetensorsModel(directory, {
            family,
            task: "cross-encoder",
            layers: family === "modernbert" ? 4 : 2,
          });
        } else {
          await createDecoderRerankerDirectory(directory, family as DecoderRerankerFamilyName);
        }
        const cache = join(root, "cache");
        const child = spawn(process.execPath, [main], {
          env: {
            PATH: process.env.PATH ?? "",
            RERANKER_HOST: "127.0.0.1",
            NIM_HTTP_API_PORT: "0",
            NIM_MODEL_PATH: directory,
            NIM_SERVED_MODEL_NAME: "tiny",
            RERANKER_EXECUTION_PROVIDER: "cpu",
            HYBRID_RAG_CACHE_DIR: cache,
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.stderr.on("data", (chunk: Buffer) => {
          output += chunk.toString();
        });
        try {
          const [, url] = await waitFor(
            () => output,
            /Server listening at (http:\/\/127\.0\.0\.1:\d+)/,
          );
          await waitFor(() => output, /model loaded|failed to load/);
          expect(output).toContain(
            `hybrid-rag: built the ${family} cross-encoder graph (float32) for ${directory}`,
          );
          const response = await fetch(`${url}/v1/ranking`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              model: "tiny",
              query: { text: query },
              passages: passages.map((text) => ({ text })),
            }),
          });
          expect(response.status).toBe(200);
          const { rankings } = (await response.json()) as {
            rankings: { index: number; logit: number }[];
          };
          // Asked now, before the reference runs for seconds: a keep-alive connection left idle
          // past RERANKER_KEEP_ALIVE_TIMEOUT_MS may be closed by the server as fetch reuses it.
          const metadata = (await (await fetch(`${url}/v1/metadata`)).json()) as {
            acceptsImages: boolean;
            modelInfo: Record<string, unknown>[];
          };
          expect(metadata.acceptsImages).toBe(false);
          expect(metadata.modelInfo[0]).toMatchObject({
            modelFamily: family,
            passageModalities: ["text"],
          });
          // A text family refuses image passages, naming itself.
          const withImage = await fetch(`${url}/v1/ranking`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              model: "tiny",
              query: { text: query },
              passages: [{ text: passages[0] }, { image: tinyPngUrl }],
            }),
          });
          expect(withImage.status).toBe(422);
          expect(((await withImage.json()) as { message: string }).message).toMatch(
            /^The model tiny is text-only; serve a VLM reranker/,
          );

          // The same token ids as the server's, scored by PyTorch.
          const encoder = await createCrossEncoder({
            model: directory,
            hub: { graphCacheDirectory: join(cache, "graphs"), onGraph: () => {} },
            executionProvider: "cpu",
          });
          const encoded = encoder.tokenizePairs(passages.map((passage) => ({ query, passage })));
          await encoder.release();
          const batch = padBatch(encoded, encoder.model.tokenizer.padId);
          const rows = (values: BigInt64Array): number[][] =>
            Array.from({ length: batch.size }, (_, row) =>
              Array.from(
                values.subarray(row * batch.sequenceLength, (row + 1) * batch.sequenceLength),
                Number,
              ),
            );
          const logits = isEncoder(family)
            ? (
                await runPytorchReference("encoders.py", directory, "cross-encoder", {
                  input_ids: rows(batch.inputIds),
                  attention_mask: rows(batch.attentionMask),
                  token_type_ids: rows(batch.tokenTypeIds),
                })
              ).logits!
            : decoderReferenceLogits({
                family,
                directory,
                inputIds: rows(batch.inputIds),
                attentionMask: rows(batch.attentionMask),
                ...(family === "qwen3-reranker" ? await yesNoIds() : {}),
              });
          expect(rankings).toHaveLength(passages.length);
          for (const { index, logit } of rankings) {
            expect(Math.abs(logit - logits[index]!)).toBeLessThanOrEqual(1e-4);
          }
        } finally {
          child.kill("SIGTERM");
          await once(child, "exit");
        }
      },
    );
  },
);

/** Qwen3's score tokens in the stand-in (bert-base-uncased) vocabulary of the generated model. */
async function yesNoIds(): Promise<{ yesId: number; noId: number }> {
  const vocabulary = (await readFile(defaultVocabularyPath, "utf8")).split("\n");
  return { yesId: vocabulary.indexOf("yes"), noId: vocabulary.indexOf("no") };
}
