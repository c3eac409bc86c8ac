import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deepFacts, writeSampleFolder } from "@hybrid-rag/collection/testing";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoConfigFromEnvironment } from "./demo-config.ts";
import { type RunningDemo, startDemo } from "./start-demo.ts";

// The CI guard for a missing chromium lives in demo-page.browser.test.ts.
const chromiumPath = "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);

describe.skipIf(!haveChromium)(
  "demo on a folder of PDF, HTML and Markdown (headless Chromium)",
  () => {
    let workDirectory: string;
    let demo: RunningDemo;
    let browser: BrowserContext;

    beforeAll(async () => {
      workDirectory = await mkdtemp(join(tmpdir(), "demo-files-"));
      const corpus = join(workDirectory, "corpus");
      await mkdir(corpus);
      await writeSampleFolder(corpus);
      const biEncoder = join(workDirectory, "bi-encoder");
      await createTinyBertModel(biEncoder, { kind: "bi-encoder", seed: 4 });
      demo = await startDemo(
        demoConfigFromEnvironment(
          {
            DEMO_PORT: "0",
            DEMO_LOG_LEVEL: "silent",
            DEMO_EXECUTION_PROVIDER: "cpu",
            EMBEDDING_MODEL_PATH: biEncoder,
            DEMO_CACHE_DIR: join(workDirectory, "cache"),
          },
          corpus,
        ),
      );
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
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await demo?.close();
      if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
    });

    it("ingests the PDF and the HTML article as chunks and shows parent, page and highlights", async () => {
      const page = await browser.newPage();
      await page.goto(demo.url);
      await expect
        .poll(() => page.textContent("#corpus"))
        .toMatch(/^3 documents \(\d+ chunks\) from /);
      expect(await page.locator("#intro button[data-query]").count()).toBeGreaterThan(0);

      await page.fill("#query", deepFacts.pdf.query);
      await page.click("button[type=submit]");
      await page.waitForSelector("body[data-searched=true]");
      const firstSparse = page.locator('section[data-stage="sparse"] li.hit').first();
      expect(await firstSparse.getAttribute("data-parent")).toBe("engineering-report.pdf");
      expect(await firstSparse.locator(".pages").textContent()).toBe(`p. ${deepFacts.pdf.page}`);
      expect(await firstSparse.locator(".title").textContent()).toContain(
        "Annual engineering report",
      );
      expect(await firstSparse.locator(".origin").textContent()).toMatch(
        /^engineering-report\.pdf · chunk \d+/,
      );
      const marks = await firstSparse.locator("mark").allTextContents();
      expect(marks.map((mark) => mark.toLowerCase())).toContain("zirconium");
      expect(await page.locator('section[data-stage="reranked"]').getAttribute("class")).toBe(
        "stage off",
      );

      // Hovering a hit outlines the chunks of the same document in every column.
      await firstSparse.hover();
      const outlined = await page
        .locator("li.hit.same-parent")
        .evaluateAll((items) =>
          items.map((item) => [
            item.closest("section")?.dataset.stage,
            (item as HTMLElement).dataset.parent,
          ]),
        );
      expect(outlined.length).toBeGreaterThan(1);
      expect(new Set(outlined.map(([, parent]) => parent))).toEqual(
        new Set(["engineering-report.pdf"]),
      );
      expect(new Set(outlined.map(([stage]) => stage)).size).toBeGreaterThan(1);
      const screenshots = process.env.DEMO_SCREENSHOT_DIR;
      if (screenshots)
        await page.screenshot({ path: join(screenshots, "demo-pdf.png"), fullPage: true });

      await page.fill("#query", deepFacts.html.query);
      await page.click("button[type=submit]");
      await expect
        .poll(() =>
          page.locator('section[data-stage="sparse"] li.hit').first().getAttribute("data-parent"),
        )
        .toBe("coast-article.html");
      const htmlHit = page.locator('section[data-stage="sparse"] li.hit').first();
      expect(await htmlHit.locator(".origin").textContent()).toContain("Coastal notes");
      expect(
        (await htmlHit.locator("mark").allTextContents()).map((mark) => mark.toLowerCase()),
      ).toContain("pelican");

      await page.setViewportSize({ width: 760, height: 900 });
      const width = await page
        .locator('section[data-stage="sparse"]')
        .evaluate((section) => section.getBoundingClientRect().width);
      expect(width).toBeGreaterThan(300);
      if (screenshots)
        await page.screenshot({ path: join(screenshots, "demo-html-760.png"), fullPage: true });
      await page.close();
    }, 60_000);
  },
);
