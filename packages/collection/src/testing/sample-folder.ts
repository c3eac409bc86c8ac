import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestPdf } from "@hybrid-rag/loaders/testing";

/**
 * Sentences that appear only deep inside each sample file (past its first 512 tokens), with a
 * keyword `query` and a natural-language `question` that shares few words with the sentence
 * (for a real dense model: "seabird … alone … north pier … cold months" for "pelican …
 * solitary … northern jetty … winter").
 */
export const deepFacts = {
  pdf: {
    query: "zirconium calibration constant",
    question: "Which reading in millivolts did the appendix give for calibrating zirconium?",
    sentence: "The zirconium calibration constant measured in the annex is 7.31 millivolts.",
    page: 31,
  },
  html: {
    query: "lighthouse keeper pelican",
    question: "What seabird was seen alone on the north pier during the cold months?",
    sentence:
      "Every winter the lighthouse keeper counted one solitary pelican on the northern jetty.",
  },
  markdown: {
    query: "sourdough starter hydration",
    question: "How much water should the leaven for rye bread contain?",
    sentence: "Keep the sourdough starter hydration at exactly ninety percent for the rye variant.",
  },
} as const;

const topics = [
  "harbour logistics",
  "grain storage",
  "bridge inspection",
  "river sediment",
  "solar arrays",
  "railway signalling",
  "forest inventory",
  "water treatment",
];

/** Ordinary filler prose: varied enough to look like text, free of the deep facts' words. */
export function fillerParagraph(seed: number, sentences = 6): string {
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const topic = topics[(seed + i) % topics.length]!;
    parts.push(
      `Section ${seed} reviews ${topic} and notes that routine checks number ${seed * 7 + i} were completed on schedule by the regional team.`,
    );
  }
  return parts.join(" ");
}

/**
 * Writes a folder with a 40-page PDF, a long HTML article and a long Markdown file, each with
 * one fact far past its first 512 tokens. Returns the three paths.
 */
export async function writeSampleFolder(
  folder: string,
): Promise<{ pdf: string; html: string; markdown: string }> {
  const pages = Array.from({ length: 40 }, (_, index) => {
    const number = index + 1;
    const body = [
      fillerParagraph(number * 3),
      fillerParagraph(number * 3 + 1),
      fillerParagraph(number * 3 + 2),
    ];
    if (number === deepFacts.pdf.page) body.splice(1, 0, deepFacts.pdf.sentence);
    return `Page ${number} of the annual engineering report.\n\n${body.join("\n\n")}`;
  });
  const pdf = join(folder, "engineering-report.pdf");
  await writeFile(pdf, await createTestPdf({ title: "Annual engineering report", pages }));

  const articleParagraphs = Array.from(
    { length: 30 },
    (_, index) => `<p>${fillerParagraph(200 + index)}</p>`,
  );
  articleParagraphs.splice(
    24,
    0,
    `<h2>Coastal notes</h2><p>${deepFacts.html.sentence} ${fillerParagraph(999, 2)}</p>`,
  );
  const html = join(folder, "coast-article.html");
  await writeFile(
    html,
    `<!doctype html><html><head><title>Coast | Regional news</title></head><body>
<nav><a href="/">Home</a> <a href="/archive">Archive</a></nav>
<article><h1>A year on the coast</h1>${articleParagraphs.join("\n")}</article>
<footer>Regional news footer, all rights reserved</footer></body></html>`,
  );

  const sections = Array.from(
    { length: 12 },
    (_, index) =>
      `## Chapter ${index + 1}\n\n${fillerParagraph(500 + index)}\n\n${fillerParagraph(600 + index)}`,
  );
  sections.splice(
    10,
    0,
    `## Baking notes\n\n${deepFacts.markdown.sentence}\n\n${fillerParagraph(700)}`,
  );
  const markdown = join(folder, "kitchen-guide.md");
  await writeFile(markdown, `# Kitchen guide\n\n${sections.join("\n\n")}\n`);
  return { pdf, html, markdown };
}
