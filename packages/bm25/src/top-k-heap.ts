/**
 * Keeps the best `capacity` (score, document) pairs: higher score first, and for equal scores
 * the smaller internal document number (earlier insertion) first, as Lucene breaks ties.
 * A binary min-heap whose root is the worst kept pair, in two typed arrays.
 */
export class TopKHeap {
  readonly capacity: number;
  readonly scores: Float64Array;
  readonly documents: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.scores = new Float64Array(capacity);
    this.documents = new Int32Array(capacity);
  }

  /** True when (score, document) would be kept. */
  accepts(score: number, document: number): boolean {
    if (this.size < this.capacity) return true;
    const worst = this.scores[0]!;
    return score > worst || (score === worst && document < this.documents[0]!);
  }

  /** The worst kept score once full (the bar a new document must clear), else -Infinity. */
  get threshold(): number {
    return this.size < this.capacity ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

  push(score: number, document: number): void {
    if (this.size < this.capacity) {
      let index = this.size++;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (!this.worse(score, document, parent)) break;
        this.move(parent, index);
        index = parent;
      }
      this.scores[index] = score;
      this.documents[index] = document;
      return;
    }
    if (!this.accepts(score, document)) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.isWorse(right, left) ? right : left;
      if (!this.worseThan(child, score, document)) break;
      this.move(child, index);
      index = child;
    }
    this.scores[index] = score;
    this.documents[index] = document;
  }

  /** Kept pairs, best first. */
  sorted(): Array<{ document: number; score: number }> {
    const pairs = [];
    for (let index = 0; index < this.size; index++) {
      pairs.push({ document: this.documents[index]!, score: this.scores[index]! });
    }
    return pairs.sort((a, b) => b.score - a.score || a.document - b.document);
  }

  private worse(score: number, document: number, index: number): boolean {
    const other = this.scores[index]!;
    return score < other || (score === other && document > this.documents[index]!);
  }

  private worseThan(index: number, score: number, document: number): boolean {
    const own = this.scores[index]!;
    return own < score || (own === score && this.documents[index]! > document);
  }

  private isWorse(a: number, b: number): boolean {
    return this.worseThan(a, this.scores[b]!, this.documents[b]!);
  }

  private move(from: number, to: number): void {
    this.scores[to] = this.scores[from]!;
    this.documents[to] = this.documents[from]!;
  }
}
