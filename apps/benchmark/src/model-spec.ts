import { HybridRagError } from "@hybrid-rag/core";

export type ModelSpec =
  | { readonly kind: "none" }
  | { readonly kind: "endpoint"; readonly url: string }
  | { readonly kind: "local-or-hub"; readonly model: string };

/** `none`, an http(s) endpoint, or a model directory / Hugging Face id (the loader tells which). */
export function parseModelSpec(value: string, option: string): ModelSpec {
  const trimmed = value.trim();
  if (trimmed.length === 0) {
    throw new HybridRagError(
      "invalid-argument",
      `${option} is empty; pass a model folder, a Hugging Face id, a URL or "none".`,
    );
  }
  if (trimmed === "none") return { kind: "none" };
  if (/^https?:\/\//i.test(trimmed)) return { kind: "endpoint", url: trimmed };
  return { kind: "local-or-hub", model: trimmed };
}
