import { createEmbeddedCollection, readCollectionManifest } from "@hybrid-rag/collection";

/** A deterministic pseudo-random generator (mulberry32), so every run builds the same corpus. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const syllables = "lo re van quis tel ad ma rine po ke dra sun til ber os ca mir an du vel".split(
  " ",
);

/** 50,000 made-up words drawn with a Zipf-like law: a realistic BM25 term table and postings. */
function* documents(targetTextBytes: number) {
  const next = random(27);
  const vocabulary = Array.from({ length: 50_000 }, (_, index) => {
    let word = "";
    for (let n = index + 7; n > 0; n = Math.floor(n / syllables.length))
      word += syllables[n % syllables.length];
    return word;
  });
  const pick = () => vocabulary[Math.floor(vocabulary.length * next() ** 3)]!;
  let bytes = 0;
  for (let id = 0; bytes < targetTextBytes; id++) {
    const sentences: string[] = [];
    for (let s = 0; s < 25; s++) sentences.push(`${Array.from({ length: 14 }, pick).join(" ")}.`);
    const text = sentences.join(" ");
    bytes += text.length;
    yield {
      id: `doc-${id}`,
      title: `${pick()} ${pick()}`,
      text,
      source: `generated/doc-${id}.txt`,
    };
  }
}

/**
 * Generates (once) a BM25-only collection of about `targetMib` on disk in `directory`, through
 * `createEmbeddedCollection` + `save` (256-token chunks); does nothing when one is there.
 */
export async function ensureGeneratedCollection(
  directory: string,
  targetMib: number,
): Promise<void> {
  if (await readCollectionManifest(directory)) return;
  const started = performance.now();
  const collection = createEmbeddedCollection({ chunking: { maxTokens: 256 } });
  // The store holds the text and per-chunk metadata; the BM25 index adds about a third.
  const summary = await collection.ingest(documents(targetMib * 2 ** 20 * 0.6));
  await collection.save(directory);
  console.log(
    `generated ${directory}: ${summary.documents} documents, ${summary.chunks} chunks in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}
