import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  createUseLiteEmbedderPool,
  readUseLiteModelFiles,
  useLiteEmbedderSchema,
} from "@hybrid-rag/embeddings-use";
import { loadBeirInMemory } from "@hybrid-rag/eval";
import { type Corpus, indexedText } from "./corpus.ts";

export const defaultVectorCache = join(homedir(), ".cache", "hybrid-rag", "benchmark-peers");

const useLiteDimension = 512;

interface CacheHeader {
  readonly model: string;
  readonly dimension: number;
  readonly documentIds: readonly string[];
  readonly queryIds: readonly string[];
}

/**
 * SciFact (BEIR test split: 5,183 abstracts, 300 judged queries) with USE-lite vectors for every
 * abstract (title + text) and query. USE-lite runs here without a model hub; embedding SciFact
 * takes minutes, so the vectors are computed once (on every core) and read from `cacheDirectory`
 * afterwards. The cache is keyed by the weights' sha256 and the token cut and checked against the
 * corpus's ids, so a different model or corpus never reuses stale vectors.
 */
export async function scifactCorpus(folder: string, cacheDirectory: string): Promise<Corpus> {
  const data = await loadBeirInMemory(folder);
  const documentIds = data.documents.map((document) => document.id);
  const queryIds = data.queries.map((query) => query.id);
  // The cache key without starting the model: the weights' hash and the token cut.
  const { sha256 } = await readUseLiteModelFiles();
  const { maxTokens } = useLiteEmbedderSchema.parse({});
  const model = `use-lite-${sha256}-max${maxTokens}`;
  const file = join(cacheDirectory, `scifact-${model}.f32`);
  const expectedBytes = (documentIds.length + queryIds.length) * useLiteDimension * 4;
  let matrix: Float32Array | undefined;
  if (existsSync(`${file}.json`) && existsSync(file)) {
    const header = JSON.parse(await readFile(`${file}.json`, "utf8")) as CacheHeader;
    const same =
      header.model === model &&
      header.documentIds.join("\n") === documentIds.join("\n") &&
      header.queryIds.join("\n") === queryIds.join("\n");
    const bytes = await readFile(file);
    if (same && bytes.byteLength === expectedBytes) {
      matrix = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    }
  }
  if (!matrix) {
    console.error(`embedding SciFact with USE-lite once (cached in ${file}) …`);
    const embedder = await createUseLiteEmbedderPool({ maxTokens });
    try {
      const passages = await embedder.embedPassages(data.documents.map(indexedText));
      const queries = await embedder.embedQueries(data.queries.map((query) => query.text));
      const computed = new Float32Array(expectedBytes / 4);
      [...passages, ...queries].forEach((vector, row) => {
        computed.set(vector, row * useLiteDimension);
      });
      await mkdir(cacheDirectory, { recursive: true });
      await writeFile(file, computed);
      const header: CacheHeader = { model, dimension: useLiteDimension, documentIds, queryIds };
      await writeFile(`${file}.json`, JSON.stringify(header));
      matrix = computed;
    } finally {
      await embedder.release();
    }
  }
  const dimension = useLiteDimension;
  const rows = (start: number, count: number) =>
    Array.from({ length: count }, (_, row) =>
      matrix!.subarray((start + row) * dimension, (start + row + 1) * dimension),
    );
  return {
    name: "SciFact",
    documents: data.documents,
    queries: data.queries,
    qrels: data.qrels,
    vectors: {
      source: `USE-lite (${model.slice(0, 17)}…, ${dimension} d), computed once and cached`,
      dimension,
      documents: rows(0, documentIds.length),
      queries: rows(documentIds.length, queryIds.length),
    },
  };
}
