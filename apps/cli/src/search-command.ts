import type { ChunkMetadata, TokenCounter } from "@hybrid-rag/chunking";
import { buildContext, chunkMetadataOf } from "@hybrid-rag/collection";
import { type Hit, HybridRagError } from "@hybrid-rag/core";
import { createFusion, type FusionMethod } from "@hybrid-rag/fusion";
import type { CliIo } from "./cli-io.ts";
import { openQueryableCollection } from "./collection-model.ts";
import { loadReranker, type ModelFlags } from "./model-options.ts";
import { searchRoute } from "./search-route.ts";
import { type ServerSearchResult, searchThroughServer } from "./search-through-server.ts";
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
  /** `--server <url>`: ask that `hybrid-rag serve`; `--no-server`: open the collection here. */
  readonly server?: string | false;
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
  const server = await searchRoute(directory, flags);
  const { result, tokenCounter, answeredBy } =
    server === undefined
      ? await searchHere(directory, query, flags)
      : await searchServer(server, directory, query, flags, io);
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
      `${JSON.stringify({ query, hits, timings: result.timings, warnings: result.warnings, ...(context ? { context } : {}), ...(answeredBy ? { server: answeredBy } : {}) }, null, 2)}\n`,
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

async function searchHere(directory: string, query: string, flags: SearchFlags) {
  const { collection, tokenCounter } = await openQueryableCollection(directory, flags, () =>
    loadReranker(flags),
  );
  const result = await collection.search(query, {
    topK: flags.topK,
    candidates: flags.candidates,
    ...(flags.fusion ? { fusion: createFusion({ method: flags.fusion }) } : {}),
  });
  return { result, tokenCounter, answeredBy: undefined };
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
}> {
  try {
    const result = await searchThroughServer(server, query, flags);
    // --context counts tokens approximately: the serve's tokenizer is not loaded here.
    return { result, tokenCounter: undefined, answeredBy: server };
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
    start: metadata?.start ?? null,
    end: metadata?.end ?? null,
    headingPath: metadata?.headingPath ?? [],
  };
}

function formatHit(hit: Hit): string {
  const metadata = chunkMetadataOf(hit) as ChunkMetadata;
  const pages =
    metadata.pageStart === null
      ? ""
      : metadata.pageStart === metadata.pageEnd
        ? `, p. ${metadata.pageStart}`
        : `, pp. ${metadata.pageStart}–${metadata.pageEnd}`;
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
  return `[${hit.rank}] ${title}${escapeForTerminal(metadata.source)}${pages}, chars ${metadata.start}–${metadata.end}  (score ${hit.score.toFixed(4)}; ${provenance})${headings}\n    ${snippet}${text.length > 240 ? "…" : ""}\n`;
}
