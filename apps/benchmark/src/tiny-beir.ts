import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const topics = [
  ["solar", "Solar panels turn sunlight into electricity on rooftops."],
  ["wind", "Wind turbines spin to generate power offshore."],
  ["coffee", "Coffee beans are roasted and ground before brewing."],
  ["tea", "Green tea leaves are steamed to keep their colour."],
  ["cells", "Stem cells can differentiate into many tissue types."],
  ["vaccine", "Vaccines train the immune system against infections."],
] as const;

/**
 * Writes a small BEIR folder for tests: 6 topics × 5 documents; each query names its topic, and the
 * documents of that topic are judged relevant (grade 2 for the first, 1 for the others).
 */
export async function writeTinyBeir(directory: string): Promise<void> {
  await mkdir(join(directory, "qrels"), { recursive: true });
  const corpus: string[] = [];
  const queries: string[] = [];
  const qrels = ["query-id\tcorpus-id\tscore"];
  topics.forEach(([topic, sentence], topicIndex) => {
    for (let variant = 0; variant < 5; variant += 1) {
      const id = `${topic}-${variant}`;
      const text = `${sentence} Note ${variant} about ${topic} number ${variant * 7 + topicIndex}.`;
      corpus.push(JSON.stringify({ _id: id, title: `${topic} ${variant}`, text, metadata: {} }));
      qrels.push(`q-${topic}\t${id}\t${variant === 0 ? 2 : 1}`);
    }
    queries.push(JSON.stringify({ _id: `q-${topic}`, text: `what about ${topic}?` }));
  });
  queries.push(JSON.stringify({ _id: "q-unjudged", text: "not in the qrels" }));
  await writeFile(join(directory, "corpus.jsonl"), `${corpus.join("\n")}\n`);
  await writeFile(join(directory, "queries.jsonl"), `${queries.join("\n")}\n`);
  await writeFile(join(directory, "qrels", "test.tsv"), `${qrels.join("\n")}\n`);
}
