import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";
import { type DecoderArchitecture, parseDecoderArchitecture } from "./decoder-config.ts";

/** The SigLIP vision tower as config.json's `vision_config` describes it. */
export interface SiglipArchitecture {
  readonly hidden: number;
  readonly intermediate: number;
  readonly layers: number;
  readonly heads: number;
  readonly imageSize: number;
  readonly patchSize: number;
  readonly layerNormEpsilon: number;
  readonly activation: string;
}

/** What the model reads from an image: tiles, their size, the tokens each tile becomes. */
export interface VisionInputFormat {
  /** Side of a square tile in pixels (`force_image_size`, else the vision tower's image_size). */
  readonly tileSize: number;
  /** `<IMG_CONTEXT>` tokens per tile: (tileSize / patch)² · downsample_ratio². */
  readonly tokensPerTile: number;
  /** Most tiles an image is cut into (`max_input_tiles`), thumbnail not counted. */
  readonly maxTiles: number;
  /** Whether an image cut into several tiles gets a whole-image thumbnail tile too. */
  readonly useThumbnail: boolean;
  /** false: every image is resized to one tile. */
  readonly dynamicTiling: boolean;
  /** Per-channel normalisation after /255: SigLIP's (x − 0.5) / 0.5. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly imageStartToken: string;
  readonly imageEndToken: string;
  readonly imageContextToken: string;
  readonly imageContextTokenId: number;
}

export interface NemotronVlArchitecture {
  readonly vision: SiglipArchitecture;
  readonly language: DecoderArchitecture;
  /** Vision hidden states taken: -1 the last (after post_layernorm), else hidden_states[i]. */
  readonly selectLayer: number;
  /** Side factor the pixel shuffle merges (2 for downsample_ratio 0.5). */
  readonly shuffleFactor: number;
  readonly input: VisionInputFormat;
}

const positiveInteger = z.number().int().positive();

const visionSchema = z.looseObject({
  model_type: z.literal("siglip_vision_model"),
  hidden_size: positiveInteger,
  intermediate_size: positiveInteger,
  num_hidden_layers: positiveInteger,
  num_attention_heads: positiveInteger,
  image_size: positiveInteger,
  patch_size: positiveInteger,
  num_channels: z.literal(3).default(3),
  layer_norm_eps: z.number().positive().default(1e-6),
  hidden_act: z
    .enum(["gelu_pytorch_tanh", "gelu", "gelu_new", "gelu_fast"])
    .default("gelu_pytorch_tanh"),
});

const topSchema = z.looseObject({
  vision_config: z.looseObject({}),
  llm_config: z.looseObject({}),
  downsample_ratio: z.number().positive().max(1).default(0.5),
  select_layer: z.number().int().default(-1),
  force_image_size: positiveInteger.nullish(),
  img_context_token_id: z.number().int().nonnegative().default(128258),
  max_input_tiles: positiveInteger.default(2),
  use_thumbnail: z.boolean().default(true),
  dynamic_image_size: z.boolean().default(true),
});

// Same constants as NVIDIA's processor (norm_type "siglip"): (x / 255 − 0.5) / 0.5.
const siglipMean = [0.5, 0.5, 0.5] as const;
const siglipStd = [0.5, 0.5, 0.5] as const;

/**
 * Validates a llama-nemotron-rerank-vl config.json: the SigLIP tower, the bidirectional Llama
 * (`llm_config`) and the image settings. `processor` is processor_config.json when the directory
 * has one: its max_input_tiles / use_thumbnail / dynamic_image_size win, as NVIDIA's
 * AutoProcessor reads them from there.
 */
export function parseNemotronVlArchitecture(
  config: Readonly<Record<string, unknown>>,
  family: string,
  processor: Readonly<Record<string, unknown>> = {},
): NemotronVlArchitecture {
  const top = parseWithSchema(
    topSchema,
    { ...config, ...pickProcessorKeys(processor) },
    `${family} config.json`,
  );
  const vision = parseWithSchema(
    visionSchema,
    top.vision_config,
    `${family} config.json vision_config`,
  );
  const language = parseDecoderArchitecture(top.llm_config, `${family} llm_config`);
  const shuffleFactor = Math.round(1 / top.downsample_ratio);
  const tileSize = top.force_image_size ?? vision.image_size;
  const grid = tileSize / vision.patch_size;
  if (
    Math.abs(shuffleFactor * top.downsample_ratio - 1) > 1e-9 ||
    !Number.isInteger(grid) ||
    grid % shuffleFactor !== 0
  ) {
    throw new HybridRagError(
      "unsupported",
      `${family} config.json: downsample_ratio ${top.downsample_ratio} with a ${tileSize}px tile and patch ${vision.patch_size} does not give a whole pixel shuffle (1 / ratio must be an integer dividing ${grid} patches per side).`,
    );
  }
  if (vision.hidden_size % vision.num_attention_heads !== 0) {
    throw new HybridRagError(
      "invalid-argument",
      `${family} config.json vision_config: hidden_size ${vision.hidden_size} is not a multiple of num_attention_heads ${vision.num_attention_heads}.`,
    );
  }
  const layers = vision.num_hidden_layers;
  if (top.select_layer < -(layers + 1) || top.select_layer > layers) {
    throw new HybridRagError(
      "invalid-argument",
      `${family} config.json: select_layer ${top.select_layer} is outside the vision tower's ${layers + 1} hidden states.`,
    );
  }
  return {
    vision: {
      hidden: vision.hidden_size,
      intermediate: vision.intermediate_size,
      layers,
      heads: vision.num_attention_heads,
      imageSize: vision.image_size,
      patchSize: vision.patch_size,
      layerNormEpsilon: vision.layer_norm_eps,
      activation: vision.hidden_act,
    },
    language,
    selectLayer: top.select_layer,
    shuffleFactor,
    input: {
      tileSize,
      tokensPerTile: (grid / shuffleFactor) ** 2,
      maxTiles: top.max_input_tiles,
      useThumbnail: top.use_thumbnail,
      dynamicTiling: top.dynamic_image_size,
      mean: siglipMean,
      std: siglipStd,
      imageStartToken: "<img>",
      imageEndToken: "</img>",
      imageContextToken: "<IMG_CONTEXT>",
      imageContextTokenId: top.img_context_token_id,
    },
  };
}

function pickProcessorKeys(processor: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of ["max_input_tiles", "use_thumbnail", "dynamic_image_size"]) {
    if (processor[key] !== undefined) picked[key] = processor[key];
  }
  return picked;
}
