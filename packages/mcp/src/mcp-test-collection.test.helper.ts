import { createEmbeddedCollection, type EmbeddedCollection } from "@hybrid-rag/collection";
import { createUseLiteEmbedder, type UseLiteEmbedder } from "@hybrid-rag/embeddings-use";

const filler = (topic: string) =>
  Array.from(
    { length: 30 },
    (_, index) => `Paragraph ${index} of the ${topic} notes repeats itself.`,
  ).join(" ");

export const testDocuments = [
  {
    id: "coast.md",
    source: "notes/coast.md",
    title: "Coast survey",
    text: `${filler("coast")} One solitary pelican stood on the northern jetty all winter. ${filler("harbour")}`,
  },
  {
    id: "kitchen.md",
    source: "notes/kitchen.md",
    title: "Kitchen",
    text: "Lemon cake needs three eggs and a cup of sugar.",
  },
  {
    id: "reports/chess #1.md",
    source: "notes/chess.md",
    text: "The Sicilian defence answers e4 with c5.",
  },
];

/** A small collection on USE-lite (a real 512-d model from npm, offline). */
export async function createTestCollection(): Promise<{
  collection: EmbeddedCollection;
  embedder: UseLiteEmbedder;
}> {
  const embedder = await createUseLiteEmbedder();
  const collection = createEmbeddedCollection({
    embedder,
    chunking: { maxTokens: 64, overlapTokens: 8 },
  });
  await collection.ingest(testDocuments as never);
  return { collection, embedder };
}
