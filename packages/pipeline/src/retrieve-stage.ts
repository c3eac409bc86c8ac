import { HybridRagError, type RankedList, type Retriever } from "@hybrid-rag/core";
import type { SourceFailurePolicy } from "./pipeline-settings.ts";
import type { StageContext } from "./stage-context.ts";
import { validateRetrievedHits } from "./validate-component-output.ts";
import { withDeadline } from "./with-deadline.ts";

export interface RetrieveStageOptions {
  readonly retrievers: readonly Retriever[];
  readonly topK: number;
  readonly timeoutMs: number | undefined;
  readonly policyFor: (source: string) => SourceFailurePolicy;
}

/**
 * Runs every retriever at once (never one after another). A source that fails, times out or
 * returns malformed hits (see `validateRetrievedHits`) is a failed source: it either
 * fails the query or, under "continue", becomes a list with `error` set plus a warning. A fired
 * caller signal always fails the query.
 */
export async function retrieveStage(
  context: StageContext,
  options: RetrieveStageOptions,
): Promise<RankedList[]> {
  const started = performance.now();
  const outcomes = await Promise.all(
    options.retrievers.map((retriever) => retrieveOne(context, options, retriever)),
  );
  context.timings.retrieve = performance.now() - started;
  context.stages.retrievers = outcomes.map(({ source, hits, durationMs, error }) =>
    error === undefined
      ? { source, status: "ok", hits, durationMs }
      : { source, status: "failed", hits, durationMs, error: error.message },
  );
  const failures = outcomes.filter((outcome) => outcome.error !== undefined) as Failure[];
  const fatal = failures.find(
    (failure) => context.signal?.aborted || options.policyFor(failure.source) === "fail",
  );
  const everyOneFailed = failures.length > 0 && failures.length === outcomes.length;
  const recovered = fatal === undefined && !everyOneFailed;
  for (const { source, error } of failures) {
    context.emit("stage-error", { stage: `retrieve:${source}`, error, recovered });
    if (recovered)
      context.warnings.push(`retriever "${source}" failed and was left out: ${error.message}`);
  }
  if (fatal) throw fatal.error;
  if (everyOneFailed) throw allFailed(failures);
  return outcomes.map(({ source, hits, error }) =>
    error === undefined ? { source, hits } : { source, hits: [], error },
  );
}

interface Outcome {
  readonly source: string;
  readonly hits: RankedList["hits"];
  readonly durationMs: number;
  readonly error?: HybridRagError;
}

type Failure = Outcome & { readonly error: HybridRagError };

async function retrieveOne(
  context: StageContext,
  options: RetrieveStageOptions,
  retriever: Retriever,
): Promise<Outcome> {
  const source = retriever.name;
  const started = performance.now();
  context.emit("retrieve-start", { source, query: context.query, topK: options.topK });
  try {
    const output: unknown = await withDeadline(
      (signal) =>
        retriever.retrieve(context.query, {
          topK: options.topK,
          signal,
          ...(context.filter === undefined ? {} : { filter: context.filter }),
        }),
      { signal: context.signal, timeoutMs: options.timeoutMs, what: `retriever "${source}"` },
    );
    const hits = validateRetrievedHits(source, output);
    const durationMs = performance.now() - started;
    context.timings[`retrieve:${source}`] = durationMs;
    context.emit("retrieve-end", { source, count: hits.length, durationMs });
    return { source, hits, durationMs };
  } catch (error) {
    const durationMs = performance.now() - started;
    context.timings[`retrieve:${source}`] = durationMs;
    return { source, hits: [], durationMs, error: error as HybridRagError };
  }
}

function allFailed(failures: readonly Failure[]): HybridRagError {
  const first = failures[0]!.error;
  const summary = failures.map(({ source, error }) => `"${source}": ${error.message}`).join("; ");
  return new HybridRagError(
    first.code,
    `Every retriever failed, so there is nothing to return (${summary}).`,
    { cause: first, isRetryable: first.isRetryable },
  );
}
