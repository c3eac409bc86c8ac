import { fusionMethodRegistry, fusionMethods } from "@hybrid-rag/fusion";
import { supportedExtensions } from "@hybrid-rag/loaders";

/**
 * `hybrid-rag-demo --help`. The file types and fusion methods come from the loaders' and the
 * fusion registry's own lists, so one added there shows here without touching the demo.
 */
export function demoHelp(): string {
  return `Usage: hybrid-rag-demo [--spec file.json] [--print-spec] [corpus]
       hybrid-rag-demo [--spec file.json] --collection <dir>

Serves the hybrid-rag demo (HTTP API + web page) over a corpus: a folder, one file, or a BEIR
folder, ingested by hybrid-rag ingest's code into a collection in the cache (only what changed
since the last start is embedded). Files read: ${supportedExtensions.join(", ")} (@hybrid-rag/loaders).
--collection opens a collection directory built by hybrid-rag ingest as it is, with the
analyzer and embedding model its manifest records.

Options:
  --spec <file.json>          build the stages from a pipeline spec (or a benchmark results.json);
                              the variables below that are set override its fields
  --print-spec                print the pipeline spec of these settings as JSON and exit

Environment:
  DEMO_CORPUS                 the corpus when no argument is given (default: the sample corpus)
  DEMO_COLLECTION             a collection directory to open (as --collection)
  DEMO_CACHE_DIR              where ingested folders' collections are kept
                              (default $XDG_CACHE_HOME or ~/.cache, /hybrid-rag/demo)
  DEMO_HOST, DEMO_PORT        where to listen (default 127.0.0.1:3000; port 0 = any free port)
  DEMO_INDEX_NAME             Elasticsearch index and Qdrant collection (default hybrid-rag-demo)
  EMBEDDING_MODEL_PATH        bi-encoder model folder (default: USE-lite from npm, offline; an empty
                              folder: BM25 only; with --collection, the collection's own model)
  RERANKER_MODEL_PATH         cross-encoder model folder (reranking; off without one)
  DEMO_EXECUTION_PROVIDER     onnxruntime provider: auto, cpu, cuda, tensorrt, webgpu
  ELASTICSEARCH_URL           BM25 on Elasticsearch instead of the embedded engine
  QDRANT_URL                  vectors in Qdrant instead of the embedded index
  RERANKER_URL, RERANKER_API_KEY, RERANKER_MODEL_NAME
                              a NIM-compatible reranking service instead of an in-process model
  RERANKER_IMAGES             true: RERANKER_URL is a NIM VLM reranker; it is sent the stored
                              page images too (default false)
  DEMO_LOG_LEVEL              fatal, error, warn (default), info, debug, silent
  DEMO_PAGE_IMAGES            PDF pages rendered to page images at ingest (thumbnails; a VLM
                              reranker scores them): none (default), no-text-layer, all
  DEMO_FUSION                 a fusion method, or a JSON config such as {"method":"rrf","k":20}:
${fusionMethods.map((method) => `                                ${method}: ${fusionMethodRegistry[method].description}`).join("\n")}
`;
}
