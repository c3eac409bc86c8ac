// Measures each new format's loader on a generated fixture (the figures in the README's format
// table): `pnpm --filter @hybrid-rag/loaders measure:formats`. Each file is loaded three times
// after a warm-up (the extraction thread started, its parsers loaded); the median is printed.
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFile } from "../src/load-file.ts";
import {
  createTestDocx,
  createTestEpub,
  createTestOdt,
  createTestPptx,
} from "../src/testing/index.ts";

const paragraphCount = 2_000;
const sentence = (i: number) =>
  `Paragraph ${i} says the harbour office opens at eight and the fuel dock closes at six, with berths ${i % 97} to ${(i % 97) + 3} reserved.`;
const paragraphs = Array.from({ length: paragraphCount }, (_, i) => sentence(i));

const folder = await mkdtemp(join(tmpdir(), "measure-formats-"));
const files: Record<string, Uint8Array | string> = {
  "book.docx": await createTestDocx({
    paragraphs: paragraphs.map((text, i) =>
      i % 20 === 0 ? { text: `Section ${i}`, style: "Heading1" } : text,
    ),
  }),
  "deck.pptx": await createTestPptx({
    slides: Array.from({ length: paragraphCount / 10 }, (_, s) => ({
      title: `Slide ${s}`,
      body: paragraphs.slice(s * 10, s * 10 + 10),
    })),
  }),
  "book.odt": await createTestOdt({ blocks: paragraphs }),
  "book.epub": await createTestEpub({
    title: "Book",
    chapters: Array.from({ length: 20 }, (_, c) => ({
      body: paragraphs
        .slice(c * 100, c * 100 + 100)
        .map((p) => `<p>${p}</p>`)
        .join("\n"),
    })),
  }),
  "rows.csv": `id,text,berth\n${paragraphs.map((p, i) => `${i},"${p}",${i % 97}`).join("\n")}\n`,
  "records.json": JSON.stringify(paragraphs.map((text, i) => ({ id: `r${i}`, text }))),
  "book.rst": paragraphs
    .map((p, i) => (i % 20 === 0 ? `Section ${i}\n${"=".repeat(12)}\n\n${p}` : `*${p}*`))
    .join("\n\n"),
};
try {
  console.log(`| file | bytes | documents | characters | load (median of 3) |`);
  console.log(`| --- | --- | --- | --- | --- |`);
  for await (const _ of loadFile(join(folder, "warm.txt"), "warm.txt")) void _;
  for (const [name, content] of Object.entries(files)) {
    const path = join(folder, name);
    await writeFile(path, content);
    const times: number[] = [];
    let documents = 0;
    let characters = 0;
    for (let run = 0; run < 4; run++) {
      const start = performance.now();
      documents = 0;
      characters = 0;
      for await (const result of loadFile(path, name)) {
        if (result.kind !== "document") throw new Error(`${name}: ${result.reason}`);
        documents++;
        characters += result.text.length;
      }
      if (run > 0) times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(
      `| ${name} | ${(await stat(path)).size} | ${documents} | ${characters} | ${times[1]!.toFixed(0)} ms |`,
    );
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
