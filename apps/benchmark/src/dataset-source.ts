import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import { downloadBeirDataset } from "./beir-download.ts";
import type { Progress } from "./progress.ts";
import { ensureVisualDataset, visualDatasetName } from "./visual/visual-dataset.ts";

export interface DatasetSourceOptions {
  readonly cacheDirectory?: string;
  readonly baseUrl?: string;
  readonly progress: Progress;
  readonly signal?: AbortSignal;
}

/** The default dataset cache: `$HYBRID_RAG_CACHE/datasets` or `~/.cache/hybrid-rag/datasets`. */
export function defaultDatasetCache(): string {
  const root = process.env.HYBRID_RAG_CACHE ?? join(homedir(), ".cache", "hybrid-rag");
  return join(root, "datasets");
}

const beirName = /^[a-z0-9][a-z0-9-]*$/;

/**
 * `--dataset` is either a folder (anything that exists, or looks like a path), `visual` (the
 * generated set of chart and table PDFs, written into the cache on first use), or a BEIR name
 * such as `scifact`, which is downloaded into the cache on first use.
 */
export async function resolveDataset(spec: string, options: DatasetSourceOptions): Promise<string> {
  const asPath = resolve(spec);
  const info = await stat(asPath).catch(() => undefined);
  if (info?.isDirectory()) return asPath;
  if (info || !beirName.test(spec)) {
    throw new HybridRagError(
      "not-found",
      `--dataset ${spec}: ${info ? "is a file, not a folder" : "no such folder"}. Pass a BEIR folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) or a BEIR name such as scifact, nfcorpus, fiqa, or visual (generated PDFs whose answers are only in charts and tables).`,
    );
  }
  const cacheDirectory = options.cacheDirectory ?? defaultDatasetCache();
  if (spec === visualDatasetName) return ensureVisualDataset(cacheDirectory);
  return downloadBeirDataset({
    name: spec,
    cacheDirectory,
    progress: options.progress,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
