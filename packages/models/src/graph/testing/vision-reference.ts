import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { referencePython, torchUnavailableReason } from "./torch-reference.ts";

const script = fileURLToPath(
  new URL("../../../reference/score_vision_reranker.py", import.meta.url),
);

export interface VisionReferenceRequest {
  readonly directory: string;
  readonly inputIds: readonly (readonly number[])[];
  readonly attentionMask: readonly (readonly number[])[];
  /** Image files of the batch in reading order, preprocessed by the reference with PIL. */
  readonly images: readonly string[];
  /** The deliberate mistake to make (the comparison must then fail). */
  readonly broken?: "no-pixel-shuffle";
}

export interface VisionReferenceOutput {
  readonly logits: number[];
  readonly tilesPerImage: number[];
  readonly pixelShape: number[];
  readonly pixelValues: number[];
}

/** The llama-nemotron-vl-rerank PyTorch reference (reference/score_vision_reranker.py). */
export function visionReference(request: VisionReferenceRequest): VisionReferenceOutput {
  const reason = torchUnavailableReason();
  if (reason !== undefined) throw new Error(`The PyTorch reference cannot run: ${reason}.`);
  const run = spawnSync(referencePython, [script], {
    input: JSON.stringify({
      directory: request.directory,
      input_ids: request.inputIds,
      attention_mask: request.attentionMask,
      images: request.images,
      broken: request.broken,
    }),
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0)
    throw new Error(`reference/score_vision_reranker.py failed (${run.status}): ${run.stderr}`);
  const output = JSON.parse(run.stdout) as {
    logits: number[];
    tiles_per_image: number[];
    pixel_shape: number[];
    pixel_values: number[];
  };
  return {
    logits: output.logits,
    tilesPerImage: output.tiles_per_image,
    pixelShape: output.pixel_shape,
    pixelValues: output.pixel_values,
  };
}
