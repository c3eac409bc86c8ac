import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { HybridRagError } from "@hybrid-rag/core";
import type { ChildMessage } from "./child-messages.ts";
import type { CorpusSpec } from "./corpus-spec.ts";
import type { DidNotFinish, PhaseBudgets, UnfinishedPhase } from "./did-not-finish.ts";
import type { MeasureSettings, SystemMeasurement } from "./measure-system.ts";

const childScript = fileURLToPath(new URL("child.ts", import.meta.url));

/** A full measurement, or a kill at a budget with the figures the child had reported by then. */
export type ChildOutcome =
  | { readonly measurement: SystemMeasurement }
  | { readonly didNotFinish: DidNotFinish; readonly partial: Partial<SystemMeasurement> };

export interface ChildOptions {
  readonly budgets: PhaseBudgets;
  /** The module whose `systems` list names `system` (default `systems.ts`; the tests give fakes). */
  readonly systemsModule?: string;
}

/**
 * Measures one system in a fresh Node process (its own heap, RSS and JIT), as `child.ts` does
 * it. The build, and then the queries, each have a budget: a child past one is killed and the
 * outcome says where it was (never a stalled benchmark).
 */
export function runChild(
  system: string,
  corpus: CorpusSpec,
  settings: MeasureSettings,
  options: ChildOptions,
): Promise<ChildOutcome> {
  const request = JSON.stringify({
    system,
    corpus,
    settings,
    ...(options.systemsModule ? { systemsModule: options.systemsModule } : {}),
  });
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--disable-warning=ExperimentalWarning", childScript, request],
    // LanceDB logs deprecation warnings through Rust's logger on stderr.
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: "error" } },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  let phase: UnfinishedPhase | undefined;
  let phaseStarted = 0;
  let done = 0;
  let total = 0;
  let partial: Partial<SystemMeasurement> = {};
  let measurement: SystemMeasurement | undefined;
  let didNotFinish: DidNotFinish | undefined;
  let timer: NodeJS.Timeout | undefined;
  const startPhase = (next: UnfinishedPhase, phaseTotal: number, budgetSeconds: number) => {
    // The quality and throughput phases share the query budget: only the build starts a clock.
    if (next !== "throughput") {
      clearTimeout(timer);
      phaseStarted = performance.now();
      timer = setTimeout(() => {
        didNotFinish = {
          phase: phase!,
          budgetSeconds,
          seconds: (performance.now() - phaseStarted) / 1000,
          done,
          total,
        };
        child.kill("SIGKILL");
      }, budgetSeconds * 1000);
    }
    phase = next;
    done = 0;
    total = phaseTotal;
  };
  const hear = (message: ChildMessage) => {
    if (message.type === "build-started") {
      startPhase("build", message.total, options.budgets.buildSeconds);
    } else if (message.type === "built") {
      const { buildSeconds, rssDeltaBytes, heapDeltaBytes } = message;
      partial = { buildSeconds, rssDeltaBytes, heapDeltaBytes };
      startPhase("quality", message.total, options.budgets.querySeconds);
    } else if (message.type === "quality-done") {
      partial = { ...partial, ndcgAt10: message.ndcgAt10, recallAt100: message.recallAt100 };
      startPhase("throughput", message.total, options.budgets.querySeconds);
    } else if (message.type === "measured") {
      clearTimeout(timer);
      measurement = message.measurement;
    } else {
      done = message.done;
    }
  };
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith("{")) hear(JSON.parse(line) as ChildMessage);
  });

  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (didNotFinish) resolve({ didNotFinish, partial });
      else if (measurement && code === 0) resolve({ measurement });
      else {
        reject(
          new HybridRagError(
            "internal",
            `measuring ${system} failed (exit ${code ?? signal}): ${stderr.trim() || "no output"}`,
          ),
        );
      }
    });
  });
}
