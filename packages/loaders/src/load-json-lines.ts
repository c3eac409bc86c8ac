import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { LoadResult, SourceFormat } from "./loaded-document.ts";
import { TextBuilder } from "./text-builder.ts";

const metadataValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(metadataValue),
    z.record(z.string(), metadataValue),
  ]),
);

/** `{ "_id" | "id", "text", "title"?, "metadata"? }`: BEIR's corpus records and plain JSON Lines. */
const recordSchema = z
  .object({
    _id: z.union([z.string().min(1), z.number()]).optional(),
    id: z.union([z.string().min(1), z.number()]).optional(),
    text: z.string(),
    title: z.string().optional(),
    metadata: z.record(z.string(), metadataValue).optional(),
  })
  .refine((record) => record._id !== undefined || record.id !== undefined, {
    message: 'needs an "_id" or "id"',
  });

/**
 * Streams a JSON Lines file, one document per line (never the whole file in memory). A line that
 * is not valid JSON or not a record is yielded as skipped with its line number and the problem.
 */
export async function* loadJsonLines(
  path: string,
  format: Extract<SourceFormat, "jsonl" | "beir"> = "jsonl",
): AsyncGenerator<LoadResult> {
  const lines = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim().length === 0) continue;
    const where = `${path}:${lineNumber}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      yield {
        kind: "skipped",
        source: where,
        reason: `not valid JSON (${(error as Error).message})`,
      };
      continue;
    }
    const parsed = recordSchema.safeParse(value);
    if (!parsed.success) {
      const problem = parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "record"}: ${issue.message}`)
        .join("; ");
      yield { kind: "skipped", source: where, reason: `not a document record (${problem})` };
      continue;
    }
    const record = parsed.data;
    const builder = new TextBuilder();
    for (const paragraph of record.text.split(/\n\s*\n/)) builder.paragraph(paragraph);
    yield {
      kind: "document",
      id: String(record._id ?? record.id),
      source: path,
      format,
      text: builder.build().text,
      ...(record.title ? { title: record.title } : {}),
      ...(record.metadata ? { metadata: record.metadata as LoadResultMetadata } : {}),
      headings: [],
      pages: [],
    };
  }
}

type LoadResultMetadata = NonNullable<Extract<LoadResult, { kind: "document" }>["metadata"]>;
