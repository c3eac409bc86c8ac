import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSegmentsPointIntoSource } from "./formats.test.helper.ts";
import { loadFolder } from "./load-folder.ts";
import type { LoadedDocument, LoadResult, SkippedSource } from "./loaded-document.ts";
import { createTestDocx } from "./testing/create-test-docx.ts";
import { createTestEpub } from "./testing/create-test-epub.ts";
import { createTestOdt } from "./testing/create-test-odt.ts";
import { createTestPptx } from "./testing/create-test-pptx.ts";

let folder: string;
const results: LoadResult[] = [];
const documents = (format: string) =>
  results.filter((r): r is LoadedDocument => r.kind === "document" && r.format === format);
const one = (id: string) => {
  const found = results.find((r): r is LoadedDocument => r.kind === "document" && r.id === id);
  expect(
    found,
    `${id}: ${JSON.stringify(results.map((r) => (r.kind === "document" ? r.id : r)))}`,
  ).toBeDefined();
  return found!;
};

const rst = `=============
 Tide tables
=============

:Author: Harbour office

Introduction
============

The *tide* rises **twice** a day; see \`the almanac <https://example.org>\`_
and the \`\`tide-table\`\` command, or footnote [1]_.

- Spring tides follow a new moon.
- Neap tides follow a quarter
  moon, a week later.

.. note:: Check the gauge before sailing.

   The gauge is at the harbour mouth.

.. image:: gauge.png
   :alt: not text

.. This is a comment that stays out.

Reading a table
---------------

Each row is one high water::

    06:12  4.1 m
    18:40  3.9 m

.. code-block:: console

   $ tide-table --port Brest

.. [1] Footnotes count too.
`;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "loaders-formats-"));
  await writeFile(
    join(folder, "handbook.docx"),
    await createTestDocx({
      title: "Harbour handbook",
      paragraphs: [
        { text: "Harbour handbook", style: "Title" },
        { text: "Mooring", style: "Heading1" },
        "Boats moor at the east quay. Fees are paid at the office & the kiosk.",
        { text: "Fuel", style: "Heading2" },
        "Diesel\tis sold by the litre.\nPetrol is not sold.",
      ],
      table: [
        ["Berth", "Length"],
        ["A1", "12 m <max>"],
      ],
    }),
  );
  await writeFile(
    join(folder, "briefing.pptx"),
    await createTestPptx({
      title: "Crew briefing",
      slides: [
        {
          title: "Safety first",
          body: ["Life jackets on deck", "Radio check at 08:00\ncall sign Osprey"],
          notes: "Mention the new flares.",
        },
        { title: "Route", body: ["Out past the lighthouse & back"] },
      ],
    }),
  );
  await writeFile(
    join(folder, "minutes.odt"),
    await createTestOdt({
      title: "Club minutes",
      blocks: [
        { text: "Club minutes", level: 1 },
        "The committee met on Tuesday.  Twelve members\tattended.",
        { text: "Regatta", level: 2 },
        "The regatta moves to June <provisionally>\nif the harbour agrees.",
      ],
    }),
  );
  await writeFile(
    join(folder, "pilot.epub"),
    await createTestEpub({
      title: "Coastal pilot",
      chapters: [
        {
          body: `<h1>Approaches</h1>
<p>Enter between the <em>red</em> and green buoys &amp; keep to starboard.</p>
<div>Loose text in a division<p>A paragraph inside it.</p>trailing words</div>`,
        },
        {
          body: `<section><h2>Anchorages</h2><ul><li>North bay: sand</li><li>South bay: weed<br/>poor holding</li></ul></section>
<div\n><p\nclass="docbook"\n>Tags <a\nhref="#x"\n>closed</a\n> on the next line, as DocBook writes them.</p\n><p\n>A second one.</p\n></div\n>`,
        },
      ],
    }),
  );
  await writeFile(
    join(folder, "berths.csv"),
    'berth,length,notes\nA1,12 m,"near the fuel dock, \ndeep"\n\nB2,9 m,\nC3,15 m,"quoted ""shelter"" berth"\n',
  );
  await writeFile(join(folder, "tides.tsv"), "port\thigh water\nBrest\t06:12\nRoscoff\t06:40");
  await writeFile(
    join(folder, "faq.json"),
    JSON.stringify(
      [
        { id: "faq-1", title: "Showers", text: "Showers are by the office.\nCode: 1234 \u00e9" },
        { id: "faq-2", text: 'Wi-Fi reaches the "outer" pontoons.' },
        { text: "no id: indexed by position" },
        { id: "faq-4", title: "no text" },
      ],
      null,
      2,
    ),
  );
  await writeFile(
    join(folder, "glossary.json"),
    '{"ebb": {"text": "The falling tide."}, "flood": {"text": "The rising tide.", "title": "Flood"}}',
  );
  await writeFile(join(folder, "tides.rst"), rst);
  await writeFile(join(folder, "settings.json"), '{"editor": "vim", "tabs": 2}');
  for await (const result of loadFolder(folder)) results.push(result);
}, 60_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("docx, pptx, odt, epub", () => {
  it("reads a Word document's paragraphs, table cells, headings and title", async () => {
    const docx = one("handbook.docx");
    expect(docx.title).toBe("Harbour handbook");
    expect(docx.text).toBe(
      "Harbour handbook\n\nMooring\n\nBoats moor at the east quay. Fees are paid at the office & the kiosk.\n\nFuel\n\nDiesel is sold by the litre.\nPetrol is not sold.\n\nBerth\n\nLength\n\nA1\n\n12 m <max>",
    );
    expect(docx.headings.map((h) => [h.level, h.text])).toEqual([
      [1, "Harbour handbook"],
      [1, "Mooring"],
      [2, "Fuel"],
    ]);
    expect(docx.segments?.every((s) => s.entry === "word/document.xml")).toBe(true);
    expect(await expectSegmentsPointIntoSource(docx)).toBe(9);
  });

  it("reads slides in presentation order, titles as headings, notes, slides as pages", async () => {
    const pptx = one("briefing.pptx");
    expect(pptx.title).toBe("Crew briefing");
    expect(pptx.text).toBe(
      "Safety first\n\nLife jackets on deck\nRadio check at 08:00\ncall sign Osprey\n\nMention the new flares.\n\nRoute\n\nOut past the lighthouse & back",
    );
    expect(pptx.headings.map((h) => h.text)).toEqual(["Safety first", "Route"]);
    expect(
      pptx.pages.map((p) => [p.number, pptx.text.slice(p.start, p.end).split("\n")[0]]),
    ).toEqual([
      [1, "Safety first"],
      [2, "Route"],
    ]);
    // Slide 1 is the presentation's first, stored as slide2.xml.
    expect(pptx.segments?.map((s) => s.entry)).toEqual([
      "ppt/slides/slide2.xml",
      "ppt/slides/slide2.xml",
      "ppt/notesSlides/notesSlide2.xml",
      "ppt/slides/slide1.xml",
      "ppt/slides/slide1.xml",
    ]);
    expect(await expectSegmentsPointIntoSource(pptx)).toBe(5);
  });

  it("reads an OpenDocument text's headings, paragraphs, spaces, tabs and line breaks", async () => {
    const odt = one("minutes.odt");
    expect(odt.title).toBe("Club minutes");
    expect(odt.text).toBe(
      "Club minutes\n\nThe committee met on Tuesday. Twelve members attended.\n\nRegatta\n\nThe regatta moves to June <provisionally>\nif the harbour agrees.",
    );
    expect(odt.headings.map((h) => [h.level, h.text])).toEqual([
      [1, "Club minutes"],
      [2, "Regatta"],
    ]);
    expect(await expectSegmentsPointIntoSource(odt)).toBe(4);
  });

  it("reads an EPUB's spine chapters in order through HTML's block rules", async () => {
    const epub = one("pilot.epub");
    expect(epub.title).toBe("Coastal pilot");
    expect(epub.text).toBe(
      "Approaches\n\nEnter between the red and green buoys & keep to starboard.\n\nLoose text in a division\n\nA paragraph inside it.\n\ntrailing words\n\nAnchorages\n\nNorth bay: sand\n\nSouth bay: weed\npoor holding\n\nTags closed on the next line, as DocBook writes them.\n\nA second one.",
    );
    expect(epub.headings.map((h) => [h.level, h.text])).toEqual([
      [1, "Approaches"],
      [2, "Anchorages"],
    ]);
    expect(new Set(epub.segments?.map((s) => s.entry))).toEqual(
      new Set(["OEBPS/text/chapter 1.xhtml", "OEBPS/text/chapter 2.xhtml"]),
    );
    expect(await expectSegmentsPointIntoSource(epub)).toBe(10);
  });
});

describe("csv, json, rst", () => {
  it("makes each CSV row a document of `column: value` lines, with its line and span", async () => {
    const rows = documents("csv").filter((d) => d.source.endsWith("berths.csv"));
    expect(rows.map((d) => [d.id, d.line, d.text])).toEqual([
      ["berths.csv#1", 2, "berth: A1\nlength: 12 m\nnotes: near the fuel dock,\ndeep"],
      ["berths.csv#2", 5, "berth: B2\nlength: 9 m"],
      ["berths.csv#3", 6, 'berth: C3\nlength: 15 m\nnotes: quoted "shelter" berth'],
    ]);
    for (const row of rows) {
      await expectSegmentsPointIntoSource(row, { header: ["berth", "length", "notes"] });
    }
    expect(rows[0]!.segments).toMatchObject([{ lineStart: 2, lineEnd: 3 }]);
    const tsv = documents("csv").filter((d) => d.source.endsWith("tides.tsv"));
    expect(tsv.map((d) => d.text)).toEqual([
      "port: Brest\nhigh water: 06:12",
      "port: Roscoff\nhigh water: 06:40",
    ]);
    for (const row of tsv) {
      await expectSegmentsPointIntoSource(row, { header: ["port", "high water"], delimiter: "\t" });
    }
  });

  it("makes each JSON record a document, its text as written, its segment the text's JSON string", async () => {
    expect(one("faq-1")).toMatchObject({
      title: "Showers",
      text: "Showers are by the office.\nCode: 1234 é",
      line: 5,
    });
    expect(one("faq-2").text).toBe('Wi-Fi reaches the "outer" pontoons.');
    expect(one("faq.json#3").text).toBe("no id: indexed by position");
    const noText = results.find(
      (r): r is SkippedSource => r.kind === "skipped" && r.source.endsWith("faq.json:14"),
    );
    expect(noText).toMatchObject({ code: "invalid-record" });
    expect(noText?.reason).toMatch(
      /^record 4 is not a document record \(text: missing or not a string\)/,
    );
    expect(one("ebb").text).toBe("The falling tide.");
    expect(one("flood").title).toBe("Flood");
    // A configuration file is reported once, not key by key.
    const settings = results.filter(
      (r) => r.kind === "skipped" && r.source.includes("settings.json"),
    );
    expect(settings).toEqual([
      {
        kind: "skipped",
        source: join(folder, "settings.json"),
        code: "invalid-record",
        reason:
          'a JSON object whose values are not objects, not records (an array of objects, an object of records, or one record with a "text" field; set json.textField for another)',
      },
    ]);
    for (const id of ["faq-1", "faq-2", "faq.json#3", "ebb", "flood"]) {
      await expectSegmentsPointIntoSource(one(id));
    }
  });

  it("reads reStructuredText's titles, paragraphs, lists, literal blocks and text directives", async () => {
    const doc = one("tides.rst");
    expect(doc.title).toBe("Tide tables");
    expect(doc.headings.map((h) => [h.level, h.text])).toEqual([
      [1, "Tide tables"],
      [2, "Introduction"],
      [3, "Reading a table"],
    ]);
    expect(doc.text).toBe(
      [
        "Tide tables",
        ":Author: Harbour office",
        "Introduction",
        "The tide rises twice a day; see the almanac\nand the tide-table command, or footnote [1].",
        "Spring tides follow a new moon.",
        "Neap tides follow a quarter\nmoon, a week later.",
        "Check the gauge before sailing.",
        "The gauge is at the harbour mouth.",
        "Reading a table",
        "Each row is one high water:",
        "06:12 4.1 m\n18:40 3.9 m",
        "$ tide-table --port Brest",
        "[1] Footnotes count too.",
      ].join("\n\n"),
    );
    const segments = await expectSegmentsPointIntoSource(doc, {
      literal: ["06:12", "$ tide-table"],
    });
    expect(segments).toBe(13);
    expect(doc.segments?.[0]).toMatchObject({ lineStart: 2, lineEnd: 2 });
  });
});
