export { buildDemoComponents } from "./build-demo-components.ts";
export {
  type DemoArguments,
  type DemoConfig,
  demoConfigFromEnvironment,
  sampleCorpusPath,
} from "./demo-config.ts";
export {
  type DemoComponents,
  DemoEngine,
  type SearchResponse,
  type StageName,
  type StageResult,
} from "./demo-engine.ts";
export { createDemoServer, type DemoServerOptions } from "./demo-server.ts";
export { loadDocuments } from "./load-documents.ts";
export type { DemoImages, PageThumbnail } from "./page-thumbnails.ts";
export { type RunningDemo, type StartDemoOptions, startDemo } from "./start-demo.ts";
