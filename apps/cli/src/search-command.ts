import type { ChunkMetadata } from "@hybrid-rag/chunking";
import {
  buildContext,
  chunkMetadataOf,
  citationLocation,
  sourceSpanOfChunk,
} from "@hybrid-rag/collection";
import type { Hit } from "@hybrid-rag/core";
import { createFusion, type FusionMethod } from "@hybrid-rag/fusion";
import type { CliIo } from "./cli-io.ts";
import { openQueryableCollection } from "./collection-model.ts";
import { loadReranker, type ModelFlags } from "./model-options.ts";
import { escapeForTerminal } from "./terminal-text.ts";

export interface SearchFlags extends ModelFlags {
  readonly topK: number;
  readonly candidates: number;
  /** A method of @hybrid-rag/fusion's registry, with its default options. */
  readonly fusion?: FusionMethod;
  readonly json: boolean;
  /** Also print a context of this many tokens for an LLM. */
  readonly context?: number;
  /** False when --embedding-model was left at its default: the collection's own model is used. */
  readonly modelGiven?: boolean;
}

/** `hybrid-rag search <dir> "<query>"`: fused (and reranked) chunk hits with provenance and citations. */
export async function searchCommand(
  directory: string,
  query: string,
  flags: SearchFlags,
  io: CliIo,
): Promise<Hit[]> {
  const { collection, tokenCounter } = await openQueryableCollection(directory, flags, () =>
    loadReranker(flags),
  );
  const result = await collection.search(query, {
    topK: flags.topK,
    candidates: flags.candidates,
    ...(flags.fusion ? { fusion: createFusion({ method: flags.fusion }) } : {}),
  });
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
      title: hit.document?.title ?? null,
      text: hit.document?.text ?? null,
      sources: hit.sources,
    }));
    io.stdout.write(
      `${JSON.stringify({ query, hits, timings: result.timings, warnings: result.warnings, ...(context ? { context } : {}) }, null, 2)}\n`,
    );
    return result.hits;
  }
  if (result.hits.length === 0)
    io.stdout.write(`No hits for ${escapeForTerminal(JSON.stringify(query))}.\n`);
  for (const hit of result.hits) io.stdout.write(formatHit(hit));
  for (const warning of result.warnings)
    io.stdout.write(`warning: ${escapeForTerminal(warning)}\n`);
  if (context)
    io.stdout.write(
      `\n--- context (${context.tokens} tokens, ${context.omitted.length} passages left out) ---\n${escapeForTerminal(context.text, { keepLines: true })}\n`,
    );
  return result.hits;
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
  const provenance = Object.entries(hit.sources)
    .map(([source, evidence]) =>
      evidence.status === "found" ? `${source} #${evidence.rank}` : `${source} –`,
    )
    .join(", ");
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
