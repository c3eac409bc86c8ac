import { loadFolderOrFile as corpusSource } from "@hybrid-rag/cli";
import type { Document } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import type { LoadedDocument, SkippedSource } from "@hybrid-rag/loaders";

/**
 * The documents of a corpus (a folder or one file) as core `Document`s, unchunked, for tests
 * and scripts that fill a stage directly. Strict: when the loaders skip anything (a bad record,
 * a repeated id, a file of another type) it throws naming each, so nothing is left out unseen.
 */
export async function loadDocuments(path: string): Promise<Document[]> {
  const documents: Document[] = [];
  const skipped: SkippedSource[] = [];
  for await (const result of await corpusSource(path)) {
    if (result.kind === "skipped") skipped.push(result);
    else documents.push(asDocument(result));
  }
  if (skipped.length > 0) {
    const listed = skipped.slice(0, 5).map(({ source, reason }) => `${source}: ${reason}`);
    const more = skipped.length > 5 ? `; and ${skipped.length - 5} more` : "";
    throw new HybridRagError(
      "invalid-argument",
      `${skipped.length} source${skipped.length === 1 ? " was" : "s were"} skipped reading ${path} (${listed.join("; ")}${more}); fix or remove them, or ingest with the demo, which reports them and goes on.`,
      {
        details: { skipped: skipped.map(({ source, reason, code }) => ({ source, reason, code })) },
      },
    );
  }
  return documents;
}

/** The core fields of a loaded document (the loader's hints stay behind). */
export function asDocument({ id, text, title, metadata }: LoadedDocument): Document {
  return { id, text, ...(title ? { title } : {}), ...(metadata ? { metadata } : {}) };
}
