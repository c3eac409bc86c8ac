import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { nemotronVlRerankFamily } from "../families/nemotron-vl-rerank-family.ts";
import type { GraphPrecision } from "../model-family.ts";
import { createFamilySession, paddedFeeds, runLogits } from "./family-session.ts";
import { readTestWeights } from "./in-memory-weights.ts";

/**
 * Scores token rows and their tiles with a small llama-nemotron-vl-rerank directory (graph built
 * in memory, onnxruntime's CPU provider): for the vision oracle and tests of generated models.
 * `pixelValues` are the rows' tiles in reading order, [tiles, 3, size, size] flattened.
 */
export async function scoreVisionDirectory(
  directory: string,
  rows: readonly (readonly number[])[],
  pixelValues: Float32Array,
  pixelShape: readonly number[],
  options: { readonly precision?: GraphPrecision } = {},
): Promise<{ readonly family: string; readonly logits: readonly number[] }> {
  const config = JSON.parse(await readFile(join(directory, "config.json"), "utf8"));
  const family = nemotronVlRerankFamily;
  if (!family.matches(config)) {
    throw new Error(`${directory}/config.json is not a ${family.name} config`);
  }
  const { session } = await createFamilySession({
    family,
    config,
    weights: await readTestWeights(directory),
    precision: options.precision ?? "float32",
  });
  try {
    const feeds = {
      ...paddedFeeds(rows).feeds,
      pixel_values: new ort.Tensor("float32", pixelValues, [...pixelShape]),
    };
    return { family: family.name, logits: await runLogits(session, feeds) };
  } finally {
    await session.release();
  }
}
