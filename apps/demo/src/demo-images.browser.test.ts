import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTinyBertModel, createVisionRerankerDirectory } from "@hybrid-rag/models/testing";
import { PDFDocument, rgb, StandardFonts } from "pdf-lib";
import { type BrowserContext, chromium, type Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoConfigFromEnvironment } from "./demo-config.ts";
import { type RunningDemo, startDemo } from "./start-demo.ts";

// The CI guard for a missing chromium lives in demo-page.browser.test.ts.
const chromiumPath = "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);

/**
 * A three-page report: text, a chart-only page (bars drawn as vector shapes, no text layer),
 * and text again, so the one chunk of its text spans pages 1–3 and the chart's page image is
 * the page of a text hit.
 */
async function chartReport(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const intro = pdf.addPage([612, 792]);
  intro.drawText(
    "Zephyr turbine programme: quarterly output. The chart overleaf gives the output",
    {
      x: 50,
      y: 740,
      size: 11,
      font,
    },
  );
  const chart = pdf.addPage([612, 792]);
  [120, 260, 190, 330].forEach((height, index) => {
    chart.drawRectangle({
      x: 90 + index * 120,
      y: 150,
      width: 70,
      height,
      color: rgb(0.85, 0.35 + index * 0.1, 0.2),
    });
  });
  chart.drawLine({ start: { x: 70, y: 150 }, end: { x: 560, y: 150 }, thickness: 2 });
  const notes = pdf.addPage([612, 792]);
  notes.drawText("of each Zephyr turbine for the four quarters of the year.", {
    x: 50,
    y: 740,
    size: 11,
    font,
  });
  return pdf.save();
}

describe.skipIf(!haveChromium)(
  "demo on a PDF with a chart-only page, page images on (headless Chromium)",
  () => {
    let workDirectory: string;
    let demo: RunningDemo;
    let browser: BrowserContext;
    let config: ReturnType<typeof demoConfigFromEnvironment>;
    const quiet = { io: { stdout: { write: () => true }, stderr: { write: () => true } } as never };

    beforeAll(async () => {
      workDirectory = await mkdtemp(join(tmpdir(), "demo-images-"));
      const corpus = join(workDirectory, "corpus");
      await mkdir(corpus);
      await writeFile(join(corpus, "zephyr-report.pdf"), await chartReport());
      await writeFile(
        join(corpus, "harbour-notes.md"),
        "# Harbour notes\n\nThe harbour office opens at nine; turbine parts arrive by ship.\n",
      );
      const biEncoder = join(workDirectory, "bi-encoder");
      await createTinyBertModel(biEncoder, { kind: "bi-encoder", seed: 4 });
      // The seed's VLM reranker family at tiny size (random weights): it looks at the images.
      const vlm = join(workDirectory, "vlm");
      await mkdir(vlm);
      await createVisionRerankerDirectory(vlm);
      config = demoConfigFromEnvironment(
        {
          DEMO_PORT: "0",
          DEMO_LOG_LEVEL: "silent",
          DEMO_EXECUTION_PROVIDER: "cpu",
          DEMO_PAGE_IMAGES: "no-text-layer",
          EMBEDDING_MODEL_PATH: biEncoder,
          RERANKER_MODEL_PATH: vlm,
          DEMO_CACHE_DIR: join(workDirectory, "cache"),
        },
        corpus,
      );
      demo = await startDemo(config, quiet);
      const profile = join(workDirectory, "chromium-profile");
      await mkdir(profile);
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        headless: true,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
        viewport: { width: 1400, height: 900 },
      });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await demo?.close();
      if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
    });

    /** The loaded thumbnails of a hit: their pixel width (0 = not loaded), alt and caption. */
    async function thumbnails(hit: Locator) {
      return hit.locator(".thumbnail").evaluateAll((figures) =>
        figures.map((figure) => {
          const image = figure.querySelector("img") as HTMLImageElement;
          return {
            naturalWidth: image.complete ? image.naturalWidth : 0,
            alt: image.alt,
            caption: figure.querySelector("figcaption")?.textContent,
            src: image.getAttribute("src"),
          };
        }),
      );
    }

    it("shows the chart page's thumbnail with its provenance in every column", async () => {
      const page = await browser.newPage();
      await page.goto(demo.url);
      // The Markdown file, the PDF (one chunk) and the PDF's chart page (an image document).
      await expect.poll(() => page.textContent("#corpus")).toMatch(/^3 documents \(3 chunks\)/);
      await page.fill("#query", "Zephyr turbine quarterly output");
      await page.click("button[type=submit]");
      await page.waitForSelector("body[data-searched=true]");

      for (const stage of ["sparse", "dense", "fused", "reranked"]) {
        const hit = page
          .locator(`section[data-stage="${stage}"] li.hit[data-parent="zephyr-report.pdf"]`)
          .filter({ has: page.locator(".kind.text") })
          .first();
        expect(await hit.locator(".pages").textContent(), stage).toBe("pp. 1–3");
        expect(await hit.locator(".kind").textContent()).toBe("text chunk");
        await expect
          .poll(() => thumbnails(hit))
          .toEqual([
            {
              naturalWidth: 850,
              alt: "zephyr-report.pdf, page 2: the page this text chunk is on",
              caption: "p. 2",
              src: expect.stringMatching(/^\/api\/images\/[0-9a-f]{64}\.png$/),
            },
          ]);
      }

      // The VLM reranker scored the chart page itself: an image hit with its provenance.
      const imageHit = page
        .locator('section[data-stage="reranked"] li.hit[data-parent="zephyr-report.pdf"]')
        .filter({ has: page.locator(".kind.image") });
      expect(await imageHit.count()).toBe(1);
      expect(await imageHit.getAttribute("data-id")).toMatch(/^zephyr-report\.pdf#page=2(#0)?$/);
      expect(await imageHit.locator(".kind").textContent()).toBe("page image");
      expect(await imageHit.locator(".pages").textContent()).toBe("p. 2");
      expect(await imageHit.locator(".origin").textContent()).toBe(
        "zephyr-report.pdf · page image",
      );
      await expect
        .poll(() => thumbnails(imageHit))
        .toEqual([
          {
            naturalWidth: 850,
            alt: "zephyr-report.pdf, page 2 (page image)",
            caption: "p. 2",
            src: expect.stringMatching(/^\/api\/images\/[0-9a-f]{64}\.png$/),
          },
        ]);

      const screenshots = process.env.DEMO_SCREENSHOT_DIR ?? workDirectory;
      await page.screenshot({ path: join(screenshots, "demo-page-images.png"), fullPage: true });
      await page.close();
    }, 120_000);

    it("keeps the page images when a second start finds the PDF unchanged", async () => {
      const again = await startDemo(config, quiet);
      try {
        const response = await fetch(`${again.url}/api/search`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "Zephyr turbine quarterly output" }),
        });
        const body = (await response.json()) as {
          stages: { stage: string; hits: { parentId: string; thumbnails: { url: string }[] }[] }[];
        };
        const sparse = body.stages.find((stage) => stage.stage === "sparse")!.hits;
        const report = sparse.find((hit) => hit.parentId === "zephyr-report.pdf")!;
        expect(report.thumbnails).toHaveLength(1);
        const image = await fetch(`${again.url}${report.thumbnails[0]!.url}`);
        expect(image.status).toBe(200);
        expect(image.headers.get("content-type")).toBe("image/png");
      } finally {
        await again.close();
      }
    }, 120_000);
  },
);
