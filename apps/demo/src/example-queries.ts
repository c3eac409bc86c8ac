import type { DocumentStore } from "@hybrid-rag/collection";

/** Buttons on the page; more would crowd the introduction. */
const maxExamples = 3;

/** A title or heading longer than this reads as a sentence, not as something to search for. */
const maxExampleCharacters = 60;

/**
 * "Try:" queries drawn from the loaded collection itself: the titles (else the first heading) of
 * documents spread evenly over the store, so a folder shows its own subjects, never the sample
 * corpus's. None when nothing suitable is there.
 */
export function exampleQueries(
  documents: Iterable<{
    readonly title?: string | undefined;
    readonly heading?: string | undefined;
  }>,
): string[] {
  const candidates: string[] = [];
  for (const { title, heading } of documents) {
    const text = (title ?? heading ?? "").replace(/\s+/g, " ").trim();
    if (text.length >= 3 && text.length <= maxExampleCharacters) candidates.push(text);
  }
  const distinct = [...new Set(candidates)];
  if (distinct.length <= maxExamples) return distinct;
  const step = distinct.length / maxExamples;
  return Array.from({ length: maxExamples }, (_, index) => distinct[Math.floor(index * step)]!);
}

/** Each stored document's title and first heading, in store order. */
export function* storedTitles(
  store: DocumentStore,
): Generator<{ title: string | undefined; heading: string | undefined }> {
  for (const parent of store.parents()) {
    // The heading only stands in for a missing title: a titled document's text is not read
    // (a collection opened lazily reads a document's chunks on first use).
    const heading =
      parent.title === undefined
        ? store.chunksOf(parent.id)[0]?.metadata.headingPath[0]
        : undefined;
    yield { title: parent.title, heading };
  }
}
