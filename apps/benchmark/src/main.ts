import { resolve } from "node:path";
import { toHybridRagError } from "@hybrid-rag/core";
import { Command, CommanderError, Option } from "commander";
import { optionsOfSpec, readBenchmarkSpec, specOfRequest } from "./benchmark-spec.ts";
import { parseCliOptions } from "./cli-options.ts";
import { resolveDataset } from "./dataset-source.ts";
import { createEmbeddedEngines } from "./embedded-engines.ts";
import type { EngineSettings } from "./engine-settings.ts";
import type { BenchmarkEngines } from "./engines.ts";
import { defaultPipelines } from "./pipelines.ts";
import { type Progress, silentProgress, terminalProgress } from "./progress.ts";
import { runBenchmark } from "./run-benchmark.ts";
import { createServerEngines } from "./server-engines.ts";
import { withBenchmarkSpecFlags } from "./spec-flag-options.ts";
import { writeReport } from "./write-report.ts";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Progress bars (default: on stderr when it is a terminal). */
  readonly progress?: Progress;
  /** Replaces the engine factories (tests). */
  readonly engines?: (
    settings: EngineSettings,
    backend: "embedded" | "servers",
  ) => BenchmarkEngines;
}

export function program(io: CliIo): Command {
  const command = new Command("bench")
    .description(
      "Benchmark hybrid-rag pipelines on a BEIR collection: recall@5, nDCG@10, recall@100 and per-stage latency.",
    )
    .option(
      "--dataset <folder|name>",
      "a BEIR folder (corpus.jsonl, queries.jsonl, qrels/), a BEIR name to download (scifact, nfcorpus, fiqa, nq, …), or visual (generated chart and table PDFs, for rerank+images); required unless --spec gives it",
    )
    .option(
      "--spec <file.json>",
      "run the settings of a spec file or of a results.json (its `spec`); flags given as well override it",
    )
    .option("--print-spec", "print the spec of these settings as JSON and exit (nothing runs)")
    .option("--split <name>", "qrels split", "test")
    .option(
      "--pipelines <list>",
      "comma-separated: dense, dense+rerank, dense+sparse, dense+sparse+rerank, sparse, sparse+rerank; add +images to a rerank pipeline to rerank the candidates' page images too (VLM reranker)",
      defaultPipelines,
    )
    .option("--top-k <n>", "hits per retriever and in the final list", "100")
    .option("--rerank-top <n>", "candidates the reranker scores (default: --top-k)")
    .option(
      "--out <dir>",
      "where results.md, results.json, chart.svg and runs/ go",
      "bench-results",
    )
    .addOption(
      new Option("--backend <kind>", "where the engines run")
        .choices(["embedded", "servers"])
        .default("embedded"),
    )
    .option(
      "--embedding-cache <dir>",
      "where --embedding-model use-lite keeps corpus vectors between runs (default ~/.cache/hybrid-rag/embeddings)",
    )
    .option("--no-embedding-cache", "embed the corpus again on every run")
    .option("--max-queries <n>", "only the first n queries (quick runs)")
    .option(
      "--cache-dir <dir>",
      "where downloaded BEIR sets are kept (default ~/.cache/hybrid-rag/datasets)",
    )
    .option("--beir-url <url>", "base URL of the BEIR zips")
    .addOption(
      new Option("--elasticsearch-url <url>", "for --backend servers").env("ELASTICSEARCH_URL"),
    )
    .addOption(new Option("--qdrant-url <url>", "for --backend servers").env("QDRANT_URL"))
    .option("--no-progress", "no progress bars")
    .option(
      "--tune-fusion",
      "also grid-search the fusion of dense and sparse (RRF k, linear weights and normaliser, DBSF) on half the queries",
    )
    .option("--tune-metric <metric>", "what --tune-fusion maximises", "ndcg@10")
    .option(
      "--rerank-depths <list>",
      "rerank the fused top N at each depth, e.g. 0,10,20,50,100,200: quality vs latency table, JSON and rerank-depths.svg",
    )
    .option(
      "--rerank-budget-ms <ms>",
      "also run the pipeline's latency-budgeted reranking (rerank: { latencyBudgetMs }) with a score cache and report how often it held",
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError(false);
  // The pipeline spec's fields (models, BM25, fusion), declared by the spec schema.
  return withBenchmarkSpecFlags(command);
}

/** Runs the benchmark CLI; returns the exit code (0 ok, 1 failed, 2 bad arguments). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const command = program(io);
  try {
    command.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  try {
    const request = parseCliOptions(await optionsWithSpec(command));
    const { options } = request;
    const spec = specOfRequest(request);
    if (command.opts().printSpec === true) {
      io.stdout(`${JSON.stringify(spec, null, 2)}\n`);
      return 0;
    }
    const progress = io.progress ?? (options.progress ? terminalProgress() : silentProgress);
    const datasetDirectory = await resolveDataset(options.dataset, {
      progress,
      ...(options.cacheDir ? { cacheDirectory: options.cacheDir } : {}),
      ...(options.beirUrl ? { baseUrl: options.beirUrl } : {}),
    });
    const engines = (io.engines ?? defaultEngines)(request.engineSettings, options.backend);
    const outDirectory = resolve(options.out);
    const report = await runBenchmark({
      datasetDirectory,
      split: options.split,
      pipelines: request.pipelines,
      topK: options.topK,
      rerankTop: request.rerankTop,
      ...(options.maxQueries ? { maxQueries: options.maxQueries } : {}),
      outDirectory,
      engines,
      progress,
      spec,
      commandLine: argv,
      ...(options.tuneFusion ? { tuneFusion: { metric: options.tuneMetric } } : {}),
      ...(options.rerankDepths ? { rerankDepths: options.rerankDepths } : {}),
      ...(options.rerankBudgetMs !== undefined ? { rerankBudgetMs: options.rerankBudgetMs } : {}),
    });
    const written = await writeReport(report, outDirectory);
    io.stdout(written.markdown);
    io.stderr(`\nWrote ${[...written.files, `${outDirectory}/runs/`].join(", ")}\n`);
    return report.configurations.some((result) => result.status === "failed") ? 1 : 0;
  } catch (error) {
    const failure = toHybridRagError(error);
    io.stderr(`error: ${failure.message}\n`);
    return failure.code === "invalid-argument" ? 2 : 1;
  }
}

/**
 * The command line's values: with `--spec`, the spec's settings, overridden by each flag given
 * on the command line (or in the environment); commander's defaults fill the rest.
 */
async function optionsWithSpec(command: Command): Promise<Record<string, unknown>> {
  const all = command.opts();
  const { spec: path, printSpec: _printSpec, ...values } = all;
  if (typeof path !== "string") return values;
  const given = Object.fromEntries(
    Object.entries(values).filter(([name]) => {
      const source = command.getOptionValueSource(name);
      return source !== undefined && source !== "default";
    }),
  );
  return { ...values, ...optionsOfSpec(await readBenchmarkSpec(path)), ...given };
}

function defaultEngines(
  settings: EngineSettings,
  backend: "embedded" | "servers",
): BenchmarkEngines {
  return backend === "servers" ? createServerEngines(settings) : createEmbeddedEngines(settings);
}
