import { HybridRagError, parseWithSchema, type Reranker, type Retriever } from "@hybrid-rag/core";
import { createFusion, type FusionConfig } from "@hybrid-rag/fusion";
import { z } from "zod";
import { createPipeline, type Pipeline } from "./create-pipeline.ts";
import { quoteAll } from "./pipeline-options.ts";
import { type PipelineSettings, pipelineSettingsShape } from "./pipeline-settings.ts";

/**
 * A pipeline as plain JSON. Components are named; a registry supplies the objects:
 * `{ "retrievers": ["bm25", "dense"], "fusion": { "method": "rrf" }, "reranker": "cross-encoder" }`.
 */
export interface PipelineDefinition extends PipelineSettings {
  readonly retrievers: readonly string[];
  readonly fusion?: FusionConfig;
  readonly reranker?: string;
}

/** The objects a definition's names refer to. */
export interface ComponentRegistry {
  readonly retrievers: Readonly<Record<string, Retriever>>;
  readonly rerankers?: Readonly<Record<string, Reranker>>;
}

export const pipelineDefinitionSchema = z.strictObject({
  retrievers: z
    .array(z.string().min(1, "retriever names must not be empty"), {
      error: "retrievers must be an array of names",
    })
    .min(1, "a pipeline needs at least one retriever"),
  fusion: z
    .looseObject({ method: z.string({ error: "fusion.method must be a string" }) })
    .optional(),
  reranker: z.string().min(1, "the reranker name must not be empty").optional(),
  ...pipelineSettingsShape,
});

/** Validates a JSON definition (zod), resolves its names in the registry and builds the pipeline. */
export function createPipelineFromDefinition(
  definition: unknown,
  registry: ComponentRegistry,
): Pipeline {
  const parsed = parseWithSchema(pipelineDefinitionSchema, definition, "pipeline definition");
  const { retrievers, fusion, reranker, ...settings } = parsed;
  return createPipeline({
    ...settings,
    retrievers: retrievers.map((name) => lookUp("retriever", name, registry.retrievers)),
    ...(fusion === undefined ? {} : { fusion: createFusion(fusion) }),
    ...(reranker === undefined
      ? {}
      : { reranker: lookUp("reranker", reranker, registry.rerankers ?? {}) }),
  });
}

function lookUp<T>(kind: string, name: string, entries: Readonly<Record<string, T>>): T {
  if (Object.hasOwn(entries, name)) return entries[name]!;
  const known = Object.keys(entries);
  throw new HybridRagError(
    "invalid-argument",
    `Unknown ${kind} "${name}" in the pipeline definition; the registry has ${known.length > 0 ? quoteAll(known) : `no ${kind}s`}.`,
    { details: { name, known } },
  );
}
