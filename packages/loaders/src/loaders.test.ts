import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFolder } from "./load-folder.ts";
import type { LoadedDocument, LoadResult, SkippedSource } from "./loaded-document.ts";
import { createTestPdf } from "./testing/create-test-pdf.ts";

let folder: string;
let outside: string;

const article = `<!doctype html><html><head><title>Site | Tides</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/shop">Shop</a></nav>
<article><h1>How tides work</h1>
<p>${"The moon pulls the oceans toward it, and the water bulges on the near side of the planet. ".repeat(6)}</p>
<h2>Spring tides</h2>
<p>${"When the sun and moon line up, their pulls add and the tidal range is largest. ".repeat(6)}</p>
<ul><li>High water twice a day</li><li>Low water twice a day</li></ul>
</article>
<footer>Copyright footer text that is not content</footer></body></html>`;

const markdown = `# Field guide

Intro paragraph with **bold** and a [link](https://example.org).

## Birds

- Robin
- Wren

\`\`\`
code block stays verbatim
\`\`\`
`;

async function collect(results: AsyncIterable<LoadResult>): Promise<LoadResult[]> {
  const all: LoadResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "loaders-"));
  await writeFile(join(folder, "tides.html"), article);
  await writeFile(join(folder, "guide.md"), markdown);
  await writeFile(
    join(folder, "notes.txt"),
    "First paragraph.\n\nSecond   paragraph\twith spaces.",
  );
  await writeFile(join(folder, "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await writeFile(join(folder, "broken.pdf"), "this is not a pdf");
  await writeFile(
    join(folder, "records.jsonl"),
    '{"id":"r1","text":"one","title":"T"}\n{"text":"no id"}\nnot json\n',
  );
  const pages = Array.from(
    { length: 3 },
    (_, page) => `Page ${page + 1} text about topic ${page + 1}.`,
  );
  await writeFile(
    join(folder, "report.pdf"),
    await createTestPdf({ title: "Quarterly report", pages }),
  );
  await mkdir(join(folder, "nested"));
  await writeFile(join(folder, "nested", "inner.txt"), "inner text");
  await symlink(join(folder, "nested"), join(folder, "loop-to-nested"));
  await symlink(folder, join(folder, "nested", "back-to-root"));
  await symlink(join(folder, "missing.txt"), join(folder, "dangling.txt"));
  outside = await mkdtemp(join(tmpdir(), "loaders-outside-"));
  await writeFile(join(outside, "elsewhere.txt"), "text outside the loaded folder");
  await symlink(outside, join(folder, "outside-link"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe("loadFolder", () => {
  it("loads every supported file and reports every other one by name with a reason", async () => {
    const results = await collect(loadFolder(folder));
    const documents = results.filter((r): r is LoadedDocument => r.kind === "document");
    const skipped = results.filter((r): r is SkippedSource => r.kind === "skipped");
    expect(documents.map((d) => d.id).sort()).toEqual(
      [
        "guide.md",
        "loop-to-nested/inner.txt",
        "notes.txt",
        "r1",
        "report.pdf",
        "tides.html",
      ].sort(),
    );
    const reasons = Object.fromEntries(
      skipped.map((s) => [s.source.replace(`${folder}/`, ""), s.reason]),
    );
    expect(reasons["image.png"]).toMatch(/unsupported file type ".png"/);
    expect(reasons["broken.pdf"]).toMatch(/not a PDF \(no %PDF- header/);
    expect(reasons["outside-link"]).toMatch(
      /outside the loaded folder \(pass followSymlinks: true/,
    );
    expect(reasons["dangling.txt"]).toMatch(/broken symbolic link/);
    expect(reasons["records.jsonl:2"]).toMatch(/needs an "_id" or "id"/);
    expect(reasons["records.jsonl:3"]).toMatch(/not valid JSON/);
    // nested/ was reached through the link first (sorted order); the real folder is then a loop.
    expect(reasons.nested).toMatch(/link loop/);
    expect(reasons["loop-to-nested/back-to-root"]).toMatch(/link loop/);
    expect(skipped).toHaveLength(8);
  });

  it("keeps PDF pages with their offsets and the PDF title", async () => {
    const results = await collect(loadFolder(folder));
    const pdf = results.find(
      (r): r is LoadedDocument => r.kind === "document" && r.format === "pdf",
    )!;
    expect(pdf.title).toBe("Quarterly report");
    expect(pdf.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    for (const page of pdf.pages) {
      expect(pdf.text.slice(page.start, page.end)).toContain(`topic ${page.number}`);
    }
  });

  it("extracts the main content of HTML with its headings, without navigation or footer", async () => {
    const results = await collect(loadFolder(folder));
    const html = results.find(
      (r): r is LoadedDocument => r.kind === "document" && r.format === "html",
    )!;
    expect(html.text).toContain("The moon pulls the oceans");
    expect(html.text).toContain("High water twice a day");
    expect(html.text).not.toContain("About us");
    expect(html.text).not.toContain("Copyright footer");
    expect(html.headings.map((h) => [h.level, h.text])).toContainEqual([2, "Spring tides"]);
    for (const heading of html.headings) {
      expect(html.text.slice(heading.start, heading.start + heading.text.length)).toBe(
        heading.text,
      );
    }
  });

  it("turns Markdown into plain text with headings, title and verbatim code", async () => {
    const results = await collect(loadFolder(folder));
    const md = results.find(
      (r): r is LoadedDocument => r.kind === "document" && r.format === "md",
    )!;
    expect(md.title).toBe("Field guide");
    expect(md.text).toContain("Intro paragraph with bold and a link.");
    expect(md.text).not.toContain("**");
    expect(md.text).toContain("code block stays verbatim");
    expect(
      md.headings.map((h) => [h.level, h.text, md.text.slice(h.start, h.start + h.text.length)]),
    ).toEqual([
      [1, "Field guide", "Field guide"],
      [2, "Birds", "Birds"],
    ]);
  });

  it("follows a link outside the folder only when asked", async () => {
    const results = await collect(loadFolder(folder, { followSymlinks: true }));
    const documents = results.filter((r): r is LoadedDocument => r.kind === "document");
    expect(documents.map((d) => d.id)).toContain("outside-link/elsewhere.txt");
    expect(documents.map((d) => d.id)).toContain("loop-to-nested/inner.txt");
  });

  it("rejects a folder that does not exist with a clear error", async () => {
    await expect(collect(loadFolder(join(folder, "nope")))).rejects.toThrow(
      /Pass an existing directory/,
    );
  });
});
