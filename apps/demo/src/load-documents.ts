import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { type Document, documentSchema, HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";

const textExtensions = new Set([".txt", ".md", ".markdown"]);

/** A JSONL line: BEIR's `_id` or a plain `id`, `text`, optional `title` and `metadata`. */
const jsonlLineSchema = z
  .object({
    _id: z.union([z.string(), z.number()]).optional(),
    id: z.union([z.string(), z.number()]).optional(),
    title: z.string().optional(),
    text: z.string({ error: "each JSONL line needs a text string" }),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((line) => line._id !== undefined || line.id !== undefined, {
    message: "each JSONL line needs an _id or id",
  });

/**
 * Reads the documents to search: a BEIR folder (its corpus.jsonl), a folder of .txt/.md/.jsonl
 * files (walked recursively; a text file is one document whose id is its relative path), or one
 * .jsonl file.
 */
export async function loadDocuments(path: string): Promise<Document[]> {
  const info = await stat(path).catch((error: unknown) => {
    throw new HybridRagError(
      "not-found",
      `Cannot read the corpus at ${path}: ${String(error)}. Pass a folder of .txt/.md/.jsonl files or a BEIR folder.`,
      { cause: error },
    );
  });
  if (info.isFile()) return readJsonl(path);
  const beirCorpus = join(path, "corpus.jsonl");
  if (await isFile(beirCorpus)) return readJsonl(beirCorpus);
  const documents: Document[] = [];
  for (const file of await listFiles(path)) {
    const extension = extname(file).toLowerCase();
    if (extension === ".jsonl") documents.push(...(await readJsonl(file)));
    else if (textExtensions.has(extension)) documents.push(await readTextFile(path, file));
  }
  return documents;
}

async function readTextFile(root: string, file: string): Promise<Document> {
  const text = await readFile(file, "utf8");
  const heading = /^#\s+(.+)$/m.exec(text)?.[1]?.trim();
  return {
    id: relative(root, file).split("\\").join("/"),
    title: heading ?? basename(file, extname(file)),
    text,
  };
}

async function readJsonl(file: string): Promise<Document[]> {
  const documents: Document[] = [];
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new HybridRagError(
        "corrupt-data",
        `${file}:${lineNumber} is not valid JSON (${String(error)}); each line must be one JSON object.`,
      );
    }
    const parsed = parseWithSchema(jsonlLineSchema, value, `document at ${file}:${lineNumber}`);
    documents.push(
      parseWithSchema(
        documentSchema,
        {
          id: String(parsed._id ?? parsed.id),
          text: parsed.text,
          ...(parsed.title ? { title: parsed.title } : {}),
          ...(parsed.metadata ? { metadata: parsed.metadata } : {}),
        },
        `document at ${file}:${lineNumber}`,
      ) as Document,
    );
  }
  return documents;
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}
