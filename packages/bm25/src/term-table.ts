/**
 * Term number lookup straight from a range of ASCII text, so the indexing hot path finds an
 * existing term without slicing, lowercasing or hashing a new string per token (a `Map` needs
 * a string key). Open addressing; a hit is confirmed by comparing the term's stored characters,
 * so lookups are exact whatever the hash. It is also the lookup by string (`find`): no `Map`
 * of the terms is kept besides it.
 */
export class TermTable {
  /**
   * Two ints per slot: the key (the term's hash with its low byte replaced by its length, capped
   * at 255: one comparison rejects most other terms) and term number + 1 (0 = empty). The
   * characters are found through `#starts`. Eight bytes a slot, at most half full (SciFact's
   * 38,655 terms: 1 MB instead of the 2 MB of four-int slots). Slot count: a power of two.
   */
  #slots = new Int32Array(2 << 12);
  /** The UTF-16 code units of all terms, back to back (compared without touching the strings). */
  #characters = new Uint16Array(1 << 14);
  #charactersUsed = 0;
  /**
   * Where each term's characters start, by term number (terms are inserted in number order),
   * and one more entry: where the next term will start (so term t ends at `#starts[t + 1]`).
   */
  #starts = new Int32Array(1 << 10);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** The string of term `number` (built from the stored characters: no strings are kept). */
  termAt(number: number): string {
    const start = this.#starts[number]!;
    const end = this.#starts[number + 1]!;
    let text = "";
    // In chunks: String.fromCharCode takes its arguments on the stack.
    for (let from = start; from < end; from += 8192) {
      text += String.fromCharCode(...this.#characters.subarray(from, Math.min(end, from + 8192)));
    }
    return text;
  }

  /** Drops the room kept for more characters and terms (after a bulk load). */
  trim(): void {
    this.#characters = this.#characters.slice(0, Math.max(16, this.#charactersUsed));
    this.#starts = this.#starts.slice(0, Math.max(16, this.#count + 1));
  }

  /** The term whose characters equal text[from, to) with A–Z lowercased, or -1. */
  findLowercasedAscii(text: string, from: number, to: number, hash: number): number {
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    const key = slotKey(hash, to - from);
    for (let slot = spread(key) & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[(slot << 1) + 1]!;
      if (entry === 0) return -1;
      if (slots[slot << 1] !== key) continue;
      const start = this.#starts[entry - 1]!;
      if (this.#starts[entry]! - start !== to - from) continue;
      const characters = this.#characters;
      const offset = start - from;
      let index = from;
      while (index < to && characters[offset + index] === lowerAscii(text, index)) index++;
      if (index === to) return entry - 1;
    }
  }

  /** The number of the term whose characters equal `term` exactly, or -1. */
  find(term: string): number {
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    const length = term.length;
    const key = slotKey(hashRange(term, 0, length), length);
    for (let slot = spread(key) & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[(slot << 1) + 1]!;
      if (entry === 0) return -1;
      if (slots[slot << 1] !== key) continue;
      const start = this.#starts[entry - 1]!;
      if (this.#starts[entry]! - start !== length) continue;
      const characters = this.#characters;
      let index = 0;
      while (index < length && characters[start + index] === term.charCodeAt(index)) index++;
      if (index === length) return entry - 1;
    }
  }

  /** Records term number `term` (= the number of terms so far) under its string (each term once). */
  insert(term: number, text: string): void {
    if (term !== this.#count)
      throw new RangeError(`term ${term} inserted as number ${this.#count}`);
    const length = text.length;
    if (this.#charactersUsed + length > this.#characters.length) {
      const grown = new Uint16Array(
        Math.max(this.#characters.length * 2, this.#charactersUsed + length),
      );
      grown.set(this.#characters.subarray(0, this.#charactersUsed));
      this.#characters = grown;
    }
    const offset = this.#charactersUsed;
    if (this.#count + 2 > this.#starts.length) {
      const starts = new Int32Array(Math.max(16, this.#starts.length * 2));
      starts.set(this.#starts);
      this.#starts = starts;
    }
    for (let index = 0; index < length; index++) {
      this.#characters[offset + index] = text.charCodeAt(index);
    }
    this.#charactersUsed += length;
    this.#count++;
    this.#starts[this.#count] = this.#charactersUsed;
    // Keep the load factor at most one half so probe runs stay short.
    if (this.#count * 2 > this.#slots.length >> 1) this.#rehash(this.#slots.length * 2);
    this.#place(slotKey(hashRange(text, 0, length), length), term + 1);
  }

  #place(key: number, entry: number): void {
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    let slot = spread(key) & mask;
    while (slots[(slot << 1) + 1] !== 0) slot = (slot + 1) & mask;
    slots[slot << 1] = key;
    slots[(slot << 1) + 1] = entry;
  }

  #rehash(size: number): void {
    const old = this.#slots;
    this.#slots = new Int32Array(size);
    for (let at = 0; at < old.length; at += 2) {
      if (old[at + 1] !== 0) this.#place(old[at]!, old[at + 1]!);
    }
  }
}

/** A slot's key: the hash's upper 24 bits and the length (capped at 255) in the low byte. */
function slotKey(hash: number, length: number): number {
  return (hash & ~0xff) | Math.min(length, 0xff);
}

/** The char code at `index` with A–Z lowercased (the only change LowerCaseFilter makes to ASCII). */
export function lowerAscii(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/**
 * FNV-1a over the UTF-16 code units of text[from, to) with A–Z lowercased; the same value as
 * for the lowercased string, which is what `insert` hashes.
 */
export function hashRange(text: string, from: number, to: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let index = from; index < to; index++) {
    hash = Math.imul(hash ^ lowerAscii(text, index), 0x01000193);
  }
  return hash;
}

/** Mixes the high bits of an FNV hash into the low ones that pick the slot. */
function spread(hash: number): number {
  return Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) ^ (hash >>> 13);
}
