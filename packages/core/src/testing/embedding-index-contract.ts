import { afterEach, describe, expect, it } from "vitest";
import type { Document } from "../document.ts";
import type { DocumentIndex } from "../document-index.ts";
import type { Embedder, EmbedOptions } from "../embedder.ts";
import { HybridRagError } from "../errors.ts";
import { expectErrorCode } from "./expect-error.ts";
import { HashingEmbedder } from "./hashing-embedder.ts";

/** What a store that embeds is created with in this suite. */
export interface EmbeddingSettings {
  readonly embedder: Embedder;
  readonly embedBatchSize: number;
  /** Absent: the store's default (title and text joined by one space). */
  readonly passageText?: (document: Document) => string;
}

export interface EmbeddingIndexUnderTest {
  readonly index: DocumentIndex;
  close?(): Promise<void>;
}

export interface EmbeddingIndexContractOptions {
  /** Creates an empty store that embeds what it writes with these settings. */
  readonly create: (settings: EmbeddingSettings) => Promise<EmbeddingIndexUnderTest>;
  readonly name?: string;
  readonly timeoutMs?: number;
}

const dimension = 32;

/**
 * Wraps the hashing embedder: records every passage batch, and fails or misbehaves on the
 * passages `misbehave` picks. The answer for a batch is the hashing embedder's, changed only
 * where `misbehave` says.
 */
class ScriptedEmbedder implements Embedder {
  readonly name = "scripted";
  readonly dimension = dimension;
  readonly batches: string[][] = [];
  readonly #inner = new HashingEmbedder(dimension);
  readonly #misbehave: (texts: readonly string[], options?: EmbedOptions) => Promise<unknown>;

  constructor(misbehave: (texts: readonly string[], options?: EmbedOptions) => Promise<unknown>) {
    this.#misbehave = misbehave;
  }

  embedQueries(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.#inner.embedQueries(texts, options);
  }

  async embedPassages(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    this.batches.push([...texts]);
    const answer = await this.#misbehave(texts, options);
    return (answer as Float32Array[] | undefined) ?? this.#inner.embedPassages(texts, options);
  }
}

const documents: Document[] = [
  { id: "a", title: "Alpha", text: "first passage about lighthouses" },
  { id: "b", text: "second passage about harbours" },
  { id: "c", title: "Gamma", text: "third passage about tides" },
  { id: "d", text: "fourth passage about ferries" },
  { id: "e", text: "fifth passage about storms" },
];

/** Rejects after `ms`, or when `signal` fires (with its reason), like a well-behaved client. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * The embed-and-write path every store that embeds documents shares (the embedded vector
 * index, Qdrant, Elasticsearch's dense field): the same text goes to the embedder in the same
 * batches, and a failing, slow or wrong-dimension embedder gives the same report everywhere.
 */
export function runEmbeddingIndexContract(options: EmbeddingIndexContractOptions): void {
  const open: EmbeddingIndexUnderTest[] = [];
  const timeout = options.timeoutMs ?? 20_000;

  async function storeWith(
    misbehave: (texts: readonly string[], options?: EmbedOptions) => Promise<unknown>,
    settings: Partial<EmbeddingSettings> = {},
  ) {
    const embedder = new ScriptedEmbedder(misbehave);
    const store = await options.create({ embedder, embedBatchSize: 2, ...settings });
    open.push(store);
    return { embedder, index: store.index };
  }
  const behave = async () => undefined;

  describe(`Embedding index contract${options.name ? `: ${options.name}` : ""}`, () => {
    afterEach(async () => {
      await Promise.all(open.splice(0).map((store) => store.close?.()));
    });

    it("embeds title and text by default, embedBatchSize passages per call", {
      timeout,
    }, async () => {
      const { embedder, index } = await storeWith(behave);
      expect(await index.upsert(documents)).toEqual({ succeeded: 5, failed: [] });
      expect(embedder.batches).toEqual([
        ["Alpha first passage about lighthouses", "second passage about harbours"],
        ["Gamma third passage about tides", "fourth passage about ferries"],
        ["fifth passage about storms"],
      ]);
      expect(await index.count()).toBe(5);
    });

    it("embeds what passageText returns", { timeout }, async () => {
      const passageText = (document: Document) => `passage: ${document.id}`;
      const { embedder, index } = await storeWith(behave, { passageText, embedBatchSize: 3 });
      expect(await index.upsert(documents)).toEqual({ succeeded: 5, failed: [] });
      expect(embedder.batches).toEqual([
        ["passage: a", "passage: b", "passage: c"],
        ["passage: d", "passage: e"],
      ]);
    });

    it("reports every document of a failed embedder call and writes the other batches", {
      timeout,
    }, async () => {
      const { index } = await storeWith(async (texts) => {
        if (texts.some((text) => text.includes("tides")))
          throw new HybridRagError("unavailable", "embedding server is down (HTTP 503)");
        return undefined;
      });
      const report = await index.upsert(documents);
      expect(report.succeeded).toBe(3);
      expect(report.failed.map((failure) => [failure.id, failure.index])).toEqual([
        ["c", 2],
        ["d", 3],
      ]);
      for (const failure of report.failed) {
        expect(HybridRagError.isInstance(failure.error) && failure.error.code).toBe("unavailable");
        expect(failure.error.message).toMatch(/embedding server is down/);
      }
      expect(await index.count()).toBe(3);
    });

    it("reports the documents of an embedder call that timed out, as any other failure", {
      timeout,
    }, async () => {
      const { index } = await storeWith(async (texts, embedOptions) => {
        if (!texts.some((text) => text.includes("lighthouses"))) return undefined;
        await sleep(30, embedOptions?.signal);
        throw new HybridRagError("timeout", "embedding server did not answer within 30 ms");
      });
      const report = await index.upsert(documents);
      expect(report.succeeded).toBe(3);
      expect(report.failed.map((failure) => failure.id)).toEqual(["a", "b"]);
      expect(
        report.failed.every((failure) => (failure.error as HybridRagError).code === "timeout"),
      ).toBe(true);
      expect(await index.count()).toBe(3);
    });

    it("rejects with aborted when the caller aborts during a slow embedder call", {
      timeout,
    }, async () => {
      const controller = new AbortController();
      let startedBeforeAbort: number | undefined;
      const { embedder, index } = await storeWith(async (_texts, embedOptions) => {
        if (startedBeforeAbort === undefined) {
          startedBeforeAbort = 0;
          setTimeout(() => {
            startedBeforeAbort = embedder.batches.length;
            controller.abort(new Error("user cancelled"));
          }, 5);
        }
        await sleep(10_000, embedOptions?.signal);
        return undefined;
      });
      await expectErrorCode(index.upsert(documents, { signal: controller.signal }), "aborted");
      // A backend may embed a few batches ahead (the vector index does, for worker pools), but
      // none is started once the caller has aborted.
      expect(startedBeforeAbort).toBeGreaterThanOrEqual(1);
      expect(embedder.batches).toHaveLength(startedBeforeAbort ?? 0);
    });

    it("rejects with aborted even when the embedder ignores the signal", { timeout }, async () => {
      const controller = new AbortController();
      const { embedder, index } = await storeWith(async () => {
        controller.abort(new Error("user cancelled"));
        await sleep(20, undefined);
        return undefined;
      });
      await expectErrorCode(index.upsert(documents, { signal: controller.signal }), "aborted");
      expect(embedder.batches).toHaveLength(1);
    });

    it("reports a document whose vector has the wrong dimension, keeps the others", {
      timeout,
    }, async () => {
      const inner = new HashingEmbedder(dimension);
      const { index } = await storeWith(async (texts) => {
        const vectors = await inner.embedPassages(texts);
        return texts.map((text, i) =>
          text.includes("harbours") ? vectors[i]!.subarray(0, dimension - 1) : vectors[i],
        );
      });
      const report = await index.upsert(documents);
      expect(report.succeeded).toBe(4);
      expect(report.failed.map((failure) => [failure.id, failure.index])).toEqual([["b", 1]]);
      expect(report.failed[0]!.error.message).toMatch(/31 dimensions, expected 32/);
      expect(await index.count()).toBe(4);
    });

    it("reports a document whose vector is not finite, keeps the others", { timeout }, async () => {
      const inner = new HashingEmbedder(dimension);
      const { index } = await storeWith(async (texts) => {
        const vectors = await inner.embedPassages(texts);
        if (texts.some((text) => text.includes("storms"))) vectors[0]![3] = Number.NaN;
        return vectors;
      });
      const report = await index.upsert(documents);
      expect(report.failed.map((failure) => failure.id)).toEqual(["e"]);
      expect(report.failed[0]!.error.message).toMatch(/not finite/);
      expect(report.succeeded).toBe(4);
    });

    it("reports the whole batch when the embedder returns too few vectors", {
      timeout,
    }, async () => {
      const inner = new HashingEmbedder(dimension);
      const { index } = await storeWith(async (texts) =>
        (await inner.embedPassages(texts)).slice(0, 1),
      );
      const report = await index.upsert(documents.slice(0, 2));
      expect(report.succeeded).toBe(0);
      expect(report.failed.map((failure) => failure.id)).toEqual(["a", "b"]);
      expect(report.failed[0]!.error.message).toMatch(/returned 1 vectors for 2 passages/);
      expect(await index.count()).toBe(0);
    });
  });
}
