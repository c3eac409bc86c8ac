import type { Embedder } from "@hybrid-rag/core";
import type { z } from "zod";
import type { embedderSpecSchema } from "../pipeline-spec.ts";

export type EmbedderSpec = z.output<typeof embedderSpecSchema>;

/** Counts the tokens a model would see (the shape `@hybrid-rag/chunking` takes). */
export interface ModelTokenCounter {
  readonly name: string;
  count(text: string): number;
}

/** An embedder the factory built, with what chunking needs to know about its model. */
export interface BuiltEmbedder {
  /** The registered kind that built it (`onnx`, `use-lite`, `endpoint`): apps report on it. */
  readonly kind: string;
  readonly embedder: Embedder;
  /** The model's own tokenizer (in-process models only), to size chunks. */
  readonly tokenCounter?: ModelTokenCounter;
  /** Tokens the model reads at most, its special tokens left out (in-process models only). */
  readonly modelMaxTokens?: number;
  /** Ends the model's sessions or worker threads; call it when done. */
  release(): Promise<void>;
}
