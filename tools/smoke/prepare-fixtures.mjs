// Smoke test of the packed tarballs, step 1 (runs in the scratch app, on the installed packages):
// writes a tiny random-weight cross-encoder and bi-encoder with @hybrid-rag/models/testing and a
// small BEIR folder. Usage: node prepare-fixtures.mjs FOLDER VOCABULARY_FILE
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTinyBertModel } from "@hybrid-rag/models/testing";

const [folder, vocabularyPath] = process.argv.slice(2);
if (!folder || !vocabularyPath) {
  console.error("usage: node prepare-fixtures.mjs FOLDER VOCABULARY_FILE");
  process.exit(2);
}
await createTinyBertModel(join(folder, "cross-encoder"), { kind: "cross-encoder", vocabularyPath });
await createTinyBertModel(join(folder, "bi-encoder"), {
  kind: "bi-encoder",
  pooling: "mean",
  normalize: true,
  vocabularyPath,
});

const topics = {
  solar: "Solar panels turn sunlight into electricity on rooftops.",
  coffee: "Coffee beans are roasted and ground before brewing.",
  vaccine: "Vaccines train the immune system against infections.",
};
const beir = join(folder, "beir");
await mkdir(join(beir, "qrels"), { recursive: true });
const corpus = [];
const queries = [];
const qrels = ["query-id\tcorpus-id\tscore"];
for (const [topic, sentence] of Object.entries(topics)) {
  for (let variant = 0; variant < 3; variant += 1) {
    const id = `${topic}-${variant}`;
    corpus.push(JSON.stringify({ _id: id, title: topic, text: `${sentence} Note ${variant}.` }));
    qrels.push(`q-${topic}\t${id}\t1`);
  }
  queries.push(JSON.stringify({ _id: `q-${topic}`, text: `what about ${topic}?` }));
}
await writeFile(join(beir, "corpus.jsonl"), `${corpus.join("\n")}\n`);
await writeFile(join(beir, "queries.jsonl"), `${queries.join("\n")}\n`);
await writeFile(join(beir, "qrels", "test.tsv"), `${qrels.join("\n")}\n`);
console.log(`fixtures in ${folder}: cross-encoder/, bi-encoder/, beir/`);
