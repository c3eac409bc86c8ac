import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../../vision/decode-image.ts";
import { type ImageTiles, imageTiles } from "../../vision/image-tiles.ts";
import { buildModelGraph } from "../build-model-graph.ts";
import { createVisionRerankerDirectory } from "../testing/create-vision-reranker.ts";
import { paddedFeeds, runLogits } from "../testing/family-session.ts";
import { writeTestImages } from "../testing/test-images.ts";
import { skipWithoutTorch } from "../testing/torch-reference.ts";
import { visionReference } from "../testing/vision-reference.ts";
import { parseNemotronVlArchitecture } from "./nemotron-vl-config.ts";
import { nemotronVlRerankFamily } from "./nemotron-vl-rerank-family.ts";

const skip = skipWithoutTorch("the llama-nemotron-vl-rerank PyTorch reference comparison");

let root: string;
let directory: string;
let imageContextId: number;
let config: Record<string, unknown>;
let images: Awaited<ReturnType<typeof writeTestImages>>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vision-reranker-"));
  directory = join(root, "model");
  ({ config, imageContextId } = await createVisionRerankerDirectory(directory));
  images = await writeTestImages(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function tilesOf(path: string): Promise<ImageTiles> {
  const format = parseNemotronVlArchitecture(config, "test").input;
  return imageTiles(await decodeImage(await readFile(path), path), format);
}

describe("llama-nemotron-vl-rerank family", () => {
  it("recognises NVIDIA's published config and no text-only one", () => {
    expect(nemotronVlRerankFamily.matches(config)).toBe(true);
    expect(nemotronVlRerankFamily.matches({ model_type: "llama_nemotron_vl_rerank" })).toBe(true);
    expect(
      nemotronVlRerankFamily.matches({
        architectures: ["LlamaBidirectionalForSequenceClassification"],
      }),
    ).toBe(false);
    expect(nemotronVlRerankFamily.pairInputFormat(config).template).toBe(
      "question:{query} \n \n passage:{passage}",
    );
    const format = nemotronVlRerankFamily.visionInputFormat!(config, { max_input_tiles: 6 });
    expect(format).toMatchObject({
      tileSize: 32,
      tokensPerTile: 16,
      maxTiles: 6,
      imageContextTokenId: imageContextId,
    });
  });

  it("reads the published shape: SigLIP 2 at 512 px with 16 px patches gives 256 image tokens per tile", () => {
    const published = {
      ...config,
      vision_config: {
        model_type: "siglip_vision_model",
        hidden_size: 1152,
        intermediate_size: 4304,
        num_hidden_layers: 27,
        num_attention_heads: 16,
        image_size: 512,
        patch_size: 16,
      },
      force_image_size: 512,
      img_context_token_id: 128258,
      max_input_tiles: 6,
    };
    const architecture = parseNemotronVlArchitecture(published, "test");
    expect(architecture.input).toMatchObject({
      tileSize: 512,
      tokensPerTile: 256,
      maxTiles: 6,
      useThumbnail: true,
    });
    expect(architecture.vision.activation).toBe("gelu_pytorch_tanh");
    expect(architecture.shuffleFactor).toBe(2);
  });

  it("refuses a vision tower it does not know and a pixel shuffle that does not divide the grid", () => {
    expect(() =>
      parseNemotronVlArchitecture(
        { ...config, vision_config: { ...(config.vision_config as object), model_type: "radio" } },
        "t",
      ),
    ).toThrow(/siglip_vision_model/);
    expect(() => parseNemotronVlArchitecture({ ...config, downsample_ratio: 0.3 }, "t")).toThrow(
      /pixel shuffle/,
    );
  });

  describe.skipIf(skip)("against the independent PyTorch reference", { timeout: 180_000 }, () => {
    it("fp32: the tiles equal PIL's and the logits of text-only, image-only and text+image rows are within 1e-4; a broken pixel shuffle is caught", async () => {
      const wide = await tilesOf(images.wide);
      const square = await tilesOf(images.square);
      const tall = await tilesOf(images.tall);
      // Wide: a 3×1 grid plus the thumbnail; square: one tile, no thumbnail; tall: 1×3 + thumbnail.
      expect([wide.count, square.count, tall.count]).toEqual([4, 1, 4]);
      const imageTokens = (tiles: ImageTiles): number[] => [
        imageContextId - 2,
        ...new Array<number>(16 * tiles.count).fill(imageContextId),
        imageContextId - 1,
      ];
      // [CLS] … [SEP] with arbitrary word ids: the graph is under test here, not the tokenizer.
      const rows = [
        [101, 2054, 2003, 1996, 3437, 102], // text only
        [101, ...imageTokens(wide), 3160, 1024, 102], // image only (the template's words)
        [101, ...imageTokens(square), 2023, 2003, 2019, 3746, 1997, 3437, 102], // image + text
        [101, ...imageTokens(tall), 4937, 102],
      ];
      const { feeds, inputIds, attentionMask } = paddedFeeds(rows);
      const reference = visionReference({
        directory,
        inputIds,
        attentionMask,
        images: [images.wide, images.square, images.tall],
      });
      expect(reference.tilesPerImage).toEqual([4, 1, 4]);
      const ours = new Float32Array([...wide.pixels, ...square.pixels, ...tall.pixels]);
      expect(reference.pixelShape).toEqual([9, 3, 32, 32]);
      let pixelError = 0;
      for (const [index, value] of reference.pixelValues.entries()) {
        pixelError = Math.max(pixelError, Math.abs(value - ours[index]!));
      }
      // PIL's bicubic, bit for bit: the only difference is float32 rounding of (v/255 − 0.5)/0.5.
      expect(pixelError).toBeLessThan(1e-6);

      const built = await buildModelGraph(directory, {
        task: "cross-encoder",
        cacheDirectory: join(root, "cache"),
        onGraph: () => {},
      });
      expect(built.family.name).toBe("llama-nemotron-vl-rerank");
      const session = await ort.InferenceSession.create(built.onnxPath, {
        executionProviders: ["cpu"],
      });
      try {
        const pixelValues = new ort.Tensor("float32", ours, [9, 3, 32, 32]);
        const logits = await runLogits(session, { ...feeds, pixel_values: pixelValues });
        const errors = logits.map((logit, row) => Math.abs(logit - reference.logits[row]!));
        expect(Math.max(...errors)).toBeLessThanOrEqual(1e-4);
        // The rows differ from each other: the comparison is not between constants.
        expect(new Set(logits.map((logit) => logit.toFixed(3))).size).toBe(4);

        // Text only: no tiles at all, the same graph.
        const textOnly = paddedFeeds([rows[0]!]);
        const empty = new ort.Tensor("float32", new Float32Array(0), [0, 3, 32, 32]);
        const [alone] = await runLogits(session, { ...textOnly.feeds, pixel_values: empty });
        expect(Math.abs(alone! - reference.logits[0]!)).toBeLessThanOrEqual(1e-4);

        // A reference without InternVL's channel interleaving disagrees on every image row.
        const broken = visionReference({
          directory,
          inputIds,
          attentionMask,
          images: [images.wide, images.square, images.tall],
          broken: "no-pixel-shuffle",
        });
        const brokenErrors = logits.map((logit, row) => Math.abs(logit - broken.logits[row]!));
        console.log(
          `vision reranker vs PyTorch: max |Δlogit| ${Math.max(...errors).toExponential(2)}; ` +
            `vs the reference without pixel shuffle: ${brokenErrors.map((error) => error.toExponential(2)).join(", ")}`,
        );
        expect(brokenErrors[0]).toBeLessThanOrEqual(1e-4);
        for (const row of [1, 2, 3]) expect(brokenErrors[row]).toBeGreaterThan(1e-3);

        // fp16 weights and activations (float32 tiles in, float32 logits out).
        const half = await buildModelGraph(directory, {
          task: "cross-encoder",
          precision: "float16",
          cacheDirectory: join(root, "cache"),
          onGraph: () => {},
        });
        const halfSession = await ort.InferenceSession.create(half.onnxPath, {
          executionProviders: ["cpu"],
        });
        try {
          const halfLogits = await runLogits(halfSession, { ...feeds, pixel_values: pixelValues });
          const halfErrors = halfLogits.map((logit, row) =>
            Math.abs(logit - reference.logits[row]!),
          );
          console.log(
            `fp16 graph vs the fp32 reference: max |Δlogit| ${Math.max(...halfErrors).toExponential(2)}`,
          );
          expect(Math.max(...halfErrors)).toBeLessThanOrEqual(1e-2);
        } finally {
          await halfSession.release();
        }
      } finally {
        await session.release();
      }
    });
  });
});
