import {
  type DocumentStore,
  type IngestSummary,
  NearDuplicateGroups,
} from "@hybrid-rag/collection";
import type { LoadResult, SkippedSource } from "@hybrid-rag/loaders";

/** Missing sources listed by name in a summary (as the collection's own ingest lists them). */
const missingListed = 20;
const nearDuplicatesListed = 10;

export type UnchangedPass =
  | { readonly kind: "unchanged"; readonly summary: IngestSummary }
  /** Something to write: ingest `input` (what was read so far, then the rest) into the collection. */
  | { readonly kind: "changes"; readonly input: AsyncIterable<LoadResult> };

/**
 * The first pass of an incremental ingest, over the collection's parent records only (no chunks,
 * no indexes): reads the folder while every file is unchanged (hashed by the loaders, not
 * extracted) and skipped sources are only listed. At the first document to write — or at the end
 * when missing documents are to be removed — it hands the input on, what it read included, for
 * the real ingest; when nothing changed it returns the summary without the collection ever
 * being opened, so an unchanged re-ingest costs a read and a hash of each file and memory
 * proportional to the number of documents.
 */
export async function unchangedPass(
  input: AsyncIterable<LoadResult>,
  parents: DocumentStore,
  removeMissing: boolean,
  signal?: AbortSignal,
): Promise<UnchangedPass> {
  const started = performance.now();
  const iterator = input[Symbol.asyncIterator]();
  const read: LoadResult[] = [];
  const seen = new Set<string>();
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    signal?.throwIfAborted();
    const item = next.value;
    read.push(item);
    if (
      item.kind === "skipped" &&
      item.code === "unchanged" &&
      item.id &&
      parents.parent(item.id)
    ) {
      // Its page images and figures came from the same bytes: unchanged too.
      for (const id of [item.id, ...parents.partsOf(item.id)]) seen.add(id);
      continue;
    }
    if (item.kind === "skipped") continue;
    return { kind: "changes", input: concatenate(read, iterator) };
  }
  const missing = [...parents.parents()].filter((parent) => !seen.has(parent.id));
  if (removeMissing && missing.length > 0) {
    return { kind: "changes", input: concatenate(read, iterator) };
  }
  const groups = new NearDuplicateGroups(parents).groups;
  const skipped = read.filter(
    (item): item is SkippedSource =>
      item.kind === "skipped" && !(item.code === "unchanged" && seen.has(item.id ?? "")),
  );
  const elapsedMs = performance.now() - started;
  return {
    kind: "unchanged",
    summary: {
      documents: seen.size,
      added: 0,
      replaced: 0,
      unchanged: seen.size,
      duplicates: 0,
      failed: 0,
      failures: [],
      removed: 0,
      missing: missing.length,
      missingSources: missing.slice(0, missingListed).map((parent) => parent.source),
      nearDuplicates: {
        groups: groups.length,
        documents: groups.reduce((sum, group) => sum + group.members.length, 0),
        examples: groups
          .slice(0, nearDuplicatesListed)
          .map((group) => group.members.map((id) => parents.parent(id)?.source ?? id)),
      },
      skipped: skipped.map((item) => ({ source: item.source, reason: item.reason })),
      chunks: 0,
      images: { stored: 0, deduplicated: 0, skipped: [], imageOnly: 0 },
      oversized: 0,
      warnings: [],
      stages: { loadMs: elapsedMs, chunkMs: 0, embedMs: 0, writeMs: 0 },
      elapsedMs,
      saved: null,
    },
  };
}

async function* concatenate(
  read: readonly LoadResult[],
  rest: AsyncIterator<LoadResult>,
): AsyncGenerator<LoadResult> {
  yield* read;
  try {
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}
