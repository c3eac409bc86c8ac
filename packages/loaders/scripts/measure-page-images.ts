// Measures PDF page rendering (the figures in the README's "Page images" section):
// `pnpm --filter @hybrid-rag/loaders measure:page-images`. A generated 40-page PDF (text pages and
// chart pages alternating) is loaded with each pageImages setting and DPI after a warm-up; the
// median of three loads is printed with pages rendered per second, PNG bytes per page and the
// process's peak resident memory (the extraction thread runs in this process).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { type LoadFileOptions, loadFile } from "../src/load-file.ts";
import { createChartPdf } from "../src/testing/index.ts";

const pairs = 20;
const book = await PDFDocument.create();
for (let i = 0; i < pairs; i++) {
  const part = await PDFDocument.load(
    await createChartPdf({
      intro: `Section ${i}. ${"The harbour office reports berth fees, fuel sales and moorings by quarter. ".repeat(12)}`,
      values: [100 + i, 300 - i, 200 + 2 * i, 400],
    }),
  );
  for (const page of await book.copyPages(part, part.getPageIndices())) book.addPage(page);
}
const folder = await mkdtemp(join(tmpdir(), "measure-page-images-"));
const path = join(folder, "book.pdf");
await writeFile(path, await book.save());

async function once(
  options: LoadFileOptions,
): Promise<{ ms: number; images: number; bytes: number }> {
  const started = performance.now();
  let images = 0;
  let bytes = 0;
  for await (const result of loadFile(path, "book.pdf", options)) {
    if (result.kind === "document" && result.image && "data" in result.image) {
      images++;
      bytes += result.image.data.byteLength;
    }
  }
  return { ms: performance.now() - started, images, bytes };
}

const settings: [string, LoadFileOptions][] = [
  ["none (text only)", {}],
  ["no-text-layer, 100 dpi", { pdf: { pageImages: "no-text-layer" } }],
  ["all, 72 dpi", { pdf: { pageImages: "all", dpi: 72 } }],
  ["all, 100 dpi", { pdf: { pageImages: "all" } }],
  ["all, 150 dpi", { pdf: { pageImages: "all", dpi: 150 } }],
];
console.log(`${pairs * 2}-page PDF; median of 3 loads after a warm-up`);
console.log("| setting | load | images | pages rendered/s | PNG bytes/page | peak RSS |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const [name, options] of settings) {
  await once(options);
  const runs = [await once(options), await once(options), await once(options)].sort(
    (a, b) => a.ms - b.ms,
  );
  const { ms, images, bytes } = runs[1]!;
  const perSecond = images > 0 ? (images / (ms / 1000)).toFixed(1) : "–";
  const perPage = images > 0 ? Math.round(bytes / images).toLocaleString("en") : "–";
  const rss = `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
  console.log(
    `| ${name} | ${Math.round(ms)} ms | ${images} | ${perSecond} | ${perPage} | ${rss} |`,
  );
}
await rm(folder, { recursive: true, force: true });
process.exit(0);
