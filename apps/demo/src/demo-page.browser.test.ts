import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
      },
      sampleCorpusPath,
    );
    demo = await startDemo(config);
    const profile = join(workDirectory, "chromium-profile");
    await mkdir(profile);
    browser = await chromium.launchPersistentContext(profile, {
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
    });
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
    expect(fusedEvidence).toMatch(/sparse #\d+/);
    expect(fusedEvidence).toMatch(/dense #\d+/);
    expect(
      await page.locator('section[data-stage="reranked"] li.hit .evidence').first().textContent(),
    ).toMatch(/was #\d+/);

    const screenshots = process.env.DEMO_SCREENSHOT_PATH;
    if (screenshots) await page.screenshot({ path: screenshots, fullPage: true });
    await page.close();
  });
});
