/** WHATWG single-byte encodings (`TextDecoder.encoding` names): one byte per character. */
const singleByteEncodings = new Set([
  "ibm866",
  "iso-8859-2",
  "iso-8859-3",
  "iso-8859-4",
  "iso-8859-5",
  "iso-8859-6",
  "iso-8859-7",
  "iso-8859-8",
  "iso-8859-8-i",
  "iso-8859-10",
  "iso-8859-13",
  "iso-8859-14",
  "iso-8859-15",
  "iso-8859-16",
  "koi8-r",
  "koi8-u",
  "macintosh",
  "windows-874",
  "windows-1250",
  "windows-1251",
  "windows-1252",
  "windows-1253",
  "windows-1254",
  "windows-1255",
  "windows-1256",
  "windows-1257",
  "windows-1258",
  "x-mac-cyrillic",
  "x-user-defined",
]);

/** How a run of characters is measured in bytes: the encodings whose width follows from the text alone. */
export type WidthRule = "utf-8" | "utf-16" | "one-byte";

/** The width rule of an encoding name, or undefined for multi-byte legacy encodings (Shift_JIS, GBK, …). */
export function widthRuleOf(encoding: string | undefined): WidthRule | undefined {
  const name = (encoding ?? "utf-8").toLowerCase();
  if (name === "utf-8" || name === "utf8") return "utf-8";
  if (name === "utf-16le" || name === "utf-16be") return "utf-16";
  if (singleByteEncodings.has(name)) return "one-byte";
  return undefined;
}

/**
 * Bytes `text[from, to)` takes under a width rule. UTF-8 is counted per code unit so that sums
 * over adjacent ranges add up: a high surrogate followed by a low one takes the pair's 4 bytes,
 * that low surrogate 0; a lone surrogate takes 3 (U+FFFD).
 */
export function encodedLength(text: string, from: number, to: number, rule: WidthRule): number {
  if (rule === "one-byte") return to - from;
  if (rule === "utf-16") return 2 * (to - from);
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      bytes += next >= 0xdc00 && next <= 0xdfff ? 4 : 3;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      const previous = text.charCodeAt(i - 1);
      bytes += previous >= 0xd800 && previous <= 0xdbff ? 0 : 3;
    } else bytes += 3;
  }
  return bytes;
}

export interface SourceLocatorOptions {
  /** The decoder's encoding name (default UTF-8). */
  readonly encoding?: string;
  /**
   * The original bytes: where a byte-order mark is counted from, and what multi-byte legacy
   * encodings (which a width rule cannot measure) are measured against.
   */
  readonly bytes?: Uint8Array;
  /** Whether line numbers mean something for this original (text formats: yes; page text: no). */
  readonly lines?: boolean;
}

const checkpointEvery = 4096;

/**
 * The original of a loaded document (its decoded text and how it was encoded), answering where a
 * character offset is in bytes and on which line: the one helper every loader uses to turn the
 * character spans it records into byte offsets and line numbers.
 */
export class SourceLocator {
  readonly text: string;
  readonly encoding: string;
  readonly widthRule: WidthRule | undefined;
  readonly hasLines: boolean;
  readonly #prefixBytes: number;
  readonly #bytes: Uint8Array | undefined;
  #checkpoints: Float64Array | undefined;
  #byteOfChar: Float64Array | undefined;
  #lineStarts: Int32Array | undefined;

  constructor(text: string, options: SourceLocatorOptions = {}) {
    this.text = text;
    this.encoding = (options.encoding ?? "utf-8").toLowerCase();
    this.widthRule = widthRuleOf(this.encoding);
    this.hasLines = options.lines ?? true;
    this.#bytes = options.bytes;
    const bytes = options.bytes;
    if (this.widthRule === "utf-16") this.#prefixBytes = 2;
    else if (this.widthRule === "utf-8" && bytes && bytes[0] === 0xef && bytes[1] === 0xbb)
      this.#prefixBytes = bytes[2] === 0xbf ? 3 : 0;
    else this.#prefixBytes = 0;
  }

  /** The byte offset in the original of character offset `char` (0 ≤ char ≤ text.length). */
  byteOffset(char: number): number {
    const at = Math.max(0, Math.min(char, this.text.length));
    switch (this.widthRule) {
      case "one-byte":
        return at;
      case "utf-16":
        return this.#prefixBytes + 2 * at;
      case "utf-8": {
        const checkpoints = this.#utf8Checkpoints();
        const block = Math.floor(at / checkpointEvery);
        const from = block * checkpointEvery;
        return (
          this.#prefixBytes + checkpoints[block]! + encodedLength(this.text, from, at, "utf-8")
        );
      }
      default:
        return this.#legacyByteOffsets()[at]!;
    }
  }

  /** The 1-based line of character offset `char` (`\n`, `\r\n` and a lone `\r` end a line). */
  line(char: number): number {
    const starts = this.#lines();
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (starts[middle]! <= char) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  }

  /** UTF-8 bytes before every `checkpointEvery`-th character (a surrogate pair's 4 bytes count at its high half). */
  #utf8Checkpoints(): Float64Array {
    if (this.#checkpoints) return this.#checkpoints;
    const count = Math.floor(this.text.length / checkpointEvery) + 1;
    const checkpoints = new Float64Array(count);
    let bytes = 0;
    for (let block = 1; block < count; block++) {
      bytes += encodedLength(
        this.text,
        (block - 1) * checkpointEvery,
        block * checkpointEvery,
        "utf-8",
      );
      checkpoints[block] = bytes;
    }
    this.#checkpoints = checkpoints;
    return checkpoints;
  }

  /** Multi-byte legacy encodings: the bytes decoded one at a time, noting where each character begins. */
  #legacyByteOffsets(): Float64Array {
    if (this.#byteOfChar) return this.#byteOfChar;
    const bytes = this.#bytes;
    const table = new Float64Array(this.text.length + 1);
    if (!bytes) throw new Error(`byte offsets in ${this.encoding} need the original bytes`);
    const decoder = new TextDecoder(this.encoding);
    let chars = 0;
    let pendingStart = -1;
    for (let i = 0; i < bytes.length && chars < this.text.length; i++) {
      const out = decoder.decode(bytes.subarray(i, i + 1), { stream: true });
      if (out.length === 0) {
        if (pendingStart < 0) pendingStart = i;
        continue;
      }
      const begins = pendingStart < 0 ? i : pendingStart;
      for (let k = 0; k < out.length && chars < this.text.length; k++) table[chars++] = begins;
      pendingStart = -1;
    }
    for (; chars <= this.text.length; chars++) table[chars] = bytes.length;
    this.#byteOfChar = table;
    return table;
  }

  #lines(): Int32Array {
    if (this.#lineStarts) return this.#lineStarts;
    const starts: number[] = [];
    const text = this.text;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 0x0a || (code === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1);
    }
    this.#lineStarts = Int32Array.from(starts);
    return this.#lineStarts;
  }
}
