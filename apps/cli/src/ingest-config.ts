import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";

/** The collection's own settings file, written by the user (never by hybrid-rag). */
export const ingestConfigFile = "hybrid-rag.json";

const configSchema = z.strictObject({
  ingest: z
    .strictObject({
      /** Delete the documents whose files left the folder at every ingest (`--remove-missing`). */
      removeMissing: z.boolean().optional(),
      /** Glob patterns (gitignore syntax) a file must match to be ingested (`--include`). */
      include: z.array(z.string()).optional(),
      /** Glob patterns (gitignore syntax) of files to leave out (`--exclude`). */
      exclude: z.array(z.string()).optional(),
    })
    .optional(),
});

export type IngestConfig = NonNullable<z.output<typeof configSchema>["ingest"]>;

/**
 * `<collection>/hybrid-rag.json`: defaults for `hybrid-rag ingest` into that collection, so a
 * collection that mirrors a folder can delete what left it without `--remove-missing` each time.
 * Flags given on the command line win. Absent: no defaults.
 */
export async function readIngestConfig(collectionDirectory: string): Promise<IngestConfig> {
  const path = join(collectionDirectory, ingestConfigFile);
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new HybridRagError("unavailable", `Cannot read ${path}: ${String(error)}.`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new HybridRagError(
      "invalid-argument",
      `${path} is not valid JSON (${String(error)}); fix it, e.g. {"ingest": {"removeMissing": true}}.`,
    );
  }
  return parseWithSchema(configSchema, json, path).ingest ?? {};
}
