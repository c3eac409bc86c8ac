import { createReadStream } from "node:fs";
import { HybridRagError } from "@hybrid-rag/core";

export interface BoundedLine {
  /** 1-based line number. */
  readonly number: number;
  /** The line without its line break (and, on line 1, without a UTF-8 byte-order mark). */
  readonly text: string;
}

/**
 * Streams the lines of a file, holding at most one line of at most `maxLineBytes` in memory.
 * A longer line is refused with an `invalid-argument` error naming the file, the line and the
 * limit, before it is read to its end (readline would buffer the whole line, and a line past
 * V8's string limit ends in a RangeError). Line breaks are `\n` or `\r\n`; a line is decoded as
 * UTF-8 only once complete, so multi-byte characters split between chunks survive.
 */
export async function* readBoundedLines(
  file: string,
  maxLineBytes: number,
): AsyncGenerator<BoundedLine> {
  const stream = createReadStream(file, { highWaterMark: 1 << 16 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  const finish = (last: Buffer): BoundedLine => {
    number++;
    let line = pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    pendingBytes = 0;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
    let text = line.toString("utf8");
    if (number === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { number, text };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
        if (pendingBytes + end - start > maxLineBytes)
          throw tooLong(file, number + 1, maxLineBytes);
        yield finish(chunk.subarray(start, end));
        start = end + 1;
      }
      if (start < chunk.length) {
        pendingBytes += chunk.length - start;
        if (pendingBytes > maxLineBytes) throw tooLong(file, number + 1, maxLineBytes);
        pending.push(chunk.subarray(start));
      }
    }
    if (pendingBytes > 0) yield finish(Buffer.alloc(0));
  } finally {
    stream.destroy();
  }
}

function tooLong(file: string, line: number, maxLineBytes: number): HybridRagError {
  return new HybridRagError(
    "invalid-argument",
    `${file}:${line} is longer than ${formatBytes(maxLineBytes)}, the most one document may take; split that document into smaller ones (or raise the limit). Nothing was indexed.`,
    { details: { file, line, maxLineBytes } },
  );
}

export function formatBytes(bytes: number): string {
  return bytes >= 1 << 20 && bytes % (1 << 20) === 0
    ? `${bytes / (1 << 20)} MiB`
    : `${bytes} bytes`;
}
