import {
  citedPassage,
  type DocumentStore,
  parentDocument,
  type SearchSource,
  searchPassages,
} from "@hybrid-rag/collection";
import { HybridRagError, metadataFilterSchema } from "@hybrid-rag/core";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { describeCollection } from "./describe-collection.ts";

/** What the MCP server reads: a collection's search and its document store. */
export type McpCollection = Extract<SearchSource, { search: unknown }> & {
  readonly store: DocumentStore;
};

export interface CollectionMcpServerOptions {
  /** The server's name in the MCP handshake (default "hybrid-rag"). */
  readonly name?: string;
  readonly version?: string;
  /**
   * What the collection holds, in a sentence, for the tool description an agent reads (default:
   * a count of documents and passages and a few of their titles or sources).
   */
  readonly contents?: string;
  /** The most passages one search may ask for (default 20). */
  readonly maxTopK?: number;
  /** The most characters `get_document` returns per call; longer documents are paged (default 20,000). */
  readonly maxDocumentChars?: number;
}

/** `uri` of a document resource; the id is percent-encoded (ids may hold `/` and `#`). */
export function documentUri(id: string): string {
  return `hybrid-rag://documents/${encodeURIComponent(id)}`;
}

/**
 * An MCP server over one collection: tools `search` (cited passages), `get_passage` and
 * `get_document`, and every parent document as a resource (`hybrid-rag://documents/{id}`).
 * Inputs are checked by the SDK against the zod schemas below (the filter is the library's
 * `metadataFilterSchema`); a bad call comes back as a tool error that says what to fix.
 */
export function createCollectionMcpServer(
  collection: McpCollection,
  options: CollectionMcpServerOptions = {},
): McpServer {
  const { maxTopK = 20, maxDocumentChars = 20_000 } = options;
  for (const [name, value] of [
    ["maxTopK", maxTopK],
    ["maxDocumentChars", maxDocumentChars],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new HybridRagError(
        "invalid-argument",
        `${name} must be a whole number ≥ 1, got ${JSON.stringify(value)}.`,
      );
    }
  }
  const contents = options.contents ?? describeCollection(collection.store);
  const server = new McpServer(
    { name: options.name ?? "hybrid-rag", version: options.version ?? "0.1.0" },
    { instructions: `A hybrid (keyword + semantic) search over ${contents}.` },
  );

  server.registerTool(
    "search",
    {
      title: "Search the collection",
      description: `Search ${contents}. Hybrid keyword + semantic search; returns the best passages, each with its id, parent document id, source, title, pages (with printed page labels), character offsets and its span in the original file (sourceSpan: characters, bytes, lines). Cite passages by source and page or line; call get_document with a parentId for the whole document.`,
      inputSchema: {
        query: z.string().trim().min(1).max(2000).describe("the question or keywords"),
        top_k: z
          .number()
          .int()
          .min(1)
          .max(maxTopK)
          .default(5)
          .describe(`passages to return (1–${maxTopK}, default 5)`),
        filters: metadataFilterSchema
          .optional()
          .describe(
            'metadata conditions that must all hold: a value, a list of allowed values or a range {gt,gte,lt,lte}; e.g. {"parentId": "report.pdf"} or {"pageStart": {"gte": 3}}',
          ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ query, top_k, filters }, { signal }) =>
      toolResult(async () => {
        const { passages, warnings } = await searchPassages(collection, query, {
          topK: top_k,
          ...(filters ? { filter: filters } : {}),
          signal,
        });
        return { passages, warnings };
      }),
  );

  server.registerTool(
    "get_passage",
    {
      title: "Get a passage",
      description:
        "One passage (chunk) by its id, as returned by search: its text, parent document, source, pages and offsets.",
      inputSchema: { id: z.string().min(1).max(1024).describe("a passage id from search") },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id }) =>
      toolResult(async () => {
        const chunk = collection.store.chunk(id);
        if (!chunk) {
          throw new HybridRagError(
            "not-found",
            `no passage with id ${JSON.stringify(id)}; use an id from a search result.`,
          );
        }
        const {
          id: passageId,
          parentId,
          source,
          title,
          pageStart,
          pageEnd,
          pageLabelStart,
          pageLabelEnd,
          start,
          end,
          sourceSpan,
          headingPath,
          text,
        } = citedPassage({ id, rank: 1, score: 0, document: chunk, sources: {} });
        return {
          id: passageId,
          parentId,
          source,
          title,
          pageStart,
          pageEnd,
          pageLabelStart,
          pageLabelEnd,
          start,
          end,
          sourceSpan,
          headingPath,
          text,
        };
      }),
  );

  server.registerTool(
    "get_document",
    {
      title: "Get a document",
      description: `A whole document by its id (a passage's parentId): source, title, its passages' offsets and its text, at most ${maxDocumentChars} characters per call (pass offset to read on).`,
      inputSchema: {
        id: z.string().min(1).max(1024).describe("a document id (parentId from search)"),
        offset: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe("first character to return (for documents longer than one call)"),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id, offset }) =>
      toolResult(async () => {
        const document = parentDocument(collection.store, id);
        const text = document.text.slice(offset, offset + maxDocumentChars);
        const end = offset + text.length;
        return {
          ...document,
          text,
          offset,
          totalChars: document.text.length,
          nextOffset: end < document.text.length ? end : null,
        };
      }),
  );

  server.registerResource(
    "document",
    new ResourceTemplate("hybrid-rag://documents/{id}", {
      list: async () => ({
        resources: [...collection.store.parents()].map((parent) => ({
          uri: documentUri(parent.id),
          name: parent.id,
          title: parent.title ?? parent.source,
          description: `${parent.source}, ${parent.chunkIds.length} passages`,
          mimeType: "text/plain",
        })),
      }),
    }),
    {
      title: "Documents of the collection",
      description: `The full text of each document in ${contents}.`,
      mimeType: "text/plain",
    },
    async (uri, { id }) => {
      const document = parentDocument(
        collection.store,
        decodeURIComponent(Array.isArray(id) ? id.join("/") : (id ?? "")),
      );
      return { contents: [{ uri: uri.href, mimeType: "text/plain", text: document.text }] };
    },
  );
  return server;
}

/** Runs a tool body; JSON text + structured content, or a tool error an agent can act on. */
async function toolResult(run: () => Promise<object>): Promise<CallToolResult> {
  try {
    const value = await run();
    return {
      content: [{ type: "text", text: JSON.stringify(value, null, 2) }],
      structuredContent: value as Record<string, unknown>,
    };
  } catch (error) {
    const message = HybridRagError.isInstance(error)
      ? `${error.code}: ${error.message}`
      : `internal: ${error instanceof Error ? error.message : String(error)}`;
    return { content: [{ type: "text", text: message }], isError: true };
  }
}
