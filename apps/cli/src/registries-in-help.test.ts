import { fusionMethods } from "@hybrid-rag/fusion";
import { supportedExtensions } from "@hybrid-rag/loaders";
import { describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

// A loader or fusion method added to its own package shows here with no change to the CLI.
describe("hybrid-rag --help lists the registries of the packages", () => {
  it("ingest names every file type the loaders read", async () => {
    const io = captureIo();
    expect(await runCli(["ingest", "--help"], io)).toBe(0);
    for (const extension of supportedExtensions) expect(io.out()).toContain(extension);
  });

  it("search offers every fusion method of the registry", async () => {
    const io = captureIo();
    expect(await runCli(["search", "--help"], io)).toBe(0);
    const help = io.out().replace(/\s+/g, " ");
    expect(help).toContain(`choices: ${fusionMethods.map((method) => `"${method}"`).join(", ")}`);
  });

  it("refuses a fusion method the registry does not have", async () => {
    const io = captureIo();
    expect(await runCli(["search", "somewhere", "query", "--fusion", "borda"], io)).toBe(2);
    expect(io.err()).toMatch(/borda/);
  });
});
