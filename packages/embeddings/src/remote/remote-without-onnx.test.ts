import { fileURLToPath } from "node:url";
import { canListNativeLibraries, nativeLibrariesLoadedBy } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";

const packageDirectory = fileURLToPath(new URL("../..", import.meta.url));
const onnxRuntime = /onnxruntime/i;

describe.skipIf(!canListNativeLibraries)(
  "@hybrid-rag/embeddings/remote without onnxruntime",
  () => {
    it("imports the OpenAI, NIM and TEI embedders without loading libonnxruntime", async () => {
      const libraries = await nativeLibrariesLoadedBy(
        ["@hybrid-rag/embeddings/remote"],
        packageDirectory,
      );
      expect(libraries.length).toBeGreaterThan(0); // the probe sees libraries at all
      expect(libraries.filter((file) => onnxRuntime.test(file))).toEqual([]);
    });

    it("while the main entry point (the ONNX bi-encoder) does load it", async () => {
      const libraries = await nativeLibrariesLoadedBy(["@hybrid-rag/embeddings"], packageDirectory);
      expect(libraries.some((file) => onnxRuntime.test(file))).toBe(true);
    });
  },
);
