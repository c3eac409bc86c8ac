import { HybridRagError } from "@hybrid-rag/core";
import { bertFamily } from "./families/bert-family.ts";
import { decoderFamilies } from "./families/decoder-families.ts";
import { modernBertFamily } from "./families/modernbert-family.ts";
import { nemotronVlRerankFamily } from "./families/nemotron-vl-rerank-family.ts";
import { xlmRobertaFamily } from "./families/xlm-roberta-family.ts";
import type { ModelFamily } from "./model-family.ts";

/**
 * Every architecture family the builder knows, tried in order: the encoders, the decoder
 * rerankers, then the vision-language reranker (its config names only its own architecture).
 */
export const modelFamilies: readonly ModelFamily[] = [
  bertFamily,
  xlmRobertaFamily,
  modernBertFamily,
  ...decoderFamilies,
  nemotronVlRerankFamily,
];

/**
 * The family that builds this config.json. An unknown architecture gets one sentence listing
 * the supported families; a custom-code model (`auto_map`) is built by its family when it is
 * one we know (its `model_type` / `architectures` say which), otherwise refused with why.
 */
export function selectModelFamily(
  config: Readonly<Record<string, unknown>>,
  configPath: string,
  families: readonly ModelFamily[] = modelFamilies,
): ModelFamily {
  const family = families.find((candidate) => candidate.matches(config));
  if (family) return family;
  const described = `architectures ${JSON.stringify(config.architectures ?? null)}, model_type ${JSON.stringify(config.model_type ?? null)}`;
  const supported = families.map((candidate) => candidate.name).join(", ");
  if (config.auto_map !== undefined) {
    throw new HybridRagError(
      "unsupported",
      `${configPath} describes a custom-code model (auto_map; ${described}) of no family hybrid-rag can build, and hybrid-rag never runs a model's Python code; supported families: ${supported}.`,
    );
  }
  throw new HybridRagError(
    "unsupported",
    `${configPath} has ${described}, which hybrid-rag cannot build from safetensors; supported families: ${supported} (or export the model to onnx/model.onnx).`,
  );
}
