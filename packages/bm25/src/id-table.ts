/**
 * External id → internal document number, by open addressing over an Int32Array: two ints per
 * slot (the id's hash, number + 1; 0 = empty), at most half full. A `Map` of a million string
 * keys costs about 35 bytes an entry; this costs at most 16 and keeps no strings: a hit is
 * confirmed against the index's own id of that number (`idOf`), which must be set before
 * `set` and still be readable during `delete`.
 */
export class IdTable {
  #slots = new Int32Array(2 * 1024);
  #size = 0;
  readonly #idOf: (number: number) => string | undefined;

  constructor(idOf: (number: number) => string | undefined) {
    this.#idOf = idOf;
  }

  get size(): number {
    return this.#size;
  }

  get(id: string): number | undefined {
    const slot = this.#find(id, hashId(id));
    return slot < 0 ? undefined : this.#slots[2 * slot + 1]! - 1;
  }

  /** Maps `id` (which `idOf(number)` must already return) to `number`. */
  set(id: string, number: number): void {
    const hash = hashId(id);
    const found = this.#find(id, hash);
    if (found >= 0) {
      this.#slots[2 * found + 1] = number + 1;
      return;
    }
    if (2 * (this.#size + 1) > this.#slots.length >> 1) this.#grow();
    this.#insert(hash, number);
    this.#size++;
  }

  delete(id: string): boolean {
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    let hole = this.#find(id, hashId(id));
    if (hole < 0) return false;
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    for (let next = (hole + 1) & mask; slots[2 * next + 1] !== 0; next = (next + 1) & mask) {
      const home = slots[2 * next]! & mask;
      const between = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (between) continue;
      slots[2 * hole] = slots[2 * next]!;
      slots[2 * hole + 1] = slots[2 * next + 1]!;
      hole = next;
    }
    slots[2 * hole] = 0;
    slots[2 * hole + 1] = 0;
    this.#size--;
    return true;
  }

  /** Makes room for `count` ids at once (a loader that knows how many are coming). */
  reserve(count: number): void {
    let length = this.#slots.length;
    while (2 * count > length >> 1) length *= 2;
    if (length > this.#slots.length) this.#resize(length);
  }

  clear(): void {
    this.#slots = new Int32Array(2 * 1024);
    this.#size = 0;
  }

  #find(id: string, hash: number): number {
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot + 1]!;
      if (entry === 0) return -1;
      if (slots[2 * slot] === hash && this.#idOf(entry - 1) === id) return slot;
    }
  }

  #insert(hash: number, number: number): void {
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    let slot = hash & mask;
    while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
    slots[2 * slot] = hash;
    slots[2 * slot + 1] = number + 1;
  }

  #grow(): void {
    this.#resize(this.#slots.length * 2);
  }

  #resize(length: number): void {
    const old = this.#slots;
    this.#slots = new Int32Array(length);
    for (let slot = 0; slot < old.length >> 1; slot++) {
      if (old[2 * slot + 1] !== 0) this.#insert(old[2 * slot]!, old[2 * slot + 1]! - 1);
    }
  }
}

/** FNV-1a over the UTF-16 code units, then a multiplicative mix (low bits pick the slot). */
function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) {
    hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
  }
  return Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) ^ (hash >>> 12);
}
