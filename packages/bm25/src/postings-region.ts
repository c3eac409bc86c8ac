import {
  blockHeaderBytes,
  blockPayloadBytes,
  postingsPerBlock,
  readUint32,
  saturatedFrequency,
} from "./postings-codec.ts";

/** What a term's compressed region holds, as the index needs it to append more postings. */
export interface RegionSummary {
  readonly count: number;
  readonly lastDocument: number;
  /** Offset of the last block, relative to the region. */
  readonly openBlock: number;
  readonly maxFrequency: number;
}

/**
 * Decodes a term's region read from a file and checks every invariant the search relies on:
 * full blocks of `postingsPerBlock` postings except the last, headers whose length and last
 * document match the payload, documents strictly increasing below `documentCount`, positive
 * frequencies, and varints that end inside their block; with `norms`, also that each header's
 * score bounds (max frequency, min norm) are exactly those of its postings, since a bound too
 * low would silently drop hits. Returns a summary, or why it is invalid.
 */
export function summarizeRegion(
  pool: Uint8Array,
  start: number,
  end: number,
  documentCount: number,
  norms?: Uint8Array,
): RegionSummary | string {
  let position = start;
  let document = -1;
  let count = 0;
  let openBlock = 0;
  let maxFrequency = 0;
  while (position < end) {
    if (position + blockHeaderBytes > end) return "a block header runs past the region";
    if (count % postingsPerBlock !== 0) return "a block before the last is not full";
    openBlock = position - start;
    const blockEnd = position + blockHeaderBytes + blockPayloadBytes(pool, position);
    const declaredMaxFrequency = pool[position + 2]!;
    const declaredMinNorm = pool[position + 3]!;
    const declaredLast = readUint32(pool, position + 4);
    let blockMaxFrequency = 0;
    let blockMinNorm = 255;
    if (blockEnd > end) return "a block runs past the region";
    position += blockHeaderBytes;
    let inBlock = 0;
    while (position < blockEnd) {
      const code = readVarint(pool, position, blockEnd);
      if (code === undefined) return "a posting runs past its block";
      position = next;
      const delta = code >>> 1;
      if (delta < 1) return "documents are not increasing";
      document += delta;
      let frequency = 1;
      if ((code & 1) === 0) {
        const value = readVarint(pool, position, blockEnd);
        if (value === undefined) return "a frequency runs past its block";
        position = next;
        if (value < 2) return "a frequency is not valid";
        frequency = value;
      }
      if (document >= documentCount) return "a document number is out of range";
      maxFrequency = Math.max(maxFrequency, frequency);
      blockMaxFrequency = Math.max(blockMaxFrequency, frequency);
      if (norms !== undefined) blockMinNorm = Math.min(blockMinNorm, norms[document]!);
      inBlock++;
    }
    if (inBlock === 0 || inBlock > postingsPerBlock)
      return "a block has a wrong number of postings";
    if (declaredLast !== document) return "a block header does not match its postings";
    if (
      norms !== undefined &&
      (declaredMaxFrequency !== Math.min(blockMaxFrequency, saturatedFrequency) ||
        declaredMinNorm !== blockMinNorm)
    )
      return "a block's score bounds do not match its postings";
    count += inBlock;
  }
  return { count, lastDocument: document, openBlock, maxFrequency };
}

/** Position after the last varint read by `readVarint` (saves an allocation per posting). */
let next = 0;

function readVarint(pool: Uint8Array, start: number, end: number): number | undefined {
  // Most values of a Zipfian corpus fit one byte: checked first (loading a million documents'
  // postings decodes each of them once).
  if (start < end && pool[start]! < 0x80) {
    next = start + 1;
    return pool[start]!;
  }
  let value = 0;
  let scale = 1;
  for (let position = start; position < end && scale <= 2 ** 28; position++, scale *= 128) {
    const byte = pool[position]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      next = position + 1;
      return value < 2 ** 31 ? value : undefined;
    }
  }
  return undefined;
}
