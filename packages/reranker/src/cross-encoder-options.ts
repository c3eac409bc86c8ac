import { sessionOptionsSchema } from "@hybrid-rag/models";
import { z } from "zod";
import { modelPrecisions } from "./model-precision.ts";

export { type TruncateMode, truncateModes } from "./truncate-mode.ts";

export const crossEncoderOptionsSchema = sessionOptionsSchema.extend({
  /** Longest pair in tokens, special tokens included; default and maximum: the model's limit. */
  maxLength: z.number().int().min(4).optional(),
  /**
   * Padded tokens (pairs × longest pair) per model run; default 4096 on CPU, 65,536 on GPUs. A
   * list within the budget is one model run: nothing re-splits it.
   */
  maxTokensPerBatch: z.number().int().min(1).optional(),
  /** Pairs per model run at most; default 64 on CPU, 512 on GPUs. */
  maxBatchSize: z.number().int().min(1).optional(),
  /**
   * Tokenise the next chunk of a `scorePairs` list on a worker thread while the model scores the
   * current one ("auto": on GPUs, where the device would otherwise wait for JavaScript).
   */
  overlapTokenization: z.enum(["auto", "on", "off"]).default("auto"),
  /** Pairs per chunk when tokenisation overlaps inference. */
  overlapChunkSize: z.number().int().min(1).default(128),
  /** "auto": onnx/model_fp16.onnx on a GPU when present, else the fp32 file; or force one. */
  precision: z.enum(modelPrecisions).default("auto"),
  /**
   * How a pair becomes model input, e.g. "question:{query} \n \n passage:{passage}"; default:
   * the model family's format for a directory built from safetensors, else the tokenizer's
   * pair template. "none" forces the tokenizer's pair template.
   */
  pairTemplate: z.string().min(1).optional(),
  /** Model runs in flight at once, across all callers of this encoder (1 suits CPUs). */
  concurrency: z.number().int().min(1).default(1),
});

export type CrossEncoderSettings = z.input<typeof crossEncoderOptionsSchema>;
