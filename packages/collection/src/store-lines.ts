import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { Chunk } from "@hybrid-rag/chunking";
import { HybridRagError } from "@hybrid-rag/core";
import type { ParentRecord } from "./document-store.ts";
import { storeLineSchema } from "./store-line-schema.ts";
import type { StoreLineLocation } from "./store-offsets.ts";

/** Closes the file of a store that was garbage-collected. */
const closeWhenCollected = new FinalizationRegistry<number>((descriptor) => {
  try {
    closeSync(descriptor);
  } catch {
    // Already closed: nothing to free.
  }
});

/**
 * A store file read line by line where the offsets index says each parent's line lies. The file
 * stays open while the store lives: a save that removes this version's folder later does not take
 * the text from under a reader (it keeps reading the version it opened). Reads are synchronous
 * (a document lookup is), one positioned read per line; each line is checked against its SHA-256
 * and its shape before use.
 */
export class StoreLines {
  readonly #path: string;
  readonly #descriptor: number;

  private constructor(path: string, descriptor: number) {
    this.#path = path;
    this.#descriptor = descriptor;
    closeWhenCollected.register(this, descriptor);
  }

  /** Opens the store file, checking it has the size the offsets index gives. */
  static open(path: string, expectedBytes: number): StoreLines {
    let descriptor: number;
    try {
      descriptor = openSync(path, "r");
    } catch (error) {
      throw new HybridRagError("corrupt-data", `Cannot read ${path}: ${String(error)}.`, {
        cause: error,
      });
    }
    const bytes = fstatSync(descriptor).size;
    if (bytes !== expectedBytes) {
      closeSync(descriptor);
      throw new HybridRagError(
        "corrupt-data",
        `${path} has ${bytes} bytes where its offsets index says ${expectedBytes} (modified or truncated); re-ingest the documents.`,
      );
    }
    return new StoreLines(path, descriptor);
  }

  /** The line of `parent` as stored (newline included), checked against its SHA-256. */
  line(parent: ParentRecord, location: StoreLineLocation): string {
    const buffer = Buffer.allocUnsafe(location.bytes);
    let read = 0;
    while (read < location.bytes) {
      const got = readSync(
        this.#descriptor,
        buffer,
        read,
        location.bytes - read,
        location.offset + read,
      );
      if (got === 0) break;
      read += got;
    }
    if (
      read !== location.bytes ||
      createHash("sha256").update(buffer).digest("hex") !== location.sha256
    )
      throw this.#corrupt(parent, "does not match its checksum in the offsets index");
    return buffer.toString("utf8");
  }

  /** The chunks of `parent`, read from its line and checked. */
  chunks(parent: ParentRecord, location: StoreLineLocation): Chunk[] {
    const parsed = storeLineSchema.safeParse(JSON.parse(this.line(parent, location)));
    if (!parsed.success)
      throw this.#corrupt(parent, `is not valid (${parsed.error.issues[0]?.message ?? "invalid"})`);
    const { parent: stored, chunks } = parsed.data;
    const ids = chunks.map((chunk) => chunk.id);
    if (stored.id !== parent.id || ids.join("\n") !== parent.chunkIds.join("\n"))
      throw this.#corrupt(parent, "holds another parent or other chunks than its offsets index");
    return chunks as Chunk[];
  }

  #corrupt(parent: ParentRecord, problem: string): HybridRagError {
    return new HybridRagError(
      "corrupt-data",
      `${this.#path}: the line of document ${JSON.stringify(parent.id)} ${problem}; the file was modified after it was saved. Re-ingest the documents (or restore the folder from a backup).`,
    );
  }
}
