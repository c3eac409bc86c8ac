import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bertTokenizerConfig, bertTokenizerJson } from "../../testing/bert-tokenizer-json.ts";
import { defaultVocabularyPath } from "../../testing/create-tiny-bert-model.ts";
import { SeededRandom } from "../../testing/seeded-random.ts";
import { type SafetensorsEntry, writeSafetensorsWeights } from "../../testing/write-safetensors.ts";
import { tinyLlamaBidirectionalConfig } from "./decoder-checkpoints.ts";

/** The image special tokens NVIDIA's VLM tokenizer adds, in the order appended to the vocabulary. */
export const visionSpecialTokens = ["<img>", "</img>", "<IMG_CONTEXT>"] as const;

/**
 * llama-nemotron-rerank-vl-1b-v2's config.json at tiny size: SigLIP 32 px tiles of 4 px patches
 * (an 8×8 grid, 16 image tokens per tile after the 2×2 pixel shuffle), 2 vision layers of width
 * 32, the tiny bidirectional Llama of the text family, up to 4 tiles plus a thumbnail. It
 * carries the `hybrid_rag_test_model` marker of the other test models.
 */
export function tinyNemotronVlConfig(
  vocabularySize: number,
  imageContextId: number,
): Record<string, unknown> {
  const llm = {
    ...tinyLlamaBidirectionalConfig(),
    architectures: ["LlamaBidirectionalModel"],
    vocab_size: vocabularySize,
    max_position_embeddings: 512,
  };
  delete (llm as Record<string, unknown>).auto_map;
  return {
    architectures: ["LlamaNemotronVLForSequenceClassification"],
    // Read by reports (apps/benchmark) so that numbers from this model are never taken for quality.
    hybrid_rag_test_model:
      "random weights from @hybrid-rag/models/testing: latency is real, quality is meaningless",
    model_type: "llama_nemotron_vl_rerank",
    vision_config: {
      model_type: "siglip_vision_model",
      hidden_size: 32,
      intermediate_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      image_size: 32,
      patch_size: 4,
      num_channels: 3,
      layer_norm_eps: 1e-6,
      hidden_act: "gelu_pytorch_tanh",
    },
    llm_config: llm,
    downsample_ratio: 0.5,
    select_layer: -1,
    force_image_size: 32,
    dynamic_image_size: true,
    use_thumbnail: true,
    max_input_tiles: 4,
    img_context_token_id: imageContextId,
    pooling: "avg",
    prompt_template: "v1",
    temperature: 1,
    vocab_size: vocabularySize,
    torch_dtype: "float32",
  };
}

/**
 * A llama-nemotron-rerank-vl directory as save_pretrained() leaves it (config.json, random
 * safetensors weights under NVIDIA's names, tokenizer.json with the image tokens added, no
 * ONNX). The tokenizer is bert-base-uncased's WordPiece plus `<img>`, `</img>`,
 * `<IMG_CONTEXT>`, standing in for the model's Llama BPE: what is tested is the graph and the
 * image path on the ids the tokenizer gives.
 */
export async function createVisionRerankerDirectory(
  directory: string,
  options: { readonly seed?: number } = {},
): Promise<{ readonly config: Record<string, unknown>; readonly imageContextId: number }> {
  const vocabulary = (await readFile(defaultVocabularyPath, "utf8")).split("\n");
  if (vocabulary.at(-1) === "") vocabulary.pop();
  const firstAdded = vocabulary.length;
  const imageContextId = firstAdded + 2;
  const config = tinyNemotronVlConfig(firstAdded + visionSpecialTokens.length, imageContextId);
  await writeVisionRerankerWeights(directory, config, options.seed ?? 33);
  await writeFile(join(directory, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  const tokenizer = bertTokenizerJson([...vocabulary, ...visionSpecialTokens]) as {
    added_tokens: object[];
  };
  for (const [index, token] of visionSpecialTokens.entries()) {
    tokenizer.added_tokens.push({
      id: firstAdded + index,
      content: token,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
  }
  await writeFile(join(directory, "tokenizer.json"), JSON.stringify(tokenizer));
  await writeFile(
    join(directory, "tokenizer_config.json"),
    JSON.stringify({ ...bertTokenizerConfig, model_max_length: 512 }),
  );
  return { config, imageContextId };
}

async function writeVisionRerankerWeights(
  directory: string,
  config: Record<string, unknown>,
  seed: number,
): Promise<void> {
  const random = new SeededRandom(seed);
  const tensors: Record<string, SafetensorsEntry> = {};
  const add = (name: string, shape: readonly number[], mean = 0, deviation = 0.1): void => {
    const count = shape.reduce((product, dim) => product * dim, 1);
    tensors[name] = { shape, values: random.normals(count, deviation, mean) };
  };
  const vision = config.vision_config as Record<string, number>;
  const llm = config.llm_config as Record<string, number>;
  const visionHidden = vision.hidden_size!;
  const patch = vision.patch_size!;
  const patches = (vision.image_size! / patch) ** 2;
  const v = "model.vision_model.vision_model.";
  add(`${v}embeddings.patch_embedding.weight`, [visionHidden, 3, patch, patch]);
  add(`${v}embeddings.patch_embedding.bias`, [visionHidden]);
  add(`${v}embeddings.position_embedding.weight`, [patches, visionHidden]);
  for (let layer = 0; layer < vision.num_hidden_layers!; layer++) {
    const p = `${v}encoder.layers.${layer}.`;
    for (const norm of ["layer_norm1", "layer_norm2"]) {
      add(`${p}${norm}.weight`, [visionHidden], 1);
      add(`${p}${norm}.bias`, [visionHidden]);
    }
    for (const projection of ["q_proj", "k_proj", "v_proj", "out_proj"]) {
      add(`${p}self_attn.${projection}.weight`, [visionHidden, visionHidden], 0, 0.2);
      add(`${p}self_attn.${projection}.bias`, [visionHidden]);
    }
    add(`${p}mlp.fc1.weight`, [vision.intermediate_size!, visionHidden], 0, 0.2);
    add(`${p}mlp.fc1.bias`, [vision.intermediate_size!]);
    add(`${p}mlp.fc2.weight`, [visionHidden, vision.intermediate_size!], 0, 0.2);
    add(`${p}mlp.fc2.bias`, [visionHidden]);
  }
  add(`${v}post_layernorm.weight`, [visionHidden], 1);
  add(`${v}post_layernorm.bias`, [visionHidden]);
  const shuffled = visionHidden * 4;
  const hidden = llm.hidden_size!;
  add("model.mlp1.0.weight", [shuffled], 1);
  add("model.mlp1.0.bias", [shuffled]);
  add("model.mlp1.1.weight", [hidden, shuffled]);
  add("model.mlp1.1.bias", [hidden]);
  add("model.mlp1.3.weight", [hidden, hidden]);
  add("model.mlp1.3.bias", [hidden]);
  const l = "model.language_model.";
  const headDimension = llm.head_dim!;
  const queryWidth = llm.num_attention_heads! * headDimension;
  const keyValueWidth = llm.num_key_value_heads! * headDimension;
  add(`${l}embed_tokens.weight`, [llm.vocab_size!, hidden]);
  for (let layer = 0; layer < llm.num_hidden_layers!; layer++) {
    const p = `${l}layers.${layer}.`;
    add(`${p}input_layernorm.weight`, [hidden], 1);
    add(`${p}self_attn.q_proj.weight`, [queryWidth, hidden]);
    add(`${p}self_attn.k_proj.weight`, [keyValueWidth, hidden]);
    add(`${p}self_attn.v_proj.weight`, [keyValueWidth, hidden]);
    add(`${p}self_attn.o_proj.weight`, [hidden, queryWidth]);
    add(`${p}post_attention_layernorm.weight`, [hidden], 1);
    add(`${p}mlp.gate_proj.weight`, [llm.intermediate_size!, hidden]);
    add(`${p}mlp.up_proj.weight`, [llm.intermediate_size!, hidden]);
    add(`${p}mlp.down_proj.weight`, [hidden, llm.intermediate_size!]);
  }
  add(`${l}norm.weight`, [hidden], 1);
  add("score.weight", [1, hidden]);
  await writeSafetensorsWeights(directory, tensors, { dtype: "F32", shards: 1 });
}
