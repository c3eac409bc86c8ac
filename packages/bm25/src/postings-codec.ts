/**
 * The byte layout of one term's postings (measured choice: varint blocks with skip headers).
 *
 * A term's postings are a run of blocks of up to `postingsPerBlock` postings, each
 *   u16 payload bytes | u8 max frequency | u8 min norm | u32 last document of the block | payload
 * where the payload is, per posting, varint(delta × 2 + (frequency === 1 ? 1 : 0)) followed by
 * varint(frequency) when the frequency is not 1. `delta` is the document minus the previous
 * posting's document (the first posting of a term counts from −1), so it is always ≥ 1.
 * Most postings of a Zipfian corpus take one or two bytes instead of eight; the fixed-width
 * headers let a reader skip a whole block (and let a writer update the open block in place).
 * The max frequency (saturated at 255: then the term's own maximum applies) and the norm byte of
 * the block's shortest document bound the BM25 score of any posting of the block for every
 * k1, b and average length (`blockScoreBound`), so a query can skip blocks that cannot reach
 * its top k. Deletes only clear `live`, so the bounds stay upper bounds. (Format 1 and 2 files
 * had a u32 payload length there: `upgrade-block-bounds.ts` derives the bytes at load.)
 *
 * Document numbers must stay below 2^30 (delta × 2 + 1 then fits a positive int32).
 */
export const postingsPerBlock = 128;
export const blockHeaderBytes = 8;
/** The most bytes one posting can take: two 5-byte varints. */
export const maxPostingBytes = 10;

/** The frequency byte of a block whose maximum is 255 or more (the term's maximum applies). */
export const saturatedFrequency = 255;

/** Bytes of postings after the header of the block at `block`. */
export function blockPayloadBytes(pool: Uint8Array, block: number): number {
  return pool[block]! | (pool[block + 1]! << 8);
}

/**
 * Rewrites the header of the open block at `block` after a posting of `document` (norm byte
 * `norm`) was appended: payload length, last document, and the score bounds (reset when
 * `opensBlock`, widened otherwise).
 */
export function writeBlockHeader(
  pool: Uint8Array,
  block: number,
  payloadBytes: number,
  document: number,
  frequency: number,
  norm: number,
  opensBlock: boolean,
): void {
  pool[block] = payloadBytes & 0xff;
  pool[block + 1] = payloadBytes >>> 8;
  const frequencyByte = Math.min(frequency, saturatedFrequency);
  if (opensBlock || frequencyByte > pool[block + 2]!) pool[block + 2] = frequencyByte;
  if (opensBlock || norm < pool[block + 3]!) pool[block + 3] = norm;
  writeUint32(pool, block + 4, document);
}

export function readUint32(pool: Uint8Array, position: number): number {
  return (
    (pool[position]! |
      (pool[position + 1]! << 8) |
      (pool[position + 2]! << 16) |
      (pool[position + 3]! << 24)) >>>
    0
  );
}

export function writeUint32(pool: Uint8Array, position: number, value: number): void {
  pool[position] = value & 0xff;
  pool[position + 1] = (value >>> 8) & 0xff;
  pool[position + 2] = (value >>> 16) & 0xff;
  pool[position + 3] = (value >>> 24) & 0xff;
}

/** Writes `value` (0 ≤ value < 2^31) as a varint at `position`; returns the next position. */
export function writeVarint(pool: Uint8Array, position: number, value: number): number {
  let rest = value;
  while (rest > 0x7f) {
    pool[position++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  pool[position++] = rest;
  return position;
}

/**
 * Walks one term's postings without allocating: `next()` decodes the following posting into
 * `document` / `frequency`; `advanceTo(target)` skips whole blocks whose last document is
 * below the target. One cursor is reused for every term of every query.
 */
export class PostingsCursor {
  document = -1;
  frequency = 0;
  #pool: Uint8Array = new Uint8Array(0);
  #position = 0;
  #blockEnd = 0;
  #end = 0;

  /** Starts at the first posting of the term stored in pool[start, end). */
  reset(pool: Uint8Array, start: number, end: number): void {
    this.#pool = pool;
    this.#position = start;
    this.#blockEnd = start;
    this.#end = end;
    this.document = -1;
    this.frequency = 0;
  }

  /** Decodes the next posting; false when the term has no more. */
  next(): boolean {
    const pool = this.#pool;
    let position = this.#position;
    if (position >= this.#blockEnd) {
      if (position >= this.#end) return false;
      this.#blockEnd = position + blockHeaderBytes + blockPayloadBytes(pool, position);
      position += blockHeaderBytes;
    }
    let byte = pool[position++]!;
    let code = byte & 0x7f;
    if (byte > 0x7f) {
      byte = pool[position++]!;
      code |= (byte & 0x7f) << 7;
      if (byte > 0x7f) {
        byte = pool[position++]!;
        code |= (byte & 0x7f) << 14;
        if (byte > 0x7f) {
          byte = pool[position++]!;
          code |= (byte & 0x7f) << 21;
          if (byte > 0x7f) code |= pool[position++]! << 28;
        }
      }
    }
    this.document += code >>> 1;
    if ((code & 1) === 1) {
      this.frequency = 1;
    } else {
      byte = pool[position++]!;
      let frequency = byte & 0x7f;
      let shift = 7;
      while (byte > 0x7f) {
        byte = pool[position++]!;
        frequency |= (byte & 0x7f) << shift;
        shift += 7;
      }
      this.frequency = frequency;
    }
    this.#position = position;
    return true;
  }

  /**
   * Moves to the first posting whose document is ≥ `target` (never backwards); false when
   * there is none. Blocks that end below the target are skipped by their headers.
   */
  advanceTo(target: number): boolean {
    if (this.document >= target) return true;
    const pool = this.#pool;
    while (this.#position >= this.#blockEnd && this.#position < this.#end) {
      const position = this.#position;
      const last = readUint32(pool, position + 4);
      const payload = blockPayloadBytes(pool, position);
      if (last >= target) break;
      // The next block's first delta counts from this block's last document.
      this.document = last;
      this.#position = position + blockHeaderBytes + payload;
      this.#blockEnd = this.#position;
    }
    while (this.next()) {
      if (this.document >= target) return true;
      if (this.#position >= this.#blockEnd) return this.advanceTo(target);
    }
    return false;
  }
}
