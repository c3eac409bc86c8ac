import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { HybridRagError, toHybridRagError } from "@hybrid-rag/core";

export interface NumberedLine {
  /** 1-based line number in the file. */
  readonly number: number;
  readonly text: string;
}

/**
 * Streams a text file line by line (never the whole file in memory), with 1-based line numbers.
 * A missing file becomes a `not-found` error naming the path and what it should contain.
 */
export async function* readLines(path: string, what: string): AsyncGenerator<NumberedLine> {
  const stream = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  try {
    for await (const line of lines) {
      number += 1;
      // A byte-order mark at the start would otherwise become part of the first id.
      yield { number, text: number === 1 ? line.replace(/^\uFEFF/, "") : line };
    }
  } catch (error) {
    throw fileError(error, path, what);
  } finally {
    lines.close();
    stream.destroy();
  }
}

function fileError(error: unknown, path: string, what: string): HybridRagError {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") {
    return new HybridRagError("not-found", `Cannot read ${what}: ${path} does not exist.`, {
      cause: error,
    });
  }
  if (code === "EISDIR") {
    return new HybridRagError(
      "invalid-argument",
      `Cannot read ${what}: ${path} is a directory, expected a file.`,
      { cause: error },
    );
  }
  return toHybridRagError(error, `Reading ${what} (${path})`);
}

/** A `corrupt-data` error pointing at one line of a file. */
export function lineError(path: string, line: number, problem: string): HybridRagError {
  return new HybridRagError("corrupt-data", `${path}:${line}: ${problem}`, {
    details: { path, line },
  });
}
