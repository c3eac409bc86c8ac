import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { runCli } from "@hybrid-rag/cli";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoConfigFromEnvironment, sampleCorpusPath } from "./demo-config.ts";
import { type RunningDemo, startDemo } from "./start-demo.ts";

const chromiumPath = "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);
const inCi = Boolean(process.env.CI);

if (!haveChromium && inCi) {
  throw new Error(
    `The demo's browser test needs Debian's chromium at ${chromiumPath}, and CI is set: run .ci/system-packages (it installs chromium).`,
  );
}
if (!haveChromium) {
  console.warn(
    `Skipping the demo's browser test: no ${chromiumPath} (apt-get install chromium, or run .ci/system-packages).`,
  );
}

const launchOptions = {
  executablePath: chromiumPath,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1500, height: 1000 },
};

describe.skipIf(!haveChromium)("demo page in headless Chromium", () => {
  let workDirectory: string;
  let demo: RunningDemo;
  let browser: BrowserContext;

  beforeAll(async () => {
    workDirectory = await mkdtemp(join(tmpdir(), "demo-browser-"));
    const crossEncoder = join(workDirectory, "cross-encoder");
    const biEncoder = join(workDirectory, "bi-encoder");
    await Promise.all([
      createTinyBertModel(crossEncoder, { kind: "cross-encoder", seed: 3 }),
      createTinyBertModel(biEncoder, { kind: "bi-encoder", seed: 4 }),
    ]);
    const config = demoConfigFromEnvironment(
      {
        DEMO_PORT: "0",
        DEMO_LOG_LEVEL: "silent",
        DEMO_EXECUTION_PROVIDER: "cpu",
        RERANKER_MODEL_PATH: crossEncoder,
        EMBEDDING_MODEL_PATH: biEncoder,
        DEMO_CACHE_DIR: join(workDirectory, "cache"),
      },
      sampleCorpusPath,
    );
    demo = await startDemo(config);
    const profile = join(workDirectory, "chromium-profile");
    await mkdir(profile);
    browser = await chromium.launchPersistentContext(profile, launchOptions);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
  });

  it("searches the ingested corpus and shows the four lists side by side", async () => {
    const page = await browser.newPage();
    await page.goto(demo.url);
    await expect
      .poll(() => page.textContent("#corpus"))
      .toMatch(/^\d+ documents (\(\d+ chunks\) )?from /);
    await page.fill("#query", "electricity from the sun");
    await page.click("button[type=submit]");
    await page.waitForSelector("body[data-searched=true]");

    for (const stage of ["sparse", "dense", "fused", "reranked"]) {
      const section = page.locator(`section[data-stage="${stage}"]`);
      await expect.poll(() => section.getAttribute("class")).toBe("stage on");
      expect(await section.locator("li.hit").count()).toBeGreaterThan(0);
      expect(await section.locator(".timing").textContent()).toMatch(/\d+\.\d ms/);
    }
    const sparseIds = await page
      .locator('section[data-stage="sparse"] li.hit')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.parent));
    expect(sparseIds).toContain("solar-power.md");
    const fusedEvidence = await page
      .locator('section[data-stage="fused"] li.hit .evidence')
      .first()
      .textContent();
    // The hits' provenance names the collection's indexes, as `hybrid-rag search` prints it.
    expect(fusedEvidence).toMatch(/bm25 #\d+/);
    expect(fusedEvidence).toMatch(/dense #\d+/);
    expect(
      await page.locator('section[data-stage="reranked"] li.hit .evidence').first().textContent(),
    ).toMatch(/was #\d+/);

    const screenshots = process.env.DEMO_SCREENSHOT_PATH;
    if (screenshots) await page.screenshot({ path: screenshots, fullPage: true });
    await page.close();
  });
});

describe.skipIf(!haveChromium)("demo page on a collection built by hybrid-rag ingest", () => {
  let workDirectory: string;
  let demo: RunningDemo;
  let browser: BrowserContext;

  beforeAll(async () => {
    workDirectory = await mkdtemp(join(tmpdir(), "demo-browser-collection-"));
    const folder = join(workDirectory, "docs");
    await mkdir(folder);
    await writeFile(
      join(folder, "sudo.md"),
      "# Running commands with sudo\n\nThe sudo command runs a command as another user. Unlike su, it asks for your own password; do not confuse it with a pseudo terminal.\n",
    );
    await writeFile(
      join(folder, "histograms.md"),
      "# Drawing histograms\n\nA histogram counts values in bins. His first histogram had ten bins; this is how histograms work.\n",
    );
    await writeFile(
      join(folder, "tides.md"),
      "# How tides work\n\nTides are the rise and fall of the sea, caused by the moon.\n",
    );
    const collection = join(workDirectory, "collection");
    const io = { stdout: { write: () => true }, stderr: new PassThrough() };
    expect(
      await runCli(
        ["ingest", folder, "--into", collection, "--embedding-model", "none", "--no-progress"],
        io,
      ),
    ).toBe(0);
    demo = await startDemo(
      demoConfigFromEnvironment({ DEMO_PORT: "0", DEMO_LOG_LEVEL: "silent" }, { collection }),
      { io },
    );
    const profile = join(workDirectory, "chromium-profile");
    await mkdir(profile);
    browser = await chromium.launchPersistentContext(profile, launchOptions);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
  });

  it("offers the collection's own titles as examples and highlights whole analyzed words only", async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(demo.url);
    await expect.poll(() => page.textContent("#corpus")).toMatch(/^3 documents \(3 chunks\) from /);
    const examples = await page.locator("#examples button").allTextContents();
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      expect(["Running commands with sudo", "Drawing histograms", "How tides work"]).toContain(
        example,
      );
    }
    // An example button searches for it (the introduction hides after a search). Under the
    // standard analyzer "histograms" does not match "histogram": only the query's own words.
    await page.locator("#examples button", { hasText: "Drawing histograms" }).click();
    await expect.poll(() => page.textContent("#summary")).toMatch(/^“Drawing histograms”/);
    const marked = await page.locator('section[data-stage="sparse"] mark').allTextContents();
    expect(new Set(marked.map((text) => text.toLowerCase()))).toEqual(
      new Set(["drawing", "histograms"]),
    );
    await page.fill("#query", "sudo");
    await page.click("button[type=submit]");
    await expect.poll(() => page.textContent("#summary")).toMatch(/^“sudo”/);
    const sparse = page.locator('section[data-stage="sparse"]');
    expect(await sparse.getAttribute("class")).toBe("stage on");
    expect(await sparse.locator(".description").first().textContent()).toContain(
      "standard analyzer",
    );
    // "sudo" is marked as a word, never in "pseudo" nor as "su…do".
    expect(new Set(await page.locator("mark").allTextContents())).toEqual(new Set(["sudo"]));
    expect(await page.locator('section[data-stage="dense"]').getAttribute("class")).toBe(
      "stage off",
    );

    const screenshots = process.env.DEMO_SCREENSHOT_DIR;
    if (screenshots)
      await page.screenshot({ path: join(screenshots, "demo-collection.png"), fullPage: true });
    await page.close();
  }, 30_000);
});
