import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoadedDocument, loadFolder } from "@hybrid-rag/loaders";
import { createTestPdf } from "@hybrid-rag/loaders/testing";
import { getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Chunk } from "./chunk.ts";
import { createChunker } from "./chunk-document.ts";

// Files written the way real ones are: indentation, tabs, CRLF, runs of spaces, non-ASCII
// (2-, 3- and 4-byte UTF-8), markup, entities, permalink marks.
const text = [
  "git-add(1)",
  "==========",
  "",
  "NAME",
  "----",
  "git-add - Add file contents to the index",
  "",
  "SYNOPSIS",
  "--------",
  "   git add [--verbose | -v] [--dry-run | -n]  [--force | -f]\t[--interactive | -i]",
  "\t  [--patch | -p] [--edit | -e] [--[no-]all]   [--[no-]ignore-removal |",
  "",
  "DESCRIPTION",
  "-----------",
  "This command updates the index using the current content found in the working tree, to",
  "prepare the content staged for the next commit. It typically adds the current content of",
  "existing paths as a whole, but with some options it can also be used to add content with",
  "only part of the changes made to the working tree files applied — café, naïve, 𝄞 clef.",
  "",
  '   The "index" holds a snapshot of the content of the working tree, and it is this',
  "   snapshot that is taken as the contents of the next commit. Thus after making any",
  "   changes to the working tree, and before running the commit command, you must use",
  "   the add command to add any new or modified files to the index.",
].join("\r\n");

const markdown = `# Field guide ¶

Intro paragraph with **bold words** and a [link to the site](https://example.org) &amp; more \\*escaped\\* text.
It continues on a second line with \`inline code\` and an ![diagram of birds](birds.png) image.

## Birds 🔗

- Robin, a small bird with a red breast that sings through the winter.
- Wren, a tiny brown bird with a loud song and a cocked tail.

> A quoted paragraph about the migration of birds across the sea in autumn and spring.

\`\`\`sh
echo "code block stays verbatim"
ls -la   /tmp
\`\`\`

Final paragraph: naïve café owners watch 🐦 birds all day long, counting them carefully.
`;

const html = `<!doctype html><html><head><meta charset="utf-8"><title>Tides | Site</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<article>
  <h1>How tides work<a class="headerlink" href="#how" title="Permalink">¶</a></h1>
  <p>The moon pulls the oceans toward it &amp; the water bulges on the near side of the
     planet. <b>Twice a day</b> the tide rises and falls &mdash; a rhythm sailors have
     known for centuries. ${"The sun adds its own, smaller pull on the oceans. ".repeat(4)}</p>
  <h2>Spring tides<a class="headerlink" href="#spring">¶</a></h2>
  <p>When the sun and moon line up, their pulls add &lt;together&gt; and the tidal range is
     largest.<br>Neap tides come at the quarter moons, when the pulls partly cancel.</p>
  <ul><li>High water twice a day</li><li>Low water twice a day, café hours</li></ul>
</article>
<footer>Copyright footer</footer></body></html>`;

const records = [
  {
    _id: "r1",
    title: "One",
    text: "A record's text is kept as written.\nEven its line breaks, and “quotes”.",
  },
  {
    _id: "r2",
    text: "Second record about tides and the moon, 🌊 waves included, with more words.",
  },
]
  .map((record) => JSON.stringify(record))
  .join("\n");

const pdfPages = [
  "Preface text on a front matter page, numbered in roman.",
  "Contents: tides, moons, and waves, listed on the second roman page.",
  `Chapter one begins here. ${"The moon pulls the sea toward it. ".repeat(8)}\n\nA second paragraph follows on the first arabic page.`,
  `Chapter two continues. ${"Spring tides come when sun and moon line up. ".repeat(8)}`,
];

let folder: string;
const documents = new Map<string, LoadedDocument>();

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "source-spans-"));
  await writeFile(join(folder, "git-add.txt"), text);
  await writeFile(join(folder, "guide.md"), markdown);
  await writeFile(join(folder, "tides.html"), html);
  await writeFile(join(folder, "records.jsonl"), records);
  await writeFile(
    join(folder, "latin1.txt"),
    Buffer.from("Caf\xe9 cr\xe8me, br\xfbl\xe9e.\n\n  Second  paragraph \xe0 la carte.", "latin1"),
  );
  await writeFile(
    join(folder, "utf16.txt"),
    Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("Première ligne.\r\n\r\n   Deuxième\tparagraphe 🌊 ici.", "utf16le"),
    ]),
  );
  await writeFile(
    join(folder, "report.pdf"),
    await createTestPdf({
      title: "Report",
      pages: pdfPages,
      pageLabels: [
        { page: 1, style: "r" },
        { page: 3, style: "D" },
      ],
    }),
  );
  for await (const result of loadFolder(folder)) {
    if (result.kind === "document") documents.set(result.id, result);
  }
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Whitespace is compared collapsed (the loaders' documented normalisation). */
function squash(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

function lineOf(original: string, offset: number): number {
  return original.slice(0, offset).split(/\r\n|\n|\r/).length;
}

function chunksOf(id: string, maxTokens: number): Chunk[] {
  const document = documents.get(id);
  if (!document) throw new Error(`${id} was not loaded`);
  return createChunker({ maxTokens, overlapTokens: 2 }).chunk(document).chunks;
}

/** Extracts a slice of an original file the way the loader extracts the whole file. */
async function extract(name: string, slice: string): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "slice-"));
  try {
    await writeFile(join(scratch, name), slice);
    for await (const result of loadFolder(scratch)) {
      if (result.kind === "document") return result.text;
    }
    return "";
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

describe("every chunk records its span in the original file", () => {
  // Chunk sizes that cut between sentences and blocks (word-level cuts inside Markdown inline
  // markup are checked for tightness below: extracting "link](url)" cannot give "link").
  for (const [id, encoding, sizes] of [
    ["git-add.txt", "utf-8", [8, 24, 400]],
    ["guide.md", "utf-8", [40, 400]],
    ["tides.html", "utf-8", [8, 24, 400]],
    ["latin1.txt", "windows-1252", [8, 400]],
    ["utf16.txt", "utf-16le", [8, 400]],
  ] as const) {
    it(`${id}: the file's characters and bytes at the span extract to the chunk's text; lines are the file's`, async () => {
      const bytes = await readFile(join(folder, id));
      const original =
        documents.get(id)!.encoding === encoding ? new TextDecoder(encoding).decode(bytes) : "";
      expect(original).not.toBe("");
      for (const maxTokens of sizes) {
        const chunks = chunksOf(id, maxTokens);
        expect(chunks.length).toBeGreaterThan(0);
        for (const chunk of chunks) {
          const meta = chunk.metadata;
          const slice = original.slice(meta.sourceCharStart!, meta.sourceCharEnd!);
          expect(squash(await extract(id, slice)), `${chunk.id} at ${maxTokens} tokens`).toBe(
            squash(chunk.text),
          );
          const byBytes = new TextDecoder(encoding, { ignoreBOM: true }).decode(
            bytes.subarray(meta.sourceByteStart!, meta.sourceByteEnd!),
          );
          expect(byBytes).toBe(slice);
          expect(meta.sourceLineStart).toBe(lineOf(original, meta.sourceCharStart!));
          expect(meta.sourceLineEnd).toBe(lineOf(original, meta.sourceCharEnd! - 1));
        }
      }
    });
  }

  it("txt: a chunk inside a paragraph maps to exactly its characters (as tight as the text allows)", () => {
    const original = text;
    for (const chunk of chunksOf("git-add.txt", 8)) {
      const meta = chunk.metadata;
      const slice = original.slice(meta.sourceCharStart!, meta.sourceCharEnd!);
      // Plain text has no markup: the slice is the chunk's text with the file's own whitespace.
      expect(squash(slice.replace(/^-+$|^=+$/gm, ""))).toBe(squash(chunk.text));
    }
  });

  it("md: at any chunk size, a span holds the chunk's characters in order and starts and ends on them inside blocks", () => {
    const document = documents.get("guide.md")!;
    const blockStarts = new Set(document.segments!.map((segment) => segment.start));
    const blockEnds = new Set(document.segments!.map((segment) => segment.end));
    for (const maxTokens of [8, 12, 24]) {
      for (const chunk of chunksOf("guide.md", maxTokens)) {
        const meta = chunk.metadata;
        const slice = markdown.slice(meta.sourceCharStart!, meta.sourceCharEnd!);
        let at = 0;
        for (const char of chunk.text.replace(/\s+/g, "")) {
          at = slice.indexOf(char, at);
          expect(at, `${chunk.id}: "${char}" in "${slice}"`).toBeGreaterThanOrEqual(0);
          at += char.length;
        }
        if (!blockStarts.has(meta.start)) expect(slice[0]).toBe(chunk.text[0]);
        if (!blockEnds.has(meta.end)) expect(slice.at(-1)).toBe(chunk.text.at(-1));
      }
    }
  });

  it("jsonl: the line and the span in the line's text field", async () => {
    const lines = (await readFile(join(folder, "records.jsonl"), "utf8")).split("\n");
    for (const id of ["r1", "r2"]) {
      for (const chunk of chunksOf(id, 8)) {
        const meta = chunk.metadata;
        expect(meta.sourceLineStart).toBe(meta.sourceLineEnd);
        const field: string = JSON.parse(lines[meta.sourceLineStart! - 1]!).text;
        expect(field.slice(meta.sourceCharStart!, meta.sourceCharEnd!)).toBe(chunk.text);
        const fieldBytes = Buffer.from(field, "utf8");
        expect(
          fieldBytes.subarray(meta.sourceByteStart!, meta.sourceByteEnd!).toString("utf8"),
        ).toBe(chunk.text);
      }
    }
  });

  it("pdf: the physical page, its printed label, and the span in the page text", async () => {
    const pdf = await getDocumentProxy(new Uint8Array(await readFile(join(folder, "report.pdf"))));
    const pageTexts: string[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const content = await (await pdf.getPage(number)).getTextContent();
      pageTexts.push(
        content.items
          .map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : ""))
          .join(""),
      );
    }
    const chunks = chunksOf("report.pdf", 12);
    const labels = chunks.map((chunk) => [chunk.metadata.pageStart, chunk.metadata.pageLabelStart]);
    expect(labels).toContainEqual([1, "i"]);
    expect(labels).toContainEqual([2, "ii"]);
    expect(labels).toContainEqual([3, "1"]);
    expect(labels).toContainEqual([4, "2"]);
    for (const chunk of chunks) {
      const { pageStart, pageEnd, sourceCharStart, sourceCharEnd, sourceLineStart } =
        chunk.metadata;
      expect(sourceLineStart).toBeNull();
      const first = pageTexts[pageStart! - 1]!;
      const slice =
        pageStart === pageEnd
          ? first.slice(sourceCharStart!, sourceCharEnd!)
          : `${first.slice(sourceCharStart!)}\n\n${pageTexts.slice(pageStart!, pageEnd! - 1).join("\n\n")}\n\n${pageTexts[pageEnd! - 1]!.slice(0, sourceCharEnd!)}`;
      expect(squash(slice), chunk.id).toBe(squash(chunk.text));
      const bytes = Buffer.from(first, "utf8");
      if (pageStart === pageEnd) {
        expect(
          bytes
            .subarray(chunk.metadata.sourceByteStart!, chunk.metadata.sourceByteEnd!)
            .toString("utf8"),
        ).toBe(slice);
      }
    }
    await pdf.loadingTask.destroy();
  });

  it("a document without segments (a plain Document) gets null spans", () => {
    const [chunk] = createChunker().chunk({ id: "plain", text: "Just text." }).chunks;
    expect(chunk!.metadata).toMatchObject({
      sourceCharStart: null,
      sourceByteStart: null,
      sourceLineStart: null,
      pageLabelStart: null,
    });
  });
});
