import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFile } from "./load-file.ts";
import type { LoadedDocument } from "./loaded-document.ts";
import { withoutPermalinkMarks } from "./permalink-marks.ts";
import { createTestPdf } from "./testing/create-test-pdf.ts";

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "headings-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function load(name: string, content: string | Uint8Array): Promise<LoadedDocument> {
  await writeFile(join(folder, name), content);
  for await (const result of loadFile(join(folder, name), name)) {
    if (result.kind === "document") return result;
    throw new Error(`${name} skipped: ${result.reason}`);
  }
  throw new Error(`${name} gave nothing`);
}

const headingsOf = (document: LoadedDocument) =>
  document.headings.map(({ level, text, start }) => ({
    level,
    text,
    at: document.text.slice(start, start + text.length),
  }));

describe("headings of plain text", () => {
  it("reads AsciiDoc / reStructuredText underlined titles, levels in order of first use", async () => {
    const document = await load(
      "git-add.txt",
      [
        "git-add(1)",
        "==========",
        "",
        "NAME",
        "----",
        "git-add - Add file contents to the index",
        "",
        "Options in detail",
        "~~~~~~~~~~~~~~~~",
        "Text under a third-level title.",
        "",
        "SYNOPSIS",
        "--------",
        "git add [--verbose]",
      ].join("\n"),
    );
    expect(headingsOf(document)).toEqual([
      { level: 1, text: "git-add(1)", at: "git-add(1)" },
      { level: 2, text: "NAME", at: "NAME" },
      { level: 3, text: "Options in detail", at: "Options in detail" },
      { level: 2, text: "SYNOPSIS", at: "SYNOPSIS" },
    ]);
    // The underlines are markup, not text.
    expect(document.text).not.toMatch(/----|====|~~~~/);
    expect(document.text).toContain("Text under a third-level title.");
  });

  it("takes an overlined title as its own level (reStructuredText)", async () => {
    const document = await load(
      "overline.txt",
      ["=======", " Title", "=======", "", "Section", "=======", "", "Body text."].join("\n"),
    );
    // " Title" starts with a space: reST allows it under an overline; we do not (column 0 only).
    expect(headingsOf(document).map((h) => h.text)).toEqual(["Section"]);
    const second = await load(
      "overline2.txt",
      ["=====", "Title", "=====", "", "Section", "=======", "", "Body text."].join("\n"),
    );
    expect(headingsOf(second)).toEqual([
      { level: 1, text: "Title", at: "Title" },
      { level: 2, text: "Section", at: "Section" },
    ]);
  });

  it("reads man page sections: a capitalised line at column 0 followed by indented text", async () => {
    const document = await load(
      "ls.txt",
      [
        "LS(1)                    User Commands                   LS(1)",
        "",
        "NAME",
        "       ls - list directory contents",
        "",
        "SYNOPSIS",
        "       ls [OPTION]... [FILE]...",
        "",
        "SEE ALSO",
        "",
        "       Full documentation <https://www.gnu.org/software/coreutils/ls>",
        "",
        "NOTE: THIS LINE IS SHOUTED BUT NOT A TITLE.",
        "Ordinary text follows it.",
      ].join("\n"),
    );
    expect(headingsOf(document)).toEqual([
      { level: 1, text: "NAME", at: "NAME" },
      { level: 1, text: "SYNOPSIS", at: "SYNOPSIS" },
      { level: 1, text: "SEE ALSO", at: "SEE ALSO" },
    ]);
  });

  it("does not take a rule under a longer line, or a dash list, for a title", async () => {
    const document = await load(
      "rules.txt",
      ["A long line of prose that goes on", "---", "", "- item one", "- item two"].join("\n"),
    );
    expect(document.headings).toEqual([]);
  });
});

describe("permalink marks", () => {
  it("drops the marks documentation generators add, keeps C#", () => {
    expect(withoutPermalinkMarks("Installation¶")).toBe("Installation");
    expect(withoutPermalinkMarks("Installation ¶")).toBe("Installation");
    expect(withoutPermalinkMarks("Usage 🔗")).toBe("Usage");
    expect(withoutPermalinkMarks("Usage\u200b")).toBe("Usage");
    expect(withoutPermalinkMarks("# Anchored title")).toBe("Anchored title");
    expect(withoutPermalinkMarks("Options #")).toBe("Options");
    expect(withoutPermalinkMarks("Learn C#")).toBe("Learn C#");
    expect(withoutPermalinkMarks("§ 4.2 Scope")).toBe("4.2 Scope");
  });

  it("cleans HTML headings (Sphinx headerlink) in the hints and in the text", async () => {
    const document = await load(
      "sphinx.html",
      `<html><head><title>t</title></head><body><div class="body">
<h1>Built-in Functions<a class="headerlink" href="#built-in-functions" title="Link to this heading">¶</a></h1>
<p>The Python interpreter has a number of functions and types built into it that are always available.</p>
<h2>abs(x)<a class="headerlink" href="#abs" title="Permalink">🔗</a></h2>
<p>Return the absolute value of a number. The argument may be an integer or a float.</p>
</div></body></html>`,
    );
    expect(document.headings.map((h) => h.text)).toEqual(["Built-in Functions", "abs(x)"]);
    expect(document.text).not.toMatch(/¶|🔗/);
  });

  it("keeps the title heading Readability drops, and drops self-links of definitions", async () => {
    const document = await load(
      "functions.html",
      `<!DOCTYPE html><html><head><title>Built-in Functions — Python 3.12.1 documentation</title></head><body>
<div class="related"><ul><li><a href="index.html">Python</a> »</li></ul></div>
<div class="body" role="main"><section id="built-in-functions">
<h1>Built-in Functions<a class="headerlink" href="#built-in-functions" title="Link to this heading">¶</a></h1>
<p>The Python interpreter has a number of functions and types built into it that are always available. They are listed here in alphabetical order.</p>
<p>More text about functions, enough words to make this an article for the reader view to pick up as the main content.</p>
<dl class="py function"><dt class="sig sig-object py" id="abs"><span class="sig-name descname">abs</span>(x)<a class="headerlink" href="#abs" title="Link to this definition">¶</a></dt>
<dd><p>Return the absolute value of a number. The argument may be an integer or a floating-point number.</p></dd></dl>
</section></div></body></html>`,
    );
    expect(headingsOf(document)).toEqual([
      { level: 1, text: "Built-in Functions", at: "Built-in Functions" },
    ]);
    expect(document.text).toContain("\n\nabs(x)\n\nReturn the absolute value");
    expect(document.text).not.toContain("¶");
    expect(document.text).not.toContain("Python 3.12.1 documentation");
  });

  it("cleans Markdown headings the same way", async () => {
    const document = await load(
      "mkdocs.md",
      "# Guide ¶\n\nIntro text.\n\n## Setup 🔗\n\nMore text.\n",
    );
    expect(document.title).toBe("Guide");
    expect(document.headings.map((h) => h.text)).toEqual(["Guide", "Setup"]);
  });
});

describe("PDF outline and page labels", () => {
  it("takes bookmarks as headings at the paragraph they point to, with their depth as level", async () => {
    const pdf = await createTestPdf({
      pages: [
        "Front matter text.",
        "Chapter one opens.\n\nSection one point one starts here with its words.",
        "Chapter two opens on this page.",
      ],
      outline: [
        {
          title: "Chapter 1 ¶",
          page: 2,
          children: [{ title: "1.1 Details", page: 2, paragraph: 1 }],
        },
        { title: "Chapter 2", page: 3 },
      ],
      pageLabels: [
        { page: 1, style: "r" },
        { page: 2, style: "D", prefix: "A-" },
      ],
    });
    const document = await load("book.pdf", pdf);
    expect(document.headings.map(({ level, text }) => ({ level, text }))).toEqual([
      { level: 1, text: "Chapter 1" },
      { level: 2, text: "1.1 Details" },
      { level: 1, text: "Chapter 2" },
    ]);
    const at = document.headings.map((h) => document.text.slice(h.start, h.start + 16));
    expect(at).toEqual(["Chapter one open", "Section one poin", "Chapter two open"]);
    expect(document.pages.map((page) => [page.number, page.label])).toEqual([
      [1, "i"],
      [2, "A-1"],
      [3, "A-2"],
    ]);
  });

  it("a PDF without labels or outline has neither", async () => {
    const document = await load("plain.pdf", await createTestPdf({ pages: ["One page."] }));
    expect(document.headings).toEqual([]);
    expect(document.pages).toEqual([{ number: 1, start: 0, end: 9 }]);
  });
});
