import { buildDemoComponents } from "./build-demo-components.ts";
import { corpusReport } from "./corpus-report.ts";
import type { DemoConfig } from "./demo-config.ts";
import { DemoEngine } from "./demo-engine.ts";
import { createDemoServer } from "./demo-server.ts";
import { loadCorpus } from "./load-documents.ts";

export interface RunningDemo {
  readonly url: string;
  readonly engine: DemoEngine;
  close(): Promise<void>;
}

/** Builds the stages from the configuration, ingests the corpus and serves the page. */
export async function startDemo(config: DemoConfig): Promise<RunningDemo> {
  const components = await buildDemoComponents(config);
  const engine = new DemoEngine(components);
  try {
    const corpus = await loadCorpus(config.corpusPath, { onDuplicateId: "last-wins" });
    const { documents } = corpus;
    const { warnings, counts } = corpusReport(corpus);
    for (const warning of warnings) console.warn(warning);
    const started = performance.now();
    const report = await engine.ingest(documents);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `indexed ${report.written - report.failed} of ${documents.length} documents from ${config.corpusPath} in ${seconds} s (${counts})`,
    );
    const app = createDemoServer({
      engine,
      corpus: { source: config.corpusPath, documents: documents.length },
      logLevel: config.logLevel,
    });
    const url = await app.listen({ host: config.host, port: config.port });
    return {
      url,
      engine,
      async close() {
        await app.close();
        await components.close?.();
      },
    };
  } catch (error) {
    await components.close?.();
    throw error;
  }
}
