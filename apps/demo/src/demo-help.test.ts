import { fusionMethods } from "@hybrid-rag/fusion";
import { supportedExtensions } from "@hybrid-rag/loaders";
import { describe, expect, it } from "vitest";
import { demoConfigFromEnvironment } from "./demo-config.ts";
import { demoHelp } from "./demo-help.ts";
import { buildFusion } from "./fusion-stage.ts";

// A loader or fusion method added to its own package shows here with no change to the demo.
describe("demo --help and DEMO_FUSION", () => {
  it("lists every file type the loaders read and every fusion method", () => {
    const help = demoHelp();
    for (const extension of supportedExtensions) expect(help).toContain(extension);
    for (const method of fusionMethods) expect(help).toContain(`${method}: `);
  });

  it("takes a method name or a JSON config, built by the fusion registry", () => {
    expect(demoConfigFromEnvironment({ DEMO_FUSION: "dbsf" }).fusion).toEqual({ method: "dbsf" });
    const config = demoConfigFromEnvironment({ DEMO_FUSION: '{"method":"rrf","k":20}' }).fusion;
    expect(config).toEqual({ method: "rrf", k: 20 });
    expect(buildFusion(config).description).toMatch(/^rrf \{"k":20\}: reciprocal rank fusion/);
    expect(demoConfigFromEnvironment({}).fusion).toBeUndefined();
    expect(demoConfigFromEnvironment({}).spec.fusion).toEqual({ method: "rrf", k: 60 });
    expect(buildFusion().description).toMatch(/^rrf \{"k":60\}/);
  });

  it("refuses an unknown method or option, naming it", () => {
    expect(() => demoConfigFromEnvironment({ DEMO_FUSION: "borda" })).toThrow(
      /fusion.method must be one of "rrf"/,
    );
    expect(() => demoConfigFromEnvironment({ DEMO_FUSION: '{"method":"rrf","kk":1}' })).toThrow(
      /kk/,
    );
  });
});
