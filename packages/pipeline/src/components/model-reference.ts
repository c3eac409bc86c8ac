import type { PrefixPreset } from "@hybrid-rag/embeddings";

/** What an embedder's or reranker's `model` names, read the same way by every app. */
export type ModelReference =
  | { readonly kind: "endpoint"; readonly url: string }
  | { readonly kind: "use-lite" }
  | { readonly kind: "in-process"; readonly model: string };

/** The name that stands for Universal Sentence Encoder Lite from npm (no download). */
export const useLiteModel = "use-lite";

/** `none` (or nothing) on a command line means "no model": the spec then leaves the part out. */
export function isNoModel(model: string | undefined): boolean {
  const name = model?.trim() ?? "";
  return name === "" || name === "none";
}

export function isEndpointUrl(model: string): boolean {
  return /^https?:\/\//i.test(model.trim());
}

/** An http(s) URL is an endpoint, `use-lite` the npm model, anything else a folder or Hub id. */
export function modelReference(model: string): ModelReference {
  const name = model.trim();
  if (isEndpointUrl(name)) return { kind: "endpoint", url: name };
  if (name === useLiteModel) return { kind: "use-lite" };
  return { kind: "in-process", model: name };
}

/** bge and e5 models were trained with query/passage prefixes; others with none. */
export function prefixesForModel(model: string): PrefixPreset {
  const name = model.toLowerCase();
  if (/(^|[/_-])bge/.test(name)) return "bge";
  if (/(^|[/_-])e5/.test(name)) return "e5";
  return "none";
}
