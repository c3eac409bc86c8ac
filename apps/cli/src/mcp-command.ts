import { HybridRagError } from "@hybrid-rag/core";
import { type Command, InvalidArgumentError } from "commander";
import type { CliIo } from "./cli-io.ts";
import { cliDefaultSpec, queryModelSpecFlags } from "./cli-spec.ts";
import {
  type CommandSpec,
  printSpecIfAsked,
  specOfCommand,
  withSpecOptions,
} from "./spec-options.ts";
import { waitForShutdown } from "./wait-for-shutdown.ts";

export interface McpFlags {
  /** The embedder and reranker (flags over `--spec` over the CLI's defaults). */
  readonly spec: CommandSpec;
  readonly http: boolean;
  readonly host: string;
  readonly port: number;
  readonly description?: string;
  readonly maxTopK: number;
}

const loopback = new Set(["127.0.0.1", "localhost", "::1"]);

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65_535)
    throw new InvalidArgumentError(
      `expected a port from 0 to 65535, got ${JSON.stringify(value)}.`,
    );
  return number;
}

/** Adds `hybrid-rag mcp <dir>` to the program. */
export function addMcpCommand(program: Command, io: CliIo): void {
  withSpecOptions(
    program
      .command("mcp")
      .description(
        "serve a collection over the Model Context Protocol: tools search, get_passage, get_document and document resources (stdio; --http for streamable HTTP on loopback)",
      )
      .argument("<dir>", "collection directory")
      .option("--http", "streamable HTTP instead of stdio", false)
      .option(
        "--host <address>",
        "HTTP address (another than loopback needs HYBRID_RAG_API_KEY)",
        "127.0.0.1",
      )
      .option("--port <n>", "HTTP port (0: any free port)", port, 8765)
      .option(
        "--description <text>",
        "what the collection holds, for the tool description agents read",
      )
      .option("--max-top-k <n>", "most passages one search may return", (value) => port(value), 20),
    queryModelSpecFlags,
    cliDefaultSpec,
  ).action(async (directory: string, options: Record<string, unknown>, command: Command) => {
    const spec = await specOfCommand(command, queryModelSpecFlags, cliDefaultSpec);
    if (printSpecIfAsked(command, spec.spec, io)) return;
    await mcpCommand(directory, { ...(options as object), spec } as McpFlags, io);
  });
}

/** Runs until SIGINT/SIGTERM (or, on stdio, until the client closes stdin). */
export async function mcpCommand(directory: string, flags: McpFlags, io: CliIo): Promise<void> {
  const apiKey = process.env.HYBRID_RAG_API_KEY;
  if (flags.http && !loopback.has(flags.host) && !apiKey) {
    throw new HybridRagError(
      "invalid-argument",
      `--host ${flags.host} would expose the collection beyond this machine without a key; set HYBRID_RAG_API_KEY (16+ characters) or keep the default 127.0.0.1.`,
    );
  }
  // Loaded here, not at start: `hybrid-rag --help` and other commands never load the MCP SDK.
  const { createCollectionMcpServer, serveMcpOverHttp, serveMcpOverStdio } = await import(
    "@hybrid-rag/mcp"
  );
  const { openServedCollection } = await import("./open-served-collection.ts");
  const served = await openServedCollection(directory, flags.spec);
  const create = () =>
    createCollectionMcpServer(served.collection, {
      maxTopK: flags.maxTopK,
      ...(flags.description ? { contents: flags.description } : {}),
    });
  try {
    if (flags.http) {
      const http = await serveMcpOverHttp(create, {
        host: flags.host,
        port: flags.port,
        ...(apiKey ? { apiKey } : {}),
      });
      // stderr: stdout belongs to the protocol on stdio, and the same rule keeps HTTP logs alike.
      io.stderr.write(`hybrid-rag mcp: ${directory} on ${http.url}\n`);
      const reason = await waitForShutdown();
      io.stderr.write(`hybrid-rag mcp: ${reason}, closing\n`);
      await http.close();
    } else {
      const server = create();
      const inputClosed = new Promise((resolve) => process.stdin.once("end", resolve));
      await serveMcpOverStdio(server);
      io.stderr.write(`hybrid-rag mcp: ${directory} on stdio\n`);
      await waitForShutdown(inputClosed);
      await server.close();
    }
  } finally {
    await served.release();
  }
}
