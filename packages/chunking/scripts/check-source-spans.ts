// Checks, on a real folder, that every chunk's span in the original file holds the chunk:
//   node packages/chunking/scripts/check-source-spans.ts <folder> [--sample 300]
// For every chunk: the file's bytes at [sourceByteStart, sourceByteEnd) decode to its characters
// at [sourceCharStart, sourceCharEnd) (text formats), and the chunk's characters are found in
// that slice, in order, starting and ending on them (tight). For a sample: the slice, written to
// a file and loaded again, extracts to the chunk's text (whitespace compared collapsed).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { HtmlTextIndex, type LoadedDocument, loadFile, loadFolder } from "@hybrid-rag/loaders";
import { getDocumentProxy } from "unpdf";
import { createChunker } from "../src/index.ts";

const folder = process.argv[2];
const sampleAt = process.argv.indexOf("--sample");
const sampleSize = sampleAt > 0 ? Number(process.argv[sampleAt + 1]) : 300;
if (!folder) {
  console.error(
    "usage: node packages/chunking/scripts/check-source-spans.ts <folder> [--sample N]",
  );
  process.exit(2);
}
const squash = (value: string) => value.replace(/\s+/g, " ").trim();
// HTML is compared without whitespace: the visible text of a slice runs blocks together
// ("</p><p>"), where the loader separates them by a blank line.
const solid = (value: string) => value.replace(/\s+/g, "");
const chunker = createChunker();
const stats = new Map<
  string,
  {
    chunks: number;
    bytes: number;
    tight: number;
    wider: number;
    extracted: number;
    sampled: number;
    noSpan: number;
  }
>();
const failures: string[] = [];
const samples: Array<{
  format: string;
  name: string;
  slice: string;
  text: string;
  id: string;
  context: string;
}> = [];
let seen = 0;

async function pageTexts(path: string): Promise<string[]> {
  const pdf = await getDocumentProxy(new Uint8Array(await readFile(path)));
  const texts: string[] = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const content = await (await pdf.getPage(number)).getTextContent();
    texts.push(
      content.items
        .map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : ""))
        .join(""),
    );
  }
  await pdf.loadingTask.destroy();
  return texts;
}

function inOrder(text: string, slice: string): boolean {
  let at = 0;
  for (const char of text.replace(/\s+/g, "")) {
    at = slice.indexOf(char, at);
    if (at < 0) return false;
    at += char.length;
  }
  return true;
}

for await (const result of loadFolder(folder)) {
  if (result.kind !== "document") continue;
  const document: LoadedDocument = result;
  const format = document.format;
  const entry = stats.get(format) ?? {
    chunks: 0,
    bytes: 0,
    tight: 0,
    wider: 0,
    extracted: 0,
    sampled: 0,
    noSpan: 0,
  };
  stats.set(format, entry);
  const bytes = await readFile(document.source);
  const original =
    format === "pdf" || format === "jsonl" || format === "beir"
      ? ""
      : new TextDecoder(document.encoding ?? "utf-8").decode(bytes);
  const pages = format === "pdf" ? await pageTexts(document.source) : [];
  const lines =
    format === "jsonl" || format === "beir" ? bytes.toString("utf8").split(/\r?\n/) : [];
  // Markdown reference-style links resolve against definitions anywhere in the file: a slice is
  // extracted with the file's definitions after it.
  const context =
    format === "md"
      ? `\n\n${original.match(/^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$/gm)?.join("\n") ?? ""}`
      : "";
  for (const chunk of chunker.chunk(document).chunks) {
    const meta = chunk.metadata;
    entry.chunks++;
    if (meta.sourceCharStart === null || meta.sourceCharEnd === null) {
      entry.noSpan++;
      failures.push(`${chunk.id}: no span`);
      continue;
    }
    let slice: string;
    if (format === "pdf") {
      const first = pages[meta.pageStart! - 1]!;
      slice =
        meta.pageStart === meta.pageEnd
          ? first.slice(meta.sourceCharStart, meta.sourceCharEnd)
          : [
              first.slice(meta.sourceCharStart),
              ...pages.slice(meta.pageStart!, meta.pageEnd! - 1),
              pages[meta.pageEnd! - 1]!.slice(0, meta.sourceCharEnd),
            ].join("\n\n");
      entry.bytes++;
    } else if (format === "jsonl" || format === "beir") {
      const field: string = JSON.parse(lines[meta.sourceLineStart! - 1]!).text;
      slice = field.slice(meta.sourceCharStart, meta.sourceCharEnd);
      if (
        Buffer.from(field).subarray(meta.sourceByteStart!, meta.sourceByteEnd!).toString() === slice
      )
        entry.bytes++;
      else failures.push(`${chunk.id}: bytes`);
    } else {
      slice = original.slice(meta.sourceCharStart, meta.sourceCharEnd);
      const decoded = new TextDecoder(document.encoding ?? "utf-8", { ignoreBOM: true }).decode(
        bytes.subarray(meta.sourceByteStart!, meta.sourceByteEnd!),
      );
      if (decoded === slice) entry.bytes++;
      else failures.push(`${chunk.id}: bytes differ`);
    }
    const visible = format === "html" ? new HtmlTextIndex(slice).visibleText : slice;
    if (format === "html" ? solid(visible) === solid(chunk.text) : inOrder(chunk.text, slice)) {
      entry.tight++;
    } else if (format === "html" && inOrder(chunk.text, visible)) {
      // The span holds the chunk, and text Readability left out between its blocks.
      entry.wider++;
    } else {
      failures.push(
        `${chunk.id}: chunk text not in its slice ${JSON.stringify(slice.slice(0, 80))}`,
      );
    }
    seen++;
    // Reservoir sample of chunks for the extraction check.
    const item = {
      format,
      name: `slice${extname(document.source)}`,
      slice,
      text: chunk.text,
      id: chunk.id,
      context,
    };
    if (samples.length < sampleSize) samples.push(item);
    else {
      const at = Math.floor(Math.random() * seen);
      if (at < sampleSize) samples[at] = item;
    }
  }
}

const scratch = await mkdtemp(join(tmpdir(), "spans-"));
for (const sample of samples) {
  const entry = stats.get(sample.format)!;
  entry.sampled++;
  // HTML: the slice's visible text (tags removed, references decoded); Readability, run on a
  // fragment, would pick its own "article" out of it.
  let extracted =
    sample.format === "html" ? new HtmlTextIndex(sample.slice).visibleText : sample.slice;
  if (sample.format === "txt" || sample.format === "md") {
    const path = join(scratch, sample.name);
    await writeFile(path, sample.slice + sample.context);
    extracted = "";
    for await (const result of loadFile(path, sample.name))
      if (result.kind === "document") extracted = result.text;
  }
  const same =
    sample.format === "html"
      ? solid(extracted) === solid(sample.text)
      : squash(extracted) === squash(sample.text);
  if (same) entry.extracted++;
  else {
    const a = squash(extracted);
    const b = squash(sample.text);
    let at = 0;
    while (at < a.length && a[at] === b[at]) at++;
    failures.push(
      `${sample.id}: extracts to …${JSON.stringify(a.slice(Math.max(0, at - 40), at + 60))}, chunk …${JSON.stringify(b.slice(Math.max(0, at - 40), at + 60))}`,
    );
  }
}
await rm(scratch, { recursive: true, force: true });
// tight: the chunk's characters are in the slice in order (HTML: the slice's visible text is the chunk's text).
console.log("format  chunks  bytes=chars  tight  wider  extracts-exactly/sampled  no-span");
for (const [format, s] of stats) {
  console.log(
    `${format.padEnd(7)} ${String(s.chunks).padStart(6)}  ${String(s.bytes).padStart(11)}  ${String(s.tight).padStart(5)}  ${String(s.wider).padStart(5)}  ${`${s.extracted}/${s.sampled}`.padStart(24)}  ${String(s.noSpan).padStart(7)}`,
  );
}
const shown = process.env.SHOW
  ? failures.filter((failure) => failure.includes(process.env.SHOW!))
  : failures;
if (shown.length > 0)
  console.log(`\n${shown.length} failures, first 15:\n${shown.slice(0, 15).join("\n")}`);
