import { HybridRagError } from "@hybrid-rag/core";
import type { CollectionLock } from "./collection-lock.ts";
import type { CommittedChanges } from "./ingest-documents.ts";

export interface IngestCheckpointOptions {
  /** The collection directory to commit into (the one the collection was opened from, or a new one). */
  readonly directory: string;
  /** Its writer lock, held for the whole ingest (`lockCollection`). */
  readonly lock: CollectionLock;
  /** What is being ingested (e.g. the folder), recorded so that a resumed run can name it. */
  readonly input?: string;
  /** Commit a step once this many parents were written or deleted since the last (default 500). */
  readonly everyDocuments?: number;
  /** …or once this long has passed since the last step, at the next batch (default 30 s). */
  readonly everyMs?: number;
  /**
   * Past this many segments the final step merges everything into a new version folder
   * (default 16): opening replays segments, so a long tail of them would slow every open.
   */
  readonly compactAfterSegments?: number;
}

export interface SavedIngest {
  /** The collection version the ingest ended on. */
  readonly version: number;
  /** Steps committed during the ingest (the final one included). */
  readonly steps: number;
  /** Whether the final step wrote a whole version folder (the merge of every segment). */
  readonly compacted: boolean;
}

type CommitStep = (
  changes: ReadonlyMap<string, "written" | "deleted">,
  final: boolean,
) => Promise<{ version: number; compacted: boolean } | null>;

/**
 * Gathers the parents an ingest committed to the in-memory collection (ids only: the data is read
 * from the collection when a step is written) and commits a step every `everyDocuments` parents
 * or `everyMs`.
 */
export class CheckpointTracker {
  readonly #commit: CommitStep;
  readonly #everyDocuments: number;
  readonly #everyMs: number;
  #changes = new Map<string, "written" | "deleted">();
  #lastStep = performance.now();
  #steps = 0;
  #last: { version: number; compacted: boolean } | null = null;

  constructor(options: IngestCheckpointOptions, commit: CommitStep) {
    this.#everyDocuments = options.everyDocuments ?? 500;
    this.#everyMs = options.everyMs ?? 30_000;
    for (const [name, value] of Object.entries({
      everyDocuments: this.#everyDocuments,
      everyMs: this.#everyMs,
      compactAfterSegments: options.compactAfterSegments ?? 16,
    })) {
      if (!Number.isInteger(value) || value < 1) {
        throw new HybridRagError(
          "invalid-argument",
          `checkpoint.${name} must be a whole number ≥ 1, got ${value}.`,
        );
      }
    }
    this.#commit = commit;
  }

  async add(changes: CommittedChanges): Promise<void> {
    for (const id of changes.written) this.#changes.set(id, "written");
    for (const id of changes.deleted) this.#changes.set(id, "deleted");
    const due =
      this.#changes.size >= this.#everyDocuments ||
      (this.#changes.size > 0 && performance.now() - this.#lastStep >= this.#everyMs);
    if (due) await this.#step(false);
  }

  /** The final step; null when the ingest changed nothing and there was nothing to resume. */
  async finish(): Promise<SavedIngest | null> {
    await this.#step(true);
    return this.#last && { ...this.#last, steps: this.#steps };
  }

  async #step(final: boolean): Promise<void> {
    const changes = this.#changes;
    this.#changes = new Map();
    const result = await this.#commit(changes, final);
    this.#lastStep = performance.now();
    if (result) {
      this.#steps++;
      this.#last = result;
    }
  }
}
