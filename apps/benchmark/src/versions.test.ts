import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { installedVersion, toolVersions } from "./versions.ts";

const manifestVersion = (path: string) =>
  (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;

describe("toolVersions", () => {
  it("reports the version of every package that computes scores, onnxruntime-node included", async () => {
    const versions = await toolVersions();
    const repo = new URL("../../../", import.meta.url);
    expect(versions["@hybrid-rag/bm25"]).toBe(
      manifestVersion(new URL("packages/bm25/package.json", repo).pathname),
    );
    expect(versions["@hybrid-rag/benchmark"]).toBe(
      manifestVersion(new URL("apps/benchmark/package.json", repo).pathname),
    );
    const models = new URL("packages/models/package.json", repo).pathname;
    const ort = createRequire(models).resolve("onnxruntime-node");
    let folder = dirname(ort);
    while (!folder.endsWith("onnxruntime-node")) folder = dirname(folder);
    expect(versions["onnxruntime-node"]).toBe(manifestVersion(join(folder, "package.json")));
    for (const [name, version] of Object.entries(versions)) {
      if (name === "hybrid-rag commit") continue;
      expect(version, name).toMatch(/^\d+\.\d+\.\d+/);
    }
  });
});

describe("installedVersion", () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  function install(root: string, name: string, manifest: object, files: Record<string, string>) {
    const folder = join(root, "node_modules", name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "package.json"), JSON.stringify({ name, ...manifest }));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  }

  it("finds packages in an npm install, ESM-only exports maps without package.json included", () => {
    const app = mkdtempSync(join(tmpdir(), "versions-"));
    folders.push(app);
    install(app, "@hybrid-rag/benchmark", { version: "0.1.0", type: "module" }, {});
    mkdirSync(join(app, "node_modules/@hybrid-rag/benchmark/dist"));
    const from = join(app, "node_modules/@hybrid-rag/benchmark/dist/versions.js");
    install(
      app,
      "@hybrid-rag/core",
      { version: "1.2.3", type: "module", exports: { ".": { import: "./index.js" } } },
      { "index.js": "export {};" },
    );
    install(app, "plain-cjs", { version: "4.5.6", main: "main.js" }, { "main.js": "" });
    expect(installedVersion("@hybrid-rag/core", from)).toBe("1.2.3");
    expect(installedVersion("plain-cjs", from)).toBe("4.5.6");
    expect(installedVersion("not-installed", from)).toBeUndefined();
  });
});
