import {
  copyFile,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { type ErrorCode, HybridRagError } from "@hybrid-rag/core";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadModelDirectory } from "../model-directory.ts";
import { batchFeeds, padBatch } from "../padded-batch.ts";
import { createSafetensorsModel } from "../testing/create-safetensors-model.ts";
import { createTinyBertModel } from "../testing/create-tiny-bert-model.ts";
import { encodeSafetensors } from "../testing/write-safetensors.ts";
import type { GraphEvent } from "./build-model-graph.ts";
import { createDecoderRerankerDirectory } from "./testing/create-decoder-reranker.ts";

let root: string;
let cache: string;
let bert: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "build-graph-"));
  cache = join(root, "cache");
  bert = join(root, "bert");
  await createSafetensorsModel(bert, {
    family: "bert",
    task: "cross-encoder",
    hidden: 32,
    heads: 2,
  });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>, code: ErrorCode): Promise<HybridRagError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(HybridRagError.isInstance(error), `expected a HybridRagError, got ${String(error)}`).toBe(
    true,
  );
  expect((error as HybridRagError).code).toBe(code);
  return error as HybridRagError;
}

async function copyModel(from: string, to: string): Promise<string> {
  await mkdir(to, { recursive: true });
  for (const file of await readdir(from, { recursive: true })) {
    const source = join(from, file);
    if ((await stat(source)).isDirectory()) continue;
    await mkdir(dirname(join(to, file)), { recursive: true });
    await copyFile(source, join(to, file));
  }
  return to;
}

async function patchConfig(directory: string, patch: Record<string, unknown>): Promise<void> {
  const path = join(directory, "config.json");
  const config = JSON.parse(await readFile(path, "utf8"));
  await writeFile(path, JSON.stringify({ ...config, ...patch }));
}

describe("graphs built from safetensors, cached", () => {
  it("builds once; the second start takes the cached graph without building, and says so", async () => {
    const events: GraphEvent[] = [];
    const options = {
      graphCacheDirectory: cache,
      onGraph: (event: GraphEvent) => events.push(event),
    };
    const first = await loadModelDirectory(bert, options);
    expect(first.builtGraph).toMatchObject({
      family: "bert",
      task: "cross-encoder",
      cached: false,
    });
    const built = await stat(first.onnxPath);
    // Weights live in the external data file beside model.onnx, not in the protobuf.
    const folder = dirname(first.onnxPath);
    expect((await readdir(folder)).sort()).toEqual(["model.onnx", "model.onnx.data"]);
    expect((await stat(join(folder, "model.onnx.data"))).size).toBeGreaterThan(built.size);

    const logged = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let second: Awaited<ReturnType<typeof loadModelDirectory>>;
    try {
      second = await loadModelDirectory(bert, { graphCacheDirectory: cache });
      expect(logged.mock.calls.map(([line]) => String(line))).toEqual([
        `hybrid-rag: using the cached bert cross-encoder graph (float32) for ${bert} (no build) → ${first.onnxPath}\n`,
      ]);
    } finally {
      logged.mockRestore();
    }
    expect(second.onnxPath).toBe(first.onnxPath);
    expect(second.builtGraph?.cached).toBe(true);
    expect((await stat(second.onnxPath)).mtimeMs).toBe(built.mtimeMs);
    expect(events.map((event) => event.kind)).toEqual(["built"]);

    // The graph runs from its folder, external data included.
    const session = await ort.InferenceSession.create(second.onnxPath);
    expect(session.inputNames).toEqual(["input_ids", "attention_mask", "token_type_ids"]);
    await session.release();
  });

  it("keys the cache by content: other weights or another config build another graph", async () => {
    const other = await copyModel(bert, join(root, "bert-other-weights"));
    await createSafetensorsModel(join(root, "reseeded"), {
      family: "bert",
      task: "cross-encoder",
      hidden: 32,
      heads: 2,
      seed: 99,
    });
    await copyFile(join(root, "reseeded", "model.safetensors"), join(other, "model.safetensors"));
    const events: GraphEvent[] = [];
    const onGraph = (event: GraphEvent): void => {
      events.push(event);
    };
    const original = await loadModelDirectory(bert, { graphCacheDirectory: cache, onGraph });
    const reweighted = await loadModelDirectory(other, { graphCacheDirectory: cache, onGraph });
    expect(reweighted.onnxPath).not.toBe(original.onnxPath);
    const asEmbedder = await loadModelDirectory(bert, {
      graphCacheDirectory: cache,
      onGraph,
      task: "embedder",
    });
    expect(asEmbedder.onnxPath).not.toBe(original.onnxPath);
    expect(events.map((event) => event.kind)).toEqual(["cached", "built", "built"]);
  });

  it("keys the cache by tokenizer.json too: qwen3-reranker reads its yes/no ids into the graph", async () => {
    const qwen = join(root, "qwen3");
    await createDecoderRerankerDirectory(qwen, "qwen3-reranker");
    const events: GraphEvent[] = [];
    const options = {
      graphCacheDirectory: cache,
      onGraph: (event: GraphEvent) => events.push(event),
      task: "cross-encoder" as const,
    };
    const first = await loadModelDirectory(qwen, options);
    expect((await loadModelDirectory(qwen, options)).onnxPath).toBe(first.onnxPath);
    // Swap the ids of "yes" and "no": the same weights now score the other way round.
    const path = join(qwen, "tokenizer.json");
    const tokenizer = JSON.parse(await readFile(path, "utf8"));
    const vocabulary = tokenizer.model.vocab as Record<string, number>;
    [vocabulary.yes, vocabulary.no] = [vocabulary.no as number, vocabulary.yes as number];
    await writeFile(path, JSON.stringify(tokenizer));
    const swapped = await loadModelDirectory(qwen, options);
    expect(swapped.onnxPath).not.toBe(first.onnxPath);
    expect(events.map((event) => event.kind)).toEqual(["built", "cached", "built"]);
  });

  it("keeps using an onnx/ folder when the directory has one", async () => {
    const directory = join(root, "with-onnx");
    await createTinyBertModel(directory, { kind: "cross-encoder" });
    await createSafetensorsModel(join(root, "weights-only"), {
      family: "bert",
      task: "cross-encoder",
    });
    await copyFile(
      join(root, "weights-only", "model.safetensors"),
      join(directory, "model.safetensors"),
    );
    const model = await loadModelDirectory(directory, {
      graphCacheDirectory: cache,
      onGraph: () => {},
    });
    expect(model.onnxPath).toBe(join(directory, "onnx", "model.onnx"));
    expect(model.builtGraph).toBeUndefined();
  });
});

describe("unsupported and corrupt model directories", () => {
  const quiet = {
    graphCacheDirectory: join(tmpdir(), "never-used-graph-cache"),
    onGraph: () => {},
  };

  it("an unknown architecture gets one sentence listing the supported families", async () => {
    const directory = await copyModel(bert, join(root, "unknown-architecture"));
    await patchConfig(directory, { architectures: ["GPTNeoXForCausalLM"], model_type: "gpt_neox" });
    const error = await rejection(loadModelDirectory(directory, quiet), "unsupported");
    expect(error.message).toMatch(
      /architectures \["GPTNeoXForCausalLM"\], model_type "gpt_neox", which hybrid-rag cannot build/,
    );
    expect(error.message).toContain("supported families: bert, xlm-roberta, modernbert");
  });

  it("a custom-code model is built by its family when known, refused with the reason otherwise", async () => {
    const known = await copyModel(bert, join(root, "auto-map-known"));
    await patchConfig(known, { auto_map: { AutoModel: "modeling_custom.CustomBert" } });
    expect(
      (await loadModelDirectory(known, { ...quiet, graphCacheDirectory: cache })).builtGraph
        ?.family,
    ).toBe("bert");
    const unknown = await copyModel(bert, join(root, "auto-map-unknown"));
    await patchConfig(unknown, {
      auto_map: { AutoModel: "modeling_custom.Custom" },
      architectures: ["CustomModel"],
      model_type: "custom",
    });
    const error = await rejection(loadModelDirectory(unknown, quiet), "unsupported");
    expect(error.message).toContain("custom-code model (auto_map");
    expect(error.message).toContain("never runs a model's Python code");
  });

  it("a missing tensor, a shape or dtype config.json does not describe: corrupt-data naming file and tensor", async () => {
    const missing = await copyModel(bert, join(root, "missing-tensor"));
    const tensors = {
      "bert.embeddings.word_embeddings.weight": { shape: [2, 2], values: new Float32Array(4) },
    };
    await writeFile(join(missing, "model.safetensors"), encodeSafetensors(tensors));
    let error = await rejection(loadModelDirectory(missing, quiet), "corrupt-data");
    expect(error.message).toContain(
      `${join(missing, "model.safetensors")}: tensor "bert.embeddings.word_embeddings.weight" has shape [2, 2]`,
    );

    const wrongShape = await copyModel(bert, join(root, "wrong-shape"));
    await patchConfig(wrongShape, { intermediate_size: 100 });
    error = await rejection(loadModelDirectory(wrongShape, quiet), "corrupt-data");
    expect(error.message).toMatch(
      /tensor "bert\.encoder\.layer\.0\.intermediate\.dense\.weight" has shape \[64, 32\], but config\.json implies \[100, 32\]/,
    );

    const noClassifier = await copyModel(bert, join(root, "no-classifier"));
    await createSafetensorsModel(join(root, "embedder-weights"), {
      family: "bert",
      task: "embedder",
      hidden: 32,
      heads: 2,
    });
    await copyFile(
      join(root, "embedder-weights", "model.safetensors"),
      join(noClassifier, "model.safetensors"),
    );
    error = await rejection(
      loadModelDirectory(noClassifier, { ...quiet, task: "cross-encoder" }),
      "corrupt-data",
    );
    expect(error.message).toMatch(
      /Tensor "pooler\.dense\.weight" is missing from .*model\.safetensors/,
    );

    const wrongDType = await copyModel(bert, join(root, "wrong-dtype"));
    await patchConfig(wrongDType, { torch_dtype: "bfloat16" });
    error = await rejection(loadModelDirectory(wrongDType, quiet), "corrupt-data");
    expect(error.message).toContain("says the weights are bfloat16 (BF16), but");
  });

  it("a lying header or a missing shard is refused, naming the file", async () => {
    const lying = await copyModel(bert, join(root, "lying-header"));
    const handle = await open(join(lying, "model.safetensors"), "r+");
    await handle.write(new Uint8Array([0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]), 0, 8, 0);
    await handle.close();
    const error = await rejection(loadModelDirectory(lying, quiet), "corrupt-data");
    expect(error.message).toContain(
      `${join(lying, "model.safetensors")} declares a 2147483647-byte header`,
    );

    const sharded = join(root, "sharded-missing");
    await createSafetensorsModel(sharded, {
      family: "bert",
      task: "cross-encoder",
      hidden: 32,
      heads: 2,
      shards: 2,
    });
    await unlink(join(sharded, "model-00002-of-00002.safetensors"));
    await rejection(loadModelDirectory(sharded, quiet), "not-found");
  });

  it("a directory without tokenizer.json is refused before anything is built", async () => {
    const directory = await copyModel(bert, join(root, "no-tokenizer"));
    await unlink(join(directory, "tokenizer.json"));
    const error = await rejection(loadModelDirectory(directory, quiet), "invalid-argument");
    expect(error.message).toContain("no tokenizer.json");
  });

  it("a model larger than this machine's memory is refused before allocating, with the figure", async () => {
    const directory = await copyModel(bert, join(root, "too-large"));
    // One float32 tensor as large as the machine's memory, in a sparse file (no disk used).
    const elements = Math.ceil(totalmem() / 4) + 1024;
    const header = JSON.stringify({
      "bert.embeddings.word_embeddings.weight": {
        dtype: "F32",
        shape: [elements],
        data_offsets: [0, elements * 4],
      },
    });
    const path = join(directory, "model.safetensors");
    await writeFile(path, "");
    const handle = await open(path, "r+");
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
    await handle.write(prefix, 0, 8, 0);
    await handle.write(header, 8);
    await handle.truncate(8 + header.length + elements * 4);
    await handle.close();
    const error = await rejection(loadModelDirectory(directory, quiet), "resource-exhausted");
    expect(error.message).toMatch(
      /needs about \d+\.\d GiB of memory as a float32 graph .* more than this machine's \d+\.\d GiB/,
    );
  });
});

describe("ModernBERT configs as transformers 5 writes them", () => {
  it("layer_types and rope_parameters build the same graph as the 4.x fields", async () => {
    const v4 = join(root, "modernbert-v4");
    await createSafetensorsModel(v4, {
      family: "modernbert",
      task: "cross-encoder",
      layers: 4,
      hidden: 32,
      heads: 2,
    });
    // Not the defaults, so that ignoring either spelling would change the logits.
    await patchConfig(v4, {
      global_attn_every_n_layers: 2,
      global_rope_theta: 5000,
      local_rope_theta: 777,
    });
    const v5 = await copyModel(v4, join(root, "modernbert-v5"));
    const config = JSON.parse(await readFile(join(v5, "config.json"), "utf8"));
    delete config.global_attn_every_n_layers;
    delete config.global_rope_theta;
    delete config.local_rope_theta;
    config.layer_types = [
      "full_attention",
      "sliding_attention",
      "full_attention",
      "sliding_attention",
    ];
    config.rope_parameters = {
      full_attention: { rope_type: "default", rope_theta: 5000 },
      sliding_attention: { rope_type: "default", rope_theta: 777 },
    };
    await writeFile(join(v5, "config.json"), JSON.stringify(config));
    const options = { graphCacheDirectory: cache, onGraph: () => {} };
    const logits = async (directory: string): Promise<Float32Array> => {
      const model = await loadModelDirectory(directory, options);
      const encoded = [
        model.tokenizer.encode(
          "a query about cells",
          "mitochondria make energy for the cell in every tissue",
        ),
        model.tokenizer.encode("short", "text"),
      ];
      const batch = padBatch(encoded, model.tokenizer.padId);
      const session = await ort.InferenceSession.create(model.onnxPath);
      try {
        return (await session.run(batchFeeds(batch, session.inputNames))).logits!
          .data as Float32Array;
      } finally {
        await session.release();
      }
    };
    const [fromV4, fromV5] = [await logits(v4), await logits(v5)];
    expect(Array.from(fromV5)).toEqual(Array.from(fromV4));
    // And the fields matter: the 4.x default pattern gives other logits.
    const defaults = await copyModel(v4, join(root, "modernbert-defaults"));
    await patchConfig(defaults, { global_attn_every_n_layers: 3 });
    expect(Array.from(await logits(defaults))).not.toEqual(Array.from(fromV4));
  });
});
