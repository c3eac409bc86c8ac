import { readCollectionManifest } from "@hybrid-rag/collection";
import { HybridRagError } from "@hybrid-rag/core";
import { isServeAlive, readServeRecord } from "./serve-record.ts";

/** What `search` was asked that decides whether a running serve can answer for it. */
export interface SearchRouteFlags {
  /** `--server <url>`: that serve; `--no-server` (false): never a serve; unset: a live one if suitable. */
  readonly server?: string | false;
  readonly topK: number;
  readonly candidates: number;
  readonly fusion?: string;
  readonly rerankerModel: string;
  readonly modelGiven?: boolean;
  /** `--keep-duplicates`: a serve collapses near-duplicates, so it cannot answer this. */
  readonly keepDuplicates?: boolean;
  /** `--page-images add`: reranks stored page images, which a serve does not do per request. */
  readonly pageImages?: boolean;
}

/**
 * The serve to ask instead of opening the collection, or undefined. `--server <url>` is used
 * as given, refusing settings a serve cannot take per request (its models and fusion are its
 * own). Otherwise a `hybrid-rag serve` on this directory is used when its record (`serve.json`)
 * shows it running here, on the collection's current version, with the same reranker and
 * within its limits: it answers as opening the collection would, without the cold start.
 */
export async function searchRoute(
  directory: string,
  flags: SearchRouteFlags,
): Promise<string | undefined> {
  if (flags.server === false) return undefined;
  const sameSettings =
    (flags.fusion ?? "rrf") === "rrf" &&
    flags.modelGiven !== true &&
    flags.keepDuplicates !== true &&
    flags.pageImages !== true &&
    flags.rerankerModel === "none";
  if (typeof flags.server === "string") {
    if (!sameSettings) {
      throw new HybridRagError(
        "invalid-argument",
        `--server ${flags.server} searches with that serve's own models and fusion (RRF): leave out --fusion, --embedding-model, --reranker-model, --keep-duplicates and --page-images (start the serve with the models you want), or leave --server out to open ${directory} directly.`,
      );
    }
    return flags.server;
  }
  if (!sameSettings) return undefined;
  const record = await readServeRecord(directory);
  if (!record || record.reranker !== flags.rerankerModel || !isServeAlive(record)) return undefined;
  if (record.needsKey && !process.env.HYBRID_RAG_API_KEY) return undefined;
  if (flags.topK > record.maxTopK || flags.candidates > record.maxCandidates) return undefined;
  const manifest = await readCollectionManifest(directory);
  return manifest?.version === record.version ? record.url : undefined;
}
