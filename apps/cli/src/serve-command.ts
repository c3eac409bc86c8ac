import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { type Command, InvalidArgumentError } from "commander";
import type { CliIo } from "./cli-io.ts";
import { cliDefaultSpec, queryModelSpecFlags } from "./cli-spec.ts";
import { removeServeRecord, writeServeRecord } from "./serve-record.ts";
import {
  type CommandSpec,
  printSpecIfAsked,
  specOfCommand,
  withSpecOptions,
} from "./spec-options.ts";
import { waitForShutdown } from "./wait-for-shutdown.ts";

export interface ServeFlags {
  /** The embedder and reranker (flags over `--spec` over the CLI's defaults). */
  readonly spec: CommandSpec;
  readonly host: string;
  readonly port: number;
  readonly ingest: boolean;
  readonly allowNoKey: boolean;
  readonly maxTopK: number;
  readonly requestTimeoutMs: number;
}

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max)
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`,
      );
    return number;
  };
}

/** Adds `hybrid-rag serve <dir>` to the program. */
export function addServeCommand(program: Command, io: CliIo): void {
  withSpecOptions(
    program
      .command("serve")
      .description(
        "serve a collection's search over HTTP (OpenAPI at /openapi.json): search with filters, passages, documents, health, metrics, optional ingest behind HYBRID_RAG_API_KEY",
      )
      .argument("<dir>", "collection directory")
      .option(
        "--host <address>",
        "address (another than loopback needs HYBRID_RAG_API_KEY)",
        "127.0.0.1",
      )
      .option("--port <n>", "port (0: any free port)", wholeNumber(0, 65_535), 8080)
      .option("--ingest", "enable POST /v1/documents (needs HYBRID_RAG_API_KEY)", false)
      .option(
        "--allow-no-key",
        "serve a non-loopback --host without HYBRID_RAG_API_KEY (only where the port is guarded, e.g. a container published on 127.0.0.1)",
        false,
      )
      .option("--max-top-k <n>", "most passages one search may return", wholeNumber(1, 10_000), 100)
      .option(
        "--request-timeout-ms <ms>",
        "longest a search may take",
        wholeNumber(1, 2 ** 31 - 1),
        30_000,
      ),
    queryModelSpecFlags,
    cliDefaultSpec,
  ).action(async (directory: string, options: Record<string, unknown>, command: Command) => {
    const spec = await specOfCommand(command, queryModelSpecFlags, cliDefaultSpec);
    if (printSpecIfAsked(command, spec.spec, io)) return;
    await serveCommand(directory, { ...(options as object), spec } as ServeFlags, io);
  });
}

/** Runs until SIGINT/SIGTERM, then closes within the shutdown deadline and frees the models. */
export async function serveCommand(directory: string, flags: ServeFlags, io: CliIo): Promise<void> {
  // Loaded here, not at start: other commands never load the HTTP server or the collection.
  const [{ createSearchServer, searchServerSettingsSchema }, { readCollectionManifest }] =
    await Promise.all([import("@hybrid-rag/search-server"), import("@hybrid-rag/collection")]);
  const { openServedCollection } = await import("./open-served-collection.ts");
  const apiKey = process.env.HYBRID_RAG_API_KEY;
  const settings = {
    host: flags.host,
    port: flags.port,
    ingest: flags.ingest,
    allowUnauthenticatedHost: flags.allowNoKey,
    maxTopK: flags.maxTopK,
    requestTimeoutMs: flags.requestTimeoutMs,
    ...(apiKey ? { apiKey } : {}),
  };
  // Settings are checked (loopback, key, ingest) before any model is loaded.
  const checked = parseWithSchema(
    searchServerSettingsSchema,
    settings,
    "hybrid-rag serve settings",
  );
  if (!["127.0.0.1", "localhost", "::1"].includes(checked.host) && !apiKey && !flags.allowNoKey) {
    throw new HybridRagError(
      "invalid-argument",
      `--host ${checked.host} would serve the collection beyond this machine without a key; set HYBRID_RAG_API_KEY (16+ characters) or keep the default 127.0.0.1.`,
    );
  }
  if (checked.ingest && !apiKey) {
    throw new HybridRagError(
      "invalid-argument",
      "--ingest changes the collection: set HYBRID_RAG_API_KEY (16+ characters) first.",
    );
  }
  const before = await readCollectionManifest(directory);
  const served = await openServedCollection(directory, flags.spec, { rerankOnWorkers: true });
  // The version opened is the manifest's of that moment: certain only if no save came between.
  const after = await readCollectionManifest(directory);
  const openedVersion = before?.version === after?.version ? after?.version : undefined;
  try {
    const server = createSearchServer({ collection: served.collection, directory, settings });
    const url = await server.listen();
    // `hybrid-rag search <dir>` asks this serve instead of loading the collection (serve.json).
    const record = (version: number) =>
      writeServeRecord(directory, {
        url,
        version,
        reranker: flags.spec.spec.reranker?.model ?? "none",
        maxTopK: checked.maxTopK,
        maxCandidates: checked.maxCandidates,
        needsKey: apiKey !== undefined,
        startedAt: new Date().toISOString(),
      });
    if (openedVersion !== undefined) await record(openedVersion);
    served.collection.events.on("collection-saved", ({ version }) => void record(version));
    io.stderr.write(`hybrid-rag serve: ${directory} on ${url} (OpenAPI: ${url}/openapi.json)\n`);
    const reason = await waitForShutdown();
    io.stderr.write(`hybrid-rag serve: ${reason}, closing\n`);
    await removeServeRecord(directory);
    await server.close();
  } finally {
    await served.release();
  }
}
