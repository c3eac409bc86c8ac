import type { Document } from "../document.ts";

/**
 * A small corpus for contract tests: distinct vocabularies (so a document's own text ranks it
 * first in any sensible retriever), metadata of every kind, and non-ASCII text and ids.
 */
export const contractCorpus: readonly Document[] = [
  {
    id: "fox",
    text: "The quick brown fox jumps over the lazy dog near the riverbank",
    metadata: { lang: "en", year: 2020, tags: ["animals", "classic"], source: { kind: "book" } },
  },
  {
    id: "solar",
    title: "Renewables",
    text: "Solar panels convert sunlight into electricity on rooftops",
    metadata: { lang: "en", year: 2022, tags: ["energy"], source: { kind: "web" } },
  },
  {
    id: "wind",
    text: "Offshore wind turbines generate electricity from moving air",
    metadata: { lang: "en", year: 2023, tags: ["energy"], source: { kind: "web" } },
  },
  {
    id: "cafe-é",
    text: "Café culture in Paris: croissants, espresso and crème brûlée",
    metadata: { lang: "fr", year: 2021, tags: ["food"] },
  },
  {
    id: "doc-東京-🙂",
    text: "東京の天気は晴れです 今日は暑い",
    metadata: { lang: "ja", year: 2024 },
  },
  {
    id: "prices",
    text: "Household electricity prices rose sharply during the winter months",
    metadata: { lang: "en", year: 2024, tags: ["energy", "economy"], draft: true },
  },
  {
    id: "greek",
    text: "Ο Σωκράτης ΣΟΦΟΣ διδάσκει φιλοσοφία στην Αθήνα",
    metadata: { lang: "el", year: 2019 },
  },
  {
    id: "chess",
    text: "Grandmasters analyse chess openings with engines and opening books",
    metadata: { lang: "en", year: 2018, tags: ["games"] },
  },
];

/** Looks a contract document up by id (throws if the corpus changed). */
export function contractDocument(id: string): Document {
  const document = contractCorpus.find((candidate) => candidate.id === id);
  if (!document) throw new Error(`contract corpus has no document ${id}`);
  return document;
}
