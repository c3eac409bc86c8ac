import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { HybridRagError } from "@hybrid-rag/core";
import type { z } from "zod";

/** How errors name a checksummed file: "a usable document store", and what its absence means. */
export interface ChecksummedFileKind {
  /** After "<path> is not …": e.g. "a usable document store". */
  readonly what: string;
  /** After "<path> is missing: "; without it a missing file is reported as unusable. */
  readonly whenMissing?: string;
}

/** A line's check: the zod schema's first issue as the message (the reader adds the line number). */
export function checkedBy<T>(schema: z.ZodType<T>): (value: unknown) => T {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "invalid line");
    return parsed.data;
  };
}

/**
 * Streams a JSON Lines file the manifest checksums (store, segment), each line through `parse`,
 * and checks the file's SHA-256 once it is read: a missing, unparsable or modified file is a
 * `corrupt-data` error that says what to do. The store, its parent records and the checkpoint
 * segments are all read through this.
 */
export async function* readChecksummedLines<T>(
  path: string,
  expectedSha256: string,
  parse: (value: unknown) => T,
  kind: ChecksummedFileKind,
): AsyncGenerator<T> {
  const hash = createHash("sha256");
  let lineNumber = 0;
  try {
    const lines = createInterface({
      input: createReadStream(path, "utf8"),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      lineNumber++;
      hash.update(`${line}\n`);
      let value: T;
      try {
        value = parse(JSON.parse(line));
      } catch (error) {
        throw new Error(
          `line ${lineNumber}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      yield value;
    }
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new HybridRagError(
      "corrupt-data",
      missing && kind.whenMissing
        ? `${path} is missing: ${kind.whenMissing}`
        : `${path} is not ${kind.what}: ${error instanceof Error ? error.message : String(error)}. Re-ingest the documents.`,
      { cause: error },
    );
  }
  if (hash.digest("hex") !== expectedSha256) {
    throw new HybridRagError(
      "corrupt-data",
      `${path} does not match the checksum in the manifest (modified or truncated); re-ingest the documents.`,
    );
  }
}
