import type { Fusion } from "@hybrid-rag/core";
import { createFusion, type FusionConfig, fusionMethodRegistry } from "@hybrid-rag/fusion";

/** Client-side RRF (k = 60, 1-based ranks) by default: needs no licensed server feature. */
export const defaultDemoFusion: FusionConfig = { method: "rrf", k: 60 };

/** The fusion of the configuration (`DEMO_FUSION`), built by the fusion registry. */
export function buildFusion(config: FusionConfig = defaultDemoFusion): {
  fusion: Fusion;
  description: string;
} {
  const { method, ...options } = config;
  const settings = Object.keys(options).length > 0 ? ` ${JSON.stringify(options)}` : "";
  return {
    fusion: createFusion(config),
    description: `${method}${settings}: ${fusionMethodRegistry[method].description}, of the lists that are on`,
  };
}
