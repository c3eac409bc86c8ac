/**
 * A bounded min-heap that keeps the `capacity` best (score, slot) pairs seen so far, in typed
 * arrays so a scan over millions of vectors allocates nothing. Equal scores are ordered by the
 * caller's `isBefore(slotA, slotB)` so results do not depend on storage order.
 */
export class TopKHeap {
  readonly #scores: Float64Array;
  readonly #slots: Int32Array;
  readonly #isBefore: (slotA: number, slotB: number) => boolean;
  #size = 0;

  constructor(capacity: number, isBefore: (slotA: number, slotB: number) => boolean) {
    this.#scores = new Float64Array(capacity);
    this.#slots = new Int32Array(capacity);
    this.#isBefore = isBefore;
  }

  get size(): number {
    return this.#size;
  }

  /** The score a new candidate must beat (or tie) to enter; -Infinity while not full. */
  get threshold(): number {
    return this.#size < this.#scores.length ? Number.NEGATIVE_INFINITY : this.#scores[0]!;
  }

  offer(score: number, slot: number): void {
    if (this.#size < this.#scores.length) {
      this.#scores[this.#size] = score;
      this.#slots[this.#size] = slot;
      this.#siftUp(this.#size++);
      return;
    }
    if (!this.#worse(0, score, slot)) return;
    this.#scores[0] = score;
    this.#slots[0] = slot;
    this.#siftDown(0);
  }

  /** Drains the heap, best first. */
  takeSorted(): Array<{ score: number; slot: number }> {
    const result = new Array<{ score: number; slot: number }>(this.#size);
    for (let position = this.#size - 1; position >= 0; position--) {
      result[position] = { score: this.#scores[0]!, slot: this.#slots[0]! };
      this.#size--;
      if (this.#size > 0) {
        this.#scores[0] = this.#scores[this.#size]!;
        this.#slots[0] = this.#slots[this.#size]!;
        this.#siftDown(0);
      }
    }
    return result;
  }

  /** True when the entry at `position` ranks below (score, slot). */
  #worse(position: number, score: number, slot: number): boolean {
    const held = this.#scores[position]!;
    return held < score || (held === score && this.#isBefore(slot, this.#slots[position]!));
  }

  #worseThan(positionA: number, positionB: number): boolean {
    return this.#worse(positionA, this.#scores[positionB]!, this.#slots[positionB]!);
  }

  #swap(positionA: number, positionB: number): void {
    const score = this.#scores[positionA]!;
    const slot = this.#slots[positionA]!;
    this.#scores[positionA] = this.#scores[positionB]!;
    this.#slots[positionA] = this.#slots[positionB]!;
    this.#scores[positionB] = score;
    this.#slots[positionB] = slot;
  }

  #siftUp(start: number): void {
    let position = start;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (!this.#worseThan(position, parent)) return;
      this.#swap(position, parent);
      position = parent;
    }
  }

  #siftDown(start: number): void {
    let position = start;
    for (;;) {
      const left = 2 * position + 1;
      const right = left + 1;
      let worst = position;
      if (left < this.#size && this.#worseThan(left, worst)) worst = left;
      if (right < this.#size && this.#worseThan(right, worst)) worst = right;
      if (worst === position) return;
      this.#swap(position, worst);
      position = worst;
    }
  }
}
