import { fileURLToPath } from "node:url";
import { canListNativeLibraries, nativeLibrariesLoadedBy } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";

const packageDirectory = fileURLToPath(new URL("../..", import.meta.url));
const onnxRuntime = /onnxruntime/i;

describe.skipIf(!canListNativeLibraries)("@hybrid-rag/reranker/remote without onnxruntime", () => {
  it("imports the NIM, TEI and Cohere rerankers without loading libonnxruntime", async () => {
    const libraries = await nativeLibrariesLoadedBy(
      ["@hybrid-rag/reranker/remote"],
      packageDirectory,
    );
    expect(libraries.length).toBeGreaterThan(0); // the probe sees libraries at all
    expect(libraries.filter((file) => onnxRuntime.test(file))).toEqual([]);
  });

  it("while the main entry point (the in-process cross-encoder) does load it", async () => {
    const libraries = await nativeLibrariesLoadedBy(["@hybrid-rag/reranker"], packageDirectory);
    expect(libraries.some((file) => onnxRuntime.test(file))).toBe(true);
  });
});
