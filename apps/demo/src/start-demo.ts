import { buildDemoComponents } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";
import { DemoEngine } from "./demo-engine.ts";
import { createDemoServer } from "./demo-server.ts";
import { loadCorpusChunks } from "./load-corpus-chunks.ts";

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
    const { documents, parents, skipped } = await loadCorpusChunks(config.corpusPath);
    for (const { source, reason } of skipped) console.warn(`skipped ${source}: ${reason}`);
    const started = performance.now();
    const report = await engine.ingest(documents);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `indexed ${report.written - report.failed} of ${documents.length} chunks of ${parents} documents from ${config.corpusPath} in ${seconds} s (${skipped.length} files skipped)`,
    );
    const app = createDemoServer({
      engine,
      corpus: { source: config.corpusPath, documents: parents, chunks: documents.length },
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
