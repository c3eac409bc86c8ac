import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile, truncate } from "node:fs/promises";
import { join } from "node:path";
import type { Embedder, EmbedOptions } from "@hybrid-rag/core";

const keyBytes = 32;

export interface CachedEmbedder extends Embedder {
  /** Vectors served from the file / computed by the model, since creation. */
  readonly counts: () => { readonly hits: number; readonly misses: number };
  readonly file: string;
}

/**
 * Keeps passage vectors in an append-only file named after the model's identity (e.g. the
 * sha256 of its weights), so a benchmark rerun does not embed the corpus again. Each record is
 * the sha256 of the text followed by `dimension` float32 values; a torn last record (an
 * interrupted run) is cut off on open. Queries are never cached.
 */
export async function createCachedEmbedder(
  embedder: Embedder,
  options: { readonly directory: string; readonly modelKey: string },
): Promise<CachedEmbedder> {
  await mkdir(options.directory, { recursive: true });
  const file = join(options.directory, `${safeName(options.modelKey)}-${embedder.dimension}.f32`);
  const recordBytes = keyBytes + embedder.dimension * 4;
  const vectors = await loadRecords(file, recordBytes, embedder.dimension);
  let hits = 0;
  let misses = 0;

  const embedPassages = async (
    texts: readonly string[],
    embedOptions?: EmbedOptions,
  ): Promise<Float32Array[]> => {
    const keys = texts.map((text) => (typeof text === "string" ? textKey(text) : ""));
    const todo = keys.flatMap((key, index) => (key === "" || !vectors.has(key) ? [index] : []));
    if (todo.length > 0) {
      const computed = await embedder.embedPassages(
        todo.map((index) => texts[index]!),
        embedOptions,
      );
      const records = Buffer.alloc(todo.length * recordBytes);
      for (const [row, index] of todo.entries()) {
        const vector = computed[row]!;
        vectors.set(keys[index]!, vector);
        Buffer.from(keys[index]!, "hex").copy(records, row * recordBytes);
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(
          records,
          row * recordBytes + keyBytes,
        );
      }
      await appendFile(file, records);
    }
    misses += todo.length;
    hits += texts.length - todo.length;
    return keys.map((key) => vectors.get(key)!.slice());
  };

  return {
    name: embedder.name,
    dimension: embedder.dimension,
    embedQueries: (texts, embedOptions) => embedder.embedQueries(texts, embedOptions),
    embedPassages,
    counts: () => ({ hits, misses }),
    file,
  };
}

async function loadRecords(
  file: string,
  recordBytes: number,
  dimension: number,
): Promise<Map<string, Float32Array>> {
  const vectors = new Map<string, Float32Array>();
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return vectors;
  }
  const whole = bytes.length - (bytes.length % recordBytes);
  if (whole !== bytes.length) await truncate(file, whole);
  for (let offset = 0; offset < whole; offset += recordBytes) {
    const key = bytes.subarray(offset, offset + keyBytes).toString("hex");
    const values = new Float32Array(dimension);
    Buffer.from(values.buffer).set(bytes.subarray(offset + keyBytes, offset + recordBytes));
    vectors.set(key, values);
  }
  return vectors;
}

function textKey(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function safeName(key: string): string {
  return key.replace(/[^\w.-]+/g, "_").slice(0, 120);
}
