import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModelDirectory } from "../../model-directory.ts";
import { llama32OneBillionConfig, writeLlamaShapeDirectory } from "./llama-shape-figures.ts";

describe("writeLlamaShapeDirectory", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "llama-shape-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("writes a sharded fp16 directory that the product path builds and caches", async () => {
    const directory = join(root, "model");
    await mkdir(directory);
    const config = {
      ...llama32OneBillionConfig(2),
      hidden_size: 64,
      intermediate_size: 128,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      head_dim: 16,
      vocab_size: 30_522,
      max_position_embeddings: 64,
    };
    const { bytes } = await writeLlamaShapeDirectory(directory, config);
    const index = JSON.parse(
      await readFile(join(directory, "model.safetensors.index.json"), "utf8"),
    );
    expect(index.metadata.total_size).toBe(bytes);
    expect(new Set(Object.values(index.weight_map)).size).toBe(3); // embedding shard + 2 layers
    const options = { graphCacheDirectory: join(root, "graphs"), onGraph: () => {} };
    const first = await loadModelDirectory(directory, options);
    expect(first.builtGraph).toMatchObject({ family: "llama-bidirectional", cached: false });
    expect(first.maxLength).toBe(64);
    const second = await loadModelDirectory(directory, options);
    expect(second.builtGraph?.cached).toBe(true);
  });
});
