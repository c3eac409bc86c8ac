import { type DocumentLookup, HybridRagError } from "@hybrid-rag/core";
import type { Analyzer } from "./analyzer.ts";
import { englishAnalyzer, standardAnalyzer } from "./analyzers.ts";
import { Bm25Index } from "./bm25-index.ts";
import { readIndexFile } from "./persistence.ts";

export interface LoadBm25IndexOptions {
  /** Required when the index was saved with a custom analyzer: the same analyzer (same name). */
  readonly analyzer?: Analyzer;
  /** Required when the index was saved with `storeDocuments: false`: where its documents are. */
  readonly documents?: DocumentLookup;
}

/**
 * Loads an index written by `Bm25Index.save`. A missing, corrupt or wrong-version file throws
 * a HybridRagError (`not-found`, `corrupt-data`, `unsupported`) and nothing is half-loaded.
 */
export async function loadBm25Index(
  path: string,
  options: LoadBm25IndexOptions = {},
): Promise<Bm25Index> {
  const { settings, index } = await readIndexFile(path, options.documents);
  const analyzer = analyzerNamed(settings.analyzer, options.analyzer, path);
  return new Bm25Index(
    { name: settings.name, analyzer, k1: settings.k1, b: settings.b, fields: settings.fields },
    index,
  );
}

function analyzerNamed(name: string, given: Analyzer | undefined, path: string): Analyzer {
  if (given) {
    if (given.name !== name) {
      throw new HybridRagError(
        "invalid-argument",
        `${path} was indexed with analyzer "${name}" but loadBm25Index got analyzer "${given.name}"; queries must be analysed like the documents.`,
      );
    }
    return given;
  }
  if (name === standardAnalyzer.name) return standardAnalyzer;
  if (name === englishAnalyzer.name) return englishAnalyzer;
  throw new HybridRagError(
    "invalid-argument",
    `${path} was indexed with the custom analyzer "${name}": pass it as loadBm25Index(path, { analyzer }).`,
  );
}
