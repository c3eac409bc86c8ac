import { createReadStream } from "node:fs";

/** One line's bytes (without its `\n` or `\r\n`), or the fact that it was longer than allowed. */
export type BoundedLine =
  | { readonly number: number; readonly bytes: Buffer }
  | { readonly number: number; readonly tooLong: true; readonly byteLength: number };

/**
 * Streams the lines of a file holding at most one line of at most `maxLineBytes` in memory. A
 * longer line is reported (with its full length) and its bytes are dropped as they stream by,
 * never gathered: readline would buffer it whole, and a line past V8's string limit ends in a
 * `RangeError`. Lines are left as bytes so that UTF-8 is decoded once a line is complete.
 */
export async function* readBoundedLines(
  file: string,
  maxLineBytes: number,
): AsyncGenerator<BoundedLine> {
  const stream = createReadStream(file, { highWaterMark: 1 << 16 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflowing = false;
  let number = 0;
  const finish = (last: Buffer): BoundedLine => {
    number++;
    const byteLength = pendingBytes + last.length;
    const wasOverflowing = overflowing;
    const parts = pending;
    pending = [];
    pendingBytes = 0;
    overflowing = false;
    if (wasOverflowing || byteLength > maxLineBytes) return { number, tooLong: true, byteLength };
    let line = parts.length === 0 ? last : Buffer.concat([...parts, last]);
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
    return { number, bytes: line };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
        yield finish(chunk.subarray(start, end));
        start = end + 1;
      }
      if (start < chunk.length) {
        pendingBytes += chunk.length - start;
        if (pendingBytes > maxLineBytes) {
          // Keep counting, stop keeping.
          overflowing = true;
          pending = [];
        } else pending.push(chunk.subarray(start));
      }
    }
    if (pendingBytes > 0 || overflowing) yield finish(Buffer.alloc(0));
  } finally {
    stream.destroy();
  }
}
