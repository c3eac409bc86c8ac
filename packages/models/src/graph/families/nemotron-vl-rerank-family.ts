import { HybridRagError } from "@hybrid-rag/core";
import { basePrefix } from "../family-config.ts";
import { GraphBlocks } from "../graph-blocks.ts";
import type { FamilyBuildContext, ModelFamily } from "../model-family.ts";
import { configNames } from "./decoder-config.ts";
import { buildDecoderStack, decoderOpset } from "./decoder-stack.ts";
import { type NemotronVlArchitecture, parseNemotronVlArchitecture } from "./nemotron-vl-config.ts";
import { pairFormatFromConfig } from "./pair-template.ts";
import { buildPooledScoreHead, poolingFromConfig } from "./pooled-score-head.ts";
import { buildSiglipVision } from "./siglip-vision.ts";

// nvidia/llama-nemotron-rerank-vl-1b-v2, as published (found with the code search; the Hub itself
// is not reachable from here):
// - config.json: `architectures: ["LlamaNemotronVLForSequenceClassification"]`,
//   `model_type: "llama_nemotron_vl_rerank"`, `vision_config` (model_type "siglip_vision_model":
//   SigLIP 2, ~400M), `llm_config` (a LlamaBidirectional config: Llama 3.2 1B, rope llama3),
//   `downsample_ratio: 0.5`, `select_layer: -1`, `force_image_size: 512`,
//   `dynamic_image_size: true`, `max_input_tiles`, `img_context_token_id` (128258, the id of
//   `<IMG_CONTEXT>`), `pooling: "avg"`, `prompt_template: "v1"`, `torch_dtype: "bfloat16"`
//   (a third-party audit of the config, and NeMo AutoModel's LlamaNemotronVLConfig defaults).
// - forward (NeMo AutoModel `nemo_automodel/components/models/llama_nemotron_vl/model.py`, the
//   same recipe as InternVL/Eagle): the tiles go through SiglipVisionModel, the last hidden state
//   (select_layer -1) is reshaped to its patch grid, pixel-shuffled (2×2 neighbouring patches →
//   one token of 4× the channels, channel order (row offset, column offset, channel)), and
//   projected by `mlp1` = LayerNorm → Linear → GELU (exact) → Linear into the Llama's width;
//   the token embeddings of every `<IMG_CONTEXT>` id are replaced, in reading order, by those
//   features; the bidirectional Llama runs on the embeddings.
// - head (vLLM's LlamaNemotronVLForSequenceClassification, the model card): mean pooling over
//   non-pad tokens and `score` = Linear(hidden, 1, bias=False); base weights are under `model.`
//   (model.vision_model…, model.mlp1…, model.language_model…), `score.weight` at the top.
// - prompt (NVIDIA's LlamaNemotronVLRerankProcessor, prompt_template "v1"):
//   "question:{query} \n \n passage:{passage}", and for a passage with an image
//   "<img>" + "<IMG_CONTEXT>" × (tokens per tile × tiles) + "</img>" + " " + that text.
// Ambiguous in what was published, resolved by the code: the vision tensors are found under
// either `vision_model.vision_model.` (transformers' SiglipVisionModel nesting, what NeMo's code
// saves) or `vision_model.` (vLLM's loader accepts both); the processor pads on the left, we pad
// on the right — equal under bidirectional attention with mean pooling, since rotary attention
// depends on relative positions only.
const architectures = new Set(["LlamaNemotronVLForSequenceClassification"]);
const modelTypes = new Set(["llama_nemotron_vl_rerank"]);

export const nemotronVlRerankFamily: ModelFamily = {
  name: "llama-nemotron-vl-rerank",
  tasks: ["cross-encoder"],
  opset: decoderOpset,
  visionInputFormat: (config, processor) =>
    parseNemotronVlArchitecture(config, "llama-nemotron-vl-rerank", processor).input,
  matches(config) {
    const names = configNames(config);
    return (
      names.architectures.some((name) => architectures.has(name)) ||
      (names.modelType !== undefined && modelTypes.has(names.modelType))
    );
  },
  build: (context) => buildNemotronVlReranker(context, "llama-nemotron-vl-rerank"),
  pairInputFormat: (config) =>
    pairFormatFromConfig(
      config,
      config.prompt_template === "v1" || config.prompt_template === undefined
        ? "question:{query} \n \n passage:{passage}"
        : "{query} \n {passage}",
      "llama-nemotron-vl-rerank",
    ),
};

async function buildNemotronVlReranker(context: FamilyBuildContext, family: string): Promise<void> {
  if (context.task !== "cross-encoder") {
    throw new HybridRagError(
      "unsupported",
      `${family} builds cross-encoders only, not ${context.task}.`,
    );
  }
  const architecture = parseNemotronVlArchitecture(context.config, family);
  assertImageTokenMatchesTokenizer(context, architecture, family);
  const has = (name: string): boolean => context.weights.info(name) !== undefined;
  const visionPrefix = basePrefix(has, "embeddings.patch_embedding.weight", [
    "model.vision_model.vision_model.",
    "model.vision_model.",
    "vision_model.vision_model.",
    "vision_model.",
  ]);
  const projectorPrefix = basePrefix(has, "0.weight", ["model.mlp1.", "mlp1."]);
  const languagePrefix = basePrefix(has, "embed_tokens.weight", [
    "model.language_model.",
    "model.language_model.model.",
    "language_model.",
    "language_model.model.",
  ]);
  // One GraphBlocks for the whole graph: its constants are numbered per instance.
  const blocks = new GraphBlocks(context);
  const { tileSize } = architecture.input;
  const pixelValues = context.builder.input("pixel_values", "float", [
    "tiles",
    3,
    tileSize,
    tileSize,
  ]);
  const stack = await buildDecoderStack(context, architecture.language, {
    attention: "bidirectional",
    queryKeyNorm: false,
    prefix: languagePrefix,
    embed: async (tokenEmbeddings, inputIds) =>
      placeImageFeatures(blocks, architecture, {
        tokenEmbeddings,
        inputIds,
        imageFeatures: await projectImageTiles(
          blocks,
          architecture,
          { vision: visionPrefix, projector: projectorPrefix },
          pixelValues,
        ),
      }),
  });
  await buildPooledScoreHead(
    context,
    stack,
    architecture.language.hidden,
    poolingFromConfig(context.config, "avg", family),
    family,
  );
}

/** The tiles' features in the Llama's width, one row per image token: [tiles · tokensPerTile, hidden]. */
async function projectImageTiles(
  blocks: GraphBlocks,
  architecture: NemotronVlArchitecture,
  prefixes: { readonly vision: string; readonly projector: string },
  pixelValues: string,
): Promise<string> {
  const graph = blocks.graph;
  const input = graph.isFloat16
    ? graph.node("Cast", [pixelValues], { to: graph.weightTypeCode })
    : pixelValues;
  const vision = architecture.vision;
  const states = await buildSiglipVision(
    blocks,
    vision,
    prefixes.vision,
    input,
    architecture.selectLayer,
  );
  const shuffled = pixelShuffle(blocks, states, architecture);
  const width = vision.hidden * architecture.shuffleFactor ** 2;
  const hidden = architecture.language.hidden;
  const p = prefixes.projector;
  const normed = await blocks.layerNorm(`${p}0.weight`, `${p}0.bias`, shuffled, width, 1e-5);
  const expanded = blocks.gelu(await blocks.linear(`${p}1`, normed, width, hidden));
  const projected = await blocks.linear(`${p}3`, expanded, hidden, hidden);
  return graph.node("Reshape", [projected, blocks.int64([-1, hidden])]);
}

/**
 * InternVL's pixel shuffle with scale 1/f: the [tiles, g·g, C] patch states as a g×g grid,
 * each f×f block of neighbouring patches merged into one token of f²·C channels ordered
 * (row offset, column offset, channel) — the order NeMo's view/permute sequence produces.
 */
function pixelShuffle(
  blocks: GraphBlocks,
  states: string,
  architecture: NemotronVlArchitecture,
): string {
  const graph = blocks.graph;
  const { hidden, imageSize, patchSize } = architecture.vision;
  const factor = architecture.shuffleFactor;
  const grid = imageSize / patchSize;
  const merged = grid / factor;
  const blocked = graph.node("Reshape", [
    states,
    blocks.int64([-1, merged, factor, merged, factor, hidden]),
  ]); // [tiles, row block, row offset, column block, column offset, C]
  const ordered = graph.node("Transpose", [blocked], { perm: [0, 1, 3, 2, 4, 5] });
  return graph.node("Reshape", [
    ordered,
    blocks.int64([-1, merged * merged, factor * factor * hidden]),
  ]);
}

/**
 * The embeddings with every `<IMG_CONTEXT>` token's row replaced by the next image feature in
 * reading order (row by row through the batch), as NeMo's `_replace_image_token_embeddings`:
 * the n-th image token (CumSum of the image-token mask) takes feature row n; a zero row in front
 * of the features serves the text tokens, whose embeddings are kept (Where).
 */
function placeImageFeatures(
  blocks: GraphBlocks,
  architecture: NemotronVlArchitecture,
  parts: {
    readonly tokenEmbeddings: string;
    readonly inputIds: string;
    readonly imageFeatures: string;
  },
): string {
  const graph = blocks.graph;
  const hidden = architecture.language.hidden;
  const isImage = graph.node("Equal", [
    parts.inputIds,
    blocks.int64([architecture.input.imageContextTokenId], []),
  ]); // [batch, sequence]
  const flatImage = graph.node("Reshape", [
    graph.node("Cast", [isImage], { to: int64Type }),
    blocks.int64([-1]),
  ]);
  const ordinal = graph.node("CumSum", [flatImage, blocks.int64([0], [])]);
  const row = graph.node("Mul", [ordinal, flatImage]); // 0 for text tokens, n for the n-th image token
  const table = graph.node(
    "Concat",
    [
      graph.floatTensor("vision.no_feature", [1, hidden], new Float32Array(hidden)),
      parts.imageFeatures,
    ],
    { axis: 0 },
  );
  const features = graph.node("Reshape", [
    graph.node("Gather", [table, row], { axis: 0 }),
    graph.node("Shape", [parts.tokenEmbeddings]),
  ]);
  return graph.node("Where", [
    graph.node("Unsqueeze", [isImage, blocks.int64([2])]),
    features,
    parts.tokenEmbeddings,
  ]);
}

const int64Type = 7;

/** config.json's img_context_token_id must be the tokenizer's `<IMG_CONTEXT>` (when it has one). */
function assertImageTokenMatchesTokenizer(
  context: FamilyBuildContext,
  architecture: NemotronVlArchitecture,
  family: string,
): void {
  const { imageContextToken, imageContextTokenId } = architecture.input;
  const id = context.tokenId?.(imageContextToken);
  if (id !== undefined && id !== imageContextTokenId) {
    throw new HybridRagError(
      "corrupt-data",
      `${family}: config.json img_context_token_id is ${imageContextTokenId} but tokenizer.json has ${imageContextToken} as ${id}; the image features would replace the wrong tokens. Fix config.json or use the model's own tokenizer.`,
    );
  }
}
