import { buildDemoComponents } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";
import { DemoEngine } from "./demo-engine.ts";
import { createDemoServer } from "./demo-server.ts";
import { ingestCorpus } from "./ingest-corpus.ts";

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
    const started = performance.now();
    const corpus = await ingestCorpus(engine, config.corpusPath);
    for (const warning of corpus.warnings) console.warn(warning);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `indexed ${corpus.chunks - corpus.failed} of ${corpus.chunks} chunks (${corpus.documents} documents) from ${config.corpusPath} in ${seconds} s (${corpus.counts}, ${corpus.failed} failed)`,
    );
    const app = createDemoServer({
      engine,
      corpus: { source: config.corpusPath, documents: corpus.documents, chunks: corpus.chunks },
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
