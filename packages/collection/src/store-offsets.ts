import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";
import { HybridRagError } from "@hybrid-rag/core";
import { z } from "zod";
import type { ParentRecord } from "./document-store.ts";
import { parentRecordSchema } from "./store-line-schema.ts";

/**
 * The offsets index written beside a version's store file: each parent's record and where its
 * line lies in the store (byte offset, length, SHA-256 of the line), so that opening a collection
 * reads the parent records only and each hit's line on demand. Not named by the manifest: a
 * collection without it (written before it existed) is read whole, and a release that does not
 * know it reads the same collection as before.
 */
export const storeOffsetsFile = "store.offsets.jsonl";

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().min(0);

/** First line: which store the index belongs to. */
const headerSchema = z.strictObject({
  format: z.literal("hybrid-rag-store-offsets"),
  formatVersion: z.literal(1),
  storeSha256: sha256Schema,
  storeBytes: count,
  parents: count,
});

/** One line per parent, in the store's order. */
const entrySchema = z.strictObject({
  offset: count,
  bytes: z.number().int().min(1),
  sha256: sha256Schema,
  parent: parentRecordSchema,
});

/** Last line: the SHA-256 of every line before it. */
const trailerSchema = z.strictObject({ sha256: sha256Schema });

/** Where one parent's line lies in the store file. */
export interface StoreLineLocation {
  readonly offset: number;
  readonly bytes: number;
  readonly sha256: string;
}

export interface StoreOffsets {
  readonly storeBytes: number;
  readonly entries: ReadonlyMap<string, { parent: ParentRecord; line: StoreLineLocation }>;
}

/** Collects the entries while the store file is written, then writes the index. */
export class StoreOffsetsWriter {
  readonly #lines: string[] = [];
  #offset = 0;

  /** Records the line just written to the store for `parent` (`line` includes its newline). */
  add(parent: ParentRecord, line: string): void {
    const bytes = Buffer.byteLength(line);
    const sha256 = createHash("sha256").update(line).digest("hex");
    this.#lines.push(`${JSON.stringify({ offset: this.#offset, bytes, sha256, parent })}\n`);
    this.#offset += bytes;
  }

  /** Writes the index (header, entries, trailer) to `path`, flushed to disk. */
  async write(path: string, storeSha256: string): Promise<void> {
    const header = {
      format: "hybrid-rag-store-offsets",
      formatVersion: 1,
      storeSha256,
      storeBytes: this.#offset,
      parents: this.#lines.length,
    };
    const hash = createHash("sha256");
    const file = await open(path, "wx");
    try {
      for (const line of [`${JSON.stringify(header)}\n`, ...this.#lines]) {
        hash.update(line);
        await file.write(line);
      }
      await file.write(`${JSON.stringify({ sha256: hash.digest("hex") })}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
  }
}

/**
 * Reads the offsets index of the store whose SHA-256 the manifest gives. Undefined when there is
 * none; a `corrupt-data` error when it is damaged, incomplete or belongs to another store (the
 * caller then reads the store whole, which the manifest's checksum covers).
 */
export async function readStoreOffsets(
  path: string,
  storeSha256: string,
): Promise<StoreOffsets | undefined> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw corrupt(path, String(error));
  }
  const text = data.toString("utf8");
  const lastStart = text.lastIndexOf("\n", text.length - 2) + 1;
  if (!text.endsWith("\n") || lastStart === 0) throw corrupt(path, "it is incomplete");
  const trailer = parseLine(path, trailerSchema, text.slice(lastStart, -1), "its last line");
  const body = text.slice(0, lastStart);
  if (createHash("sha256").update(body).digest("hex") !== trailer.sha256)
    throw corrupt(path, "it does not match its own checksum (modified or truncated)");
  const lines = body.slice(0, -1).split("\n");
  const header = parseLine(path, headerSchema, lines[0]!, "its header");
  if (header.storeSha256 !== storeSha256)
    throw corrupt(path, "it indexes another store than the one the manifest names");
  if (lines.length - 1 !== header.parents)
    throw corrupt(path, `it lists ${lines.length - 1} parents, its header ${header.parents}`);
  const entries = new Map<string, { parent: ParentRecord; line: StoreLineLocation }>();
  let expectedOffset = 0;
  for (let number = 1; number < lines.length; number++) {
    const { parent, ...line } = parseLine(path, entrySchema, lines[number]!, `line ${number + 1}`);
    if (line.offset !== expectedOffset || entries.has(parent.id))
      throw corrupt(path, `line ${number + 1} does not follow the line before it`);
    expectedOffset += line.bytes;
    entries.set(parent.id, { parent: parent as ParentRecord, line });
  }
  if (expectedOffset !== header.storeBytes)
    throw corrupt(path, "its lines do not cover the store file");
  return { storeBytes: header.storeBytes, entries };
}

function parseLine<T>(path: string, schema: z.ZodType<T>, line: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw corrupt(path, `${what} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw corrupt(path, `${what} is not valid (${parsed.error.issues[0]?.message ?? "invalid"})`);
  return parsed.data;
}

function corrupt(path: string, problem: string): HybridRagError {
  return new HybridRagError(
    "corrupt-data",
    `${path} is not a usable store offsets index: ${problem}.`,
  );
}
