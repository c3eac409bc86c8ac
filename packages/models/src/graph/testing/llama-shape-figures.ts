import { randomFillSync } from "node:crypto";
import { open, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { mulberry32 } from "@hybrid-rag/core/internal";
import * as ort from "onnxruntime-node";
import { bertTokenizerConfig, bertTokenizerJson } from "../../testing/bert-tokenizer-json.ts";
import { defaultVocabularyPath } from "../../testing/create-tiny-bert-model.ts";
import { encodeSafetensors, type SafetensorsEntry } from "../../testing/write-safetensors.ts";
import { llamaBidirectionalFamily } from "../families/llama-bidirectional-family.ts";
import { buildFamilyGraph, paddedFeeds } from "./family-session.ts";
import { readTestWeights } from "./in-memory-weights.ts";

/** Llama 3.2 1B's shape, as NVIDIA's llama-3.2-nv-rerankqa-1b-v2 config.json gives it. */
export function llama32OneBillionConfig(layers = 16): Record<string, unknown> {
  return {
    architectures: ["LlamaBidirectionalForSequenceClassification"],
    model_type: "llama_bidirec",
    vocab_size: 128_256,
    hidden_size: 2048,
    intermediate_size: 8192,
    num_hidden_layers: layers,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    head_dim: 64,
    max_position_embeddings: 8192, // NVIDIA's reranker is served at ≤ 8192 tokens
    rms_norm_eps: 1e-5,
    rope_theta: 500_000,
    rope_scaling: {
      rope_type: "llama3",
      factor: 32,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 8192,
    },
    pooling: "avg",
    temperature: 1,
    tie_word_embeddings: true,
    torch_dtype: "float16",
  };
}

/**
 * Writes a random-weight checkpoint of `config` in fp16, one shard per layer (plus one for the
 * embeddings and head) and `model.safetensors.index.json`, so that no more than one layer's
 * tensors are in memory at once. Values are uniform with standard deviation 0.1 (their
 * distribution does not change the speed).
 */
export async function writeStreamedLlamaCheckpoint(
  directory: string,
  config: Readonly<Record<string, unknown>>,
): Promise<{ readonly bytes: number }> {
  const number = (key: string): number => config[key] as number;
  const hidden = number("hidden_size");
  const headDimension = number("head_dim");
  const query = number("num_attention_heads") * headDimension;
  const keyValue = number("num_key_value_heads") * headDimension;
  const intermediate = number("intermediate_size");
  const uniform = mulberry32(1);
  const tensor = (shape: readonly number[], mean = 0): SafetensorsEntry => {
    const values = new Float32Array(shape.reduce((product, dim) => product * dim, 1));
    for (let i = 0; i < values.length; i++) values[i] = mean + (uniform() - 0.5) * 0.346;
    return { shape, values };
  };
  const layers = number("num_hidden_layers");
  const shardCount = layers + 1;
  const shardName = (index: number): string =>
    `model-${String(index + 1).padStart(5, "0")}-of-${String(shardCount).padStart(5, "0")}.safetensors`;
  const weightMap: Record<string, string> = {};
  let bytes = 0;
  const writeShard = async (index: number, tensors: Record<string, SafetensorsEntry>) => {
    const encoded = encodeSafetensors(tensors, "F16");
    const handle = await open(join(directory, shardName(index)), "w");
    try {
      await handle.write(encoded);
    } finally {
      await handle.close();
    }
    for (const name of Object.keys(tensors)) weightMap[name] = shardName(index);
    bytes += encoded.byteLength;
  };
  await writeShard(0, {
    "model.embed_tokens.weight": tensor([number("vocab_size"), hidden]),
    "model.norm.weight": tensor([hidden], 1),
    "score.weight": tensor([1, hidden]),
  });
  for (let layer = 0; layer < layers; layer++) {
    const prefix = `model.layers.${layer}.`;
    await writeShard(layer + 1, {
      [`${prefix}input_layernorm.weight`]: tensor([hidden], 1),
      [`${prefix}self_attn.q_proj.weight`]: tensor([query, hidden]),
      [`${prefix}self_attn.k_proj.weight`]: tensor([keyValue, hidden]),
      [`${prefix}self_attn.v_proj.weight`]: tensor([keyValue, hidden]),
      [`${prefix}self_attn.o_proj.weight`]: tensor([hidden, query]),
      [`${prefix}post_attention_layernorm.weight`]: tensor([hidden], 1),
      [`${prefix}mlp.gate_proj.weight`]: tensor([intermediate, hidden]),
      [`${prefix}mlp.up_proj.weight`]: tensor([intermediate, hidden]),
      [`${prefix}mlp.down_proj.weight`]: tensor([hidden, intermediate]),
    });
  }
  await writeFile(
    join(directory, "model.safetensors.index.json"),
    JSON.stringify({ metadata: { total_size: bytes }, weight_map: weightMap }),
  );
  await writeFile(join(directory, "config.json"), JSON.stringify(config, null, 2));
  return { bytes };
}

export interface ShapeFigures {
  readonly layers: number;
  readonly checkpointBytes: number;
  readonly generateMs: number;
  /** Reading the safetensors (the tests' whole-file reader) and building the graph in memory. */
  readonly buildMs: number;
  readonly graphBytes: number;
  /** Opening the built model.onnx from disk: what a cached start costs. */
  readonly sessionMs: number;
  /** Median of `runs` forward passes over `rows` × `tokens`. */
  readonly forwardMs: number;
  readonly tokensPerSecond: number;
}

/**
 * Generates the checkpoint at `layers` depth, builds the fp32 graph (the CPU's precision;
 * weights widened from fp16), writes it, opens a session from the file and times forward passes
 * of `rows` rows of `tokens` tokens.
 */
export async function measureLlamaShape(
  directory: string,
  options: {
    readonly layers: number;
    readonly rows: number;
    readonly tokens: number;
    readonly runs: number;
    readonly threads: number;
  },
): Promise<ShapeFigures> {
  const config = llama32OneBillionConfig(options.layers);
  let started = performance.now();
  const { bytes } = await writeStreamedLlamaCheckpoint(directory, config);
  const generateMs = performance.now() - started;

  started = performance.now();
  const written = JSON.parse(await readFile(join(directory, "config.json"), "utf8"));
  const graph = await buildFamilyGraph({
    family: llamaBidirectionalFamily,
    config: written,
    weights: await readTestWeights(directory),
  });
  const buildMs = performance.now() - started;
  const graphPath = join(directory, "model.onnx");
  await writeFile(graphPath, graph);

  started = performance.now();
  const session = await ort.InferenceSession.create(graphPath, {
    executionProviders: ["cpu"],
    intraOpNumThreads: options.threads,
  });
  const sessionMs = performance.now() - started;

  const uniform = mulberry32(3);
  const rows = Array.from({ length: options.rows }, () =>
    Array.from({ length: options.tokens }, () => 1 + Math.floor(uniform() * 128_000)),
  );
  const { feeds } = paddedFeeds(rows);
  await session.run(feeds); // warm-up
  const times: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  await session.release();
  times.sort((a, b) => a - b);
  const forwardMs = times[Math.floor(times.length / 2)] ?? Number.NaN;
  return {
    layers: options.layers,
    checkpointBytes: bytes,
    generateMs,
    buildMs,
    graphBytes: graph.byteLength,
    sessionMs,
    forwardMs,
    tokensPerSecond: (options.rows * options.tokens * 1000) / forwardMs,
  };
}

/**
 * Writes a Llama-shaped reranker directory as save_pretrained() leaves it, at any depth and
 * without holding more than one shard in memory: config.json, fp16 safetensors (one shard for
 * the embedding, final norm and score head, then one per layer, each written tensor by tensor)
 * with model.safetensors.index.json, and bert-base-uncased's WordPiece tokenizer.json as a
 * stand-in (its ids stay below 30,522, inside the 128,256-row embedding). Weights are random
 * fp16 bit patterns of magnitude 1/64–1/32 with a random sign (about 1/√hidden, so activations
 * stay finite in fp16); norm weights are 1. Their values do not change the speed.
 */
export async function writeLlamaShapeDirectory(
  directory: string,
  config: Readonly<Record<string, unknown>>,
): Promise<{ readonly bytes: number }> {
  const number = (key: string): number => config[key] as number;
  const hidden = number("hidden_size");
  const headDimension = number("head_dim");
  const query = number("num_attention_heads") * headDimension;
  const keyValue = number("num_key_value_heads") * headDimension;
  const intermediate = number("intermediate_size");
  const layers = number("num_hidden_layers");
  const shardCount = layers + 1;
  const shardName = (index: number): string =>
    `model-${String(index + 1).padStart(5, "0")}-of-${String(shardCount).padStart(5, "0")}.safetensors`;
  const weightMap: Record<string, string> = {};
  let bytes = 0;
  const writeShard = async (
    index: number,
    tensors: Record<string, { readonly shape: readonly number[]; readonly one?: boolean }>,
  ) => {
    const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
    let offset = 0;
    for (const [name, { shape }] of Object.entries(tensors)) {
      const size = shape.reduce((product, dim) => product * dim, 1) * 2;
      header[name] = { dtype: "F16", shape: [...shape], data_offsets: [offset, offset + size] };
      offset += size;
    }
    let json = JSON.stringify(header);
    json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
    const prefix = Buffer.alloc(8 + Buffer.byteLength(json));
    prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)), 0);
    prefix.write(json, 8, "utf8");
    const handle = await open(join(directory, shardName(index)), "w");
    try {
      await handle.write(prefix);
      for (const [name, { shape, one }] of Object.entries(tensors)) {
        const halves = new Uint16Array(shape.reduce((product, dim) => product * dim, 1));
        if (one) halves.fill(0x3c00);
        else {
          // randomFillSync fills at most 2^31 − 1 bytes at a time.
          for (let start = 0; start < halves.length; start += 1 << 29)
            randomFillSync(halves.subarray(start, Math.min(halves.length, start + (1 << 29))));
          for (let i = 0; i < halves.length; i++) halves[i] = (halves[i]! & 0x83ff) | 0x2400;
        }
        await handle.write(new Uint8Array(halves.buffer));
        weightMap[name] = shardName(index);
      }
    } finally {
      await handle.close();
    }
    bytes += prefix.byteLength + offset;
  };
  await writeShard(0, {
    "model.embed_tokens.weight": { shape: [number("vocab_size"), hidden] },
    "model.norm.weight": { shape: [hidden], one: true },
    "score.weight": { shape: [1, hidden] },
  });
  for (let layer = 0; layer < layers; layer++) {
    const prefix = `model.layers.${layer}.`;
    await writeShard(layer + 1, {
      [`${prefix}input_layernorm.weight`]: { shape: [hidden], one: true },
      [`${prefix}self_attn.q_proj.weight`]: { shape: [query, hidden] },
      [`${prefix}self_attn.k_proj.weight`]: { shape: [keyValue, hidden] },
      [`${prefix}self_attn.v_proj.weight`]: { shape: [keyValue, hidden] },
      [`${prefix}self_attn.o_proj.weight`]: { shape: [hidden, query] },
      [`${prefix}post_attention_layernorm.weight`]: { shape: [hidden], one: true },
      [`${prefix}mlp.gate_proj.weight`]: { shape: [intermediate, hidden] },
      [`${prefix}mlp.up_proj.weight`]: { shape: [intermediate, hidden] },
      [`${prefix}mlp.down_proj.weight`]: { shape: [hidden, intermediate] },
    });
  }
  await writeFile(
    join(directory, "model.safetensors.index.json"),
    JSON.stringify({ metadata: { total_size: bytes }, weight_map: weightMap }),
  );
  await writeFile(join(directory, "config.json"), JSON.stringify(config, null, 2));
  const vocabulary = (await readFile(defaultVocabularyPath, "utf8")).split("\n");
  if (vocabulary.at(-1) === "") vocabulary.pop();
  await writeFile(join(directory, "tokenizer.json"), JSON.stringify(bertTokenizerJson(vocabulary)));
  await writeFile(
    join(directory, "tokenizer_config.json"),
    JSON.stringify({ ...bertTokenizerConfig, model_max_length: number("max_position_embeddings") }),
  );
  return { bytes };
}
