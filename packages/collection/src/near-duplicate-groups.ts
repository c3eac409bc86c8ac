import type { DocumentStore } from "./document-store.ts";
import { decodeSignature, estimatedSimilarity, signatureLength } from "./min-hash.ts";

/** Estimated Jaccard similarity of 4-word shingles from which two parents are the same text. */
export const defaultNearDuplicateThreshold = 0.8;
/**
 * LSH bands of the signature: two parents are compared when all rows of one band agree. With
 * 16 bands of 4 rows, a pair at similarity 0.8 is compared with probability 1 − (1 − 0.8⁴)¹⁶ ≈
 * 0.9998, a pair at 0.3 with 0.12 (then rejected by the full-signature estimate).
 */
const bands = 16;
const rows = signatureLength / bands;

export interface NearDuplicateGroup {
  /** Parent ids, in the store's order. */
  readonly members: readonly string[];
}

/**
 * The parents that hold the same text in another format (HTML beside its .txt or PDF copy):
 * MinHash signatures recorded at ingest, bucketed by LSH bands, pairs confirmed by the
 * estimate over the whole signature, joined transitively. Computed from the store when first
 * asked and again only after the store changed.
 */
export class NearDuplicateGroups {
  readonly #store: DocumentStore;
  readonly #threshold: number;
  #revision = -1;
  #groups: NearDuplicateGroup[] = [];
  #groupOf = new Map<string, NearDuplicateGroup>();

  constructor(store: DocumentStore, threshold = defaultNearDuplicateThreshold) {
    this.#store = store;
    this.#threshold = threshold;
  }

  /** Every group of two or more parents. */
  get groups(): readonly NearDuplicateGroup[] {
    this.#refresh();
    return this.#groups;
  }

  /** The group a parent belongs to, if it has near-duplicates. */
  groupOf(parentId: string): NearDuplicateGroup | undefined {
    this.#refresh();
    return this.#groupOf.get(parentId);
  }

  #refresh(): void {
    if (this.#revision === this.#store.revision) return;
    this.#revision = this.#store.revision;
    const ids: string[] = [];
    const signatures: Uint32Array[] = [];
    for (const parent of this.#store.parents()) {
      const signature = parent.signature ? decodeSignature(parent.signature) : undefined;
      if (!signature) continue;
      ids.push(parent.id);
      signatures.push(signature);
    }
    const leader = ids.map((_, index) => index);
    const find = (index: number): number => {
      while (leader[index] !== index) {
        leader[index] = leader[leader[index]!]!;
        index = leader[index]!;
      }
      return index;
    };
    for (let band = 0; band < bands; band++) {
      const buckets = new Map<string, number[]>();
      signatures.forEach((signature, index) => {
        const key = bandKey(signature, band);
        const bucket = buckets.get(key);
        if (bucket) bucket.push(index);
        else buckets.set(key, [index]);
      });
      // Each member is compared with the bucket's first and with the one before it: linear in
      // the bucket's size (a thousand copies of one page do not cost a million comparisons);
      // what one band misses, the others join transitively.
      const join = (a: number, b: number) => {
        if (find(a) === find(b)) return true;
        if (estimatedSimilarity(signatures[a]!, signatures[b]!) < this.#threshold) return false;
        leader[find(b)] = find(a);
        return true;
      };
      for (const bucket of buckets.values()) {
        for (let position = 1; position < bucket.length; position++) {
          if (!join(bucket[0]!, bucket[position]!)) join(bucket[position - 1]!, bucket[position]!);
        }
      }
    }
    const members = new Map<number, string[]>();
    ids.forEach((id, index) => {
      const root = find(index);
      const group = members.get(root);
      if (group) group.push(id);
      else members.set(root, [id]);
    });
    this.#groups = [...members.values()]
      .filter((group) => group.length > 1)
      .map((group) => ({ members: group }));
    this.#groupOf = new Map();
    for (const group of this.#groups) {
      for (const id of group.members) this.#groupOf.set(id, group);
    }
  }
}

/** A band's rows as a short exact string (two UTF-16 units per 32-bit row): a bucket key. */
function bandKey(signature: Uint32Array, band: number): string {
  let key = "";
  for (let row = band * rows; row < (band + 1) * rows; row++) {
    const value = signature[row]!;
    key += String.fromCharCode(value & 0xffff, value >>> 16);
  }
  return key;
}
