import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import { decoderFamilies } from "../families/decoder-families.ts";
import { tokenIdInTokenizerJson } from "../families/tokenizer-vocabulary.ts";
import type { GraphPrecision } from "../model-family.ts";
import { createFamilySession, paddedFeeds, runLogits } from "./family-session.ts";
import { readTestWeights } from "./in-memory-weights.ts";

/**
 * Scores token rows with a small decoder directory (config.json, safetensors, tokenizer.json
 * when its family reads token ids): the family chosen from config.json builds the graph, which
 * runs on onnxruntime's CPU provider. For oracles and tests of generated tiny models: the
 * weights are read whole into memory.
 */
export async function scoreDecoderDirectory(
  directory: string,
  rows: readonly (readonly number[])[],
  options: { readonly precision?: GraphPrecision } = {},
): Promise<{ readonly family: string; readonly logits: readonly number[] }> {
  const config = JSON.parse(await readFile(join(directory, "config.json"), "utf8"));
  const family = decoderFamilies.find((candidate) => candidate.matches(config));
  if (family === undefined) {
    throw new HybridRagError(
      "unsupported",
      `${directory}/config.json names no decoder family (architectures ${JSON.stringify(config.architectures)}); supported: ${decoderFamilies.map((candidate) => candidate.name).join(", ")}.`,
    );
  }
  let tokenizerJson: unknown;
  try {
    tokenizerJson = JSON.parse(await readFile(join(directory, "tokenizer.json"), "utf8"));
  } catch {
    tokenizerJson = undefined; // families that need token ids say so
  }
  const { session } = await createFamilySession({
    family,
    config,
    weights: await readTestWeights(directory),
    precision: options.precision ?? "float32",
    tokenId: (token) => tokenIdInTokenizerJson(tokenizerJson, token),
  });
  try {
    return { family: family.name, logits: await runLogits(session, paddedFeeds(rows).feeds) };
  } finally {
    await session.release();
  }
}
