import type { ChunkMetadata, TokenCounter } from "@hybrid-rag/chunking";
import {
  buildContext,
  chunkMetadataOf,
  citationLocation,
  ImageStore,
  sourceSpanOfChunk,
} from "@hybrid-rag/collection";
import { type Hit, HybridRagError } from "@hybrid-rag/core";
import { createFusion } from "@hybrid-rag/fusion";
import { buildReranker } from "@hybrid-rag/pipeline";
import type { CliIo } from "./cli-io.ts";
import { openQueryableCollection } from "./collection-model.ts";
import { type SearchRouteFlags, searchRoute } from "./search-route.ts";
import { type ServerSearchResult, searchThroughServer } from "./search-through-server.ts";
import type { CommandSpec } from "./spec-options.ts";
import { escapeForTerminal } from "./terminal-text.ts";

export interface SearchFlags {
  /** Models, fusion and topK (flags over `--spec` over the CLI's defaults). */
  readonly spec: CommandSpec;
  readonly json: boolean;
  /** Also print a context of this many tokens for an LLM. */
  readonly context?: number;
  /** `--server <url>`: ask that `hybrid-rag serve`; `--no-server`: open the collection here. */
  readonly server?: string | false;
  /** Show every copy of a text held in several files (default: the best-ranked one). */
  readonly keepDuplicates?: boolean;
}

/**
 * `hybrid-rag search <dir> "<query>"`: fused (and reranked) chunk hits with provenance and
 * citations. Asked through a running `hybrid-rag serve` on the directory when there is a
 * suitable one (`searchRoute`), else by opening the collection and its models here.
 */
export async function searchCommand(
  directory: string,
  query: string,
  flags: SearchFlags,
  io: CliIo,
): Promise<Hit[]> {
  const server = await searchRoute(directory, routeFlagsOf(flags));
  const { result, tokenCounter, answeredBy, release } =
    server === undefined
      ? await searchHere(directory, query, flags)
      : await searchServer(server, directory, query, flags, io);
  try {
    return printResult(query, result, tokenCounter, answeredBy, flags, io);
  } finally {
    await release();
  }
}

/** What a search printed, run here or by a serve: hits, and each parent's near-duplicate copies. */
type PrintedResult = ServerSearchResult;

function printResult(
  query: string,
  result: PrintedResult,
  tokenCounter: TokenCounter | undefined,
  answeredBy: string | undefined,
  flags: SearchFlags,
  io: CliIo,
): Hit[] {
  const context = flags.context
    ? buildContext(result.hits, {
        maxTokens: flags.context,
        ...(tokenCounter ? { tokenCounter } : {}),
      })
    : undefined;
  if (flags.json) {
    const hits = result.hits.map((hit) => ({
      rank: hit.rank,
      id: hit.id,
      score: hit.score,
      ...citationOf(hit),
      alsoIn: result.alsoIn[citationOf(hit).parentId] ?? [],
      title: hit.document?.title ?? null,
      text: hit.document?.text ?? null,
      image: hit.document?.image && "ref" in hit.document.image ? hit.document.image : null,
      sources: hit.sources,
    }));
    io.stdout.write(
      `${JSON.stringify({ query, hits, timings: result.timings, warnings: result.warnings, ...(context ? { context } : {}), ...(answeredBy ? { server: answeredBy } : {}) }, null, 2)}\n`,
    );
    return result.hits;
  }
  if (result.hits.length === 0)
    io.stdout.write(`No hits for ${escapeForTerminal(JSON.stringify(query))}.\n`);
  for (const hit of result.hits) {
    io.stdout.write(formatHit(hit));
    const copies = result.alsoIn[citationOf(hit).parentId];
    if (copies && copies.length > 0) {
      const sources = copies.map((copy) => escapeForTerminal(copy.source)).join(", ");
      io.stdout.write(`   also in: ${sources}\n`);
    }
  }
  for (const warning of result.warnings)
    io.stdout.write(`warning: ${escapeForTerminal(warning)}\n`);
  if (context)
    io.stdout.write(
      `\n--- context (${context.tokens} tokens, ${context.omitted.length} passages left out) ---\n${escapeForTerminal(context.text, { keepLines: true })}\n`,
    );
  return result.hits;
}

/** What decides whether a running serve can answer: the spec's settings, and which were chosen. */
function routeFlagsOf(flags: SearchFlags): SearchRouteFlags {
  const { spec, chosen } = flags.spec;
  const fusionChosen = [...chosen].some((path) => path.startsWith("fusion."));
  return {
    ...(flags.server !== undefined ? { server: flags.server } : {}),
    topK: spec.topK?.final ?? 10,
    candidates: spec.topK?.retrieve ?? 100,
    fusion: fusionChosen ? spec.fusion.method : "rrf",
    rerankerModel: spec.reranker?.model ?? "none",
    modelGiven: chosen.has("embedder.model"),
    ...(flags.keepDuplicates ? { keepDuplicates: true } : {}),
    ...(spec.pageImages === "add" ? { pageImages: true } : {}),
  };
}

async function searchHere(directory: string, query: string, flags: SearchFlags) {
  const { spec } = flags.spec;
  // A reranker that looks at images reads the collection's stored ones from its image folder.
  const imageResolver = new ImageStore({ directory });
  const queryable = await openQueryableCollection(directory, flags.spec, async (spec) =>
    spec.reranker
      ? buildReranker(spec.reranker, {
          executionProvider: spec.executionProvider,
          options: { imageResolver },
        })
      : undefined,
  );
  try {
    const result = await queryable.collection.search(query, {
      topK: spec.topK?.final ?? 10,
      candidates: spec.topK?.retrieve ?? 100,
      ...(flags.keepDuplicates ? { keepDuplicates: true } : {}),
      fusion: createFusion(spec.fusion),
      ...(spec.pageImages ? { pageImages: spec.pageImages } : {}),
      ...(spec.maxPageImages ? { maxPageImages: spec.maxPageImages } : {}),
    });
    // Released by the caller once printed (--context still counts with the model's tokenizer).
    return {
      result,
      tokenCounter: queryable.tokenCounter,
      answeredBy: undefined,
      release: () => queryable.release(),
    };
  } catch (error) {
    await queryable.release();
    throw error;
  }
}

/**
 * Through a serve. A serve found by its record that does not answer (it just stopped) is not an
 * error: the collection is opened here instead, and stderr says so.
 */
async function searchServer(
  server: string,
  directory: string,
  query: string,
  flags: SearchFlags,
  io: CliIo,
): Promise<{
  result: ServerSearchResult;
  tokenCounter: TokenCounter | undefined;
  answeredBy: string | undefined;
  release: () => Promise<void>;
}> {
  try {
    const { topK, candidates } = routeFlagsOf(flags);
    const result = await searchThroughServer(server, query, { topK, candidates });
    // --context counts tokens approximately: the serve's tokenizer is not loaded here.
    return { result, tokenCounter: undefined, answeredBy: server, release: async () => {} };
  } catch (error) {
    const found = typeof flags.server !== "string";
    if (!found || !HybridRagError.isInstance(error) || error.code !== "unavailable") throw error;
    io.stderr.write(
      `hybrid-rag: the serve recorded in ${directory}/serve.json did not answer (${escapeForTerminal(error.message)}); searching the collection here\n`,
    );
    return searchHere(directory, query, flags);
  }
}

function citationOf(hit: Hit) {
  const metadata = chunkMetadataOf(hit);
  return {
    parentId: metadata?.parentId ?? hit.id,
    source: metadata?.source ?? null,
    pageStart: metadata?.pageStart ?? null,
    pageEnd: metadata?.pageEnd ?? null,
    pageLabelStart: metadata?.pageLabelStart ?? null,
    pageLabelEnd: metadata?.pageLabelEnd ?? null,
    start: metadata?.start ?? null,
    end: metadata?.end ?? null,
    sourceSpan: metadata ? sourceSpanOfChunk(metadata) : null,
    headingPath: metadata?.headingPath ?? [],
  };
}

function formatHit(hit: Hit): string {
  const metadata = chunkMetadataOf(hit) as ChunkMetadata;
  const span = sourceSpanOfChunk(metadata);
  const location = citationLocation({
    source: metadata.source,
    pageStart: metadata.pageStart,
    pageEnd: metadata.pageEnd,
    pageLabelStart: metadata.pageLabelStart ?? null,
    pageLabelEnd: metadata.pageLabelEnd ?? null,
    sourceSpan: span,
  });
  const title = hit.document?.title ? `${escapeForTerminal(hit.document.title)} — ` : "";
  const image = hit.document?.image;
  const provenance = Object.entries(hit.sources)
    .map(([source, evidence]) =>
      evidence.status === "found" ? `${source} #${evidence.rank}` : `${source} –`,
    )
    .join(", ");
  if (image && hit.document?.text === "") {
    // An image document (a PDF's page image): the file and page it shows, and the image itself.
    const size = image.width && image.height ? ` ${image.width}×${image.height}` : "";
    const ref = "ref" in image ? `, sha256 ${image.ref.slice(0, 12)}…` : "";
    return `[${hit.rank}] ${title}${escapeForTerminal(location)} (page image)  (score ${hit.score.toFixed(4)}; ${provenance})\n    ${image.mediaType}${size}${ref}\n`;
  }
  const text = (hit.document?.text ?? "").replace(/\s+/g, " ");
  const snippet = escapeForTerminal(text.slice(0, 240));
  const headings =
    metadata.headingPath.length > 0
      ? `\n    § ${escapeForTerminal(metadata.headingPath.join(" › "))}`
      : "";
  return `[${hit.rank}] ${title}${escapeForTerminal(location)}, ${charactersOf(metadata, span)}  (score ${hit.score.toFixed(4)}; ${provenance})${headings}\n    ${snippet}${text.length > 240 ? "…" : ""}\n`;
}

/**
 * The passage's characters in the original file: of the file, of a PDF's page text, or of a JSON
 * Lines record's text field; of the extracted text for a collection ingested without spans.
 */
function charactersOf(metadata: ChunkMetadata, span: ReturnType<typeof sourceSpanOfChunk>): string {
  if (span === null) return `chars ${metadata.start}–${metadata.end} of the extracted text`;
  const of =
    metadata.pageStart !== null
      ? metadata.pageStart === metadata.pageEnd
        ? "of the page text"
        : "of the pages' text"
      : span.entry !== null
        ? `of ${span.entry}`
        : /\.jsonl$/i.test(metadata.source)
          ? "of the record's text"
          : "of the file";
  return `chars ${span.charStart}–${span.charEnd} ${of}`;
}
