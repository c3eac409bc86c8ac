import type { Client } from "@elastic/elasticsearch";
import { HybridRagError, type ItemFailure } from "@hybrid-rag/core";
import {
  errorCodeForHttpStatus,
  isRetryableHttpStatus,
  sleepBeforeRetry,
} from "@hybrid-rag/core/internal";
import { type BulkAction, bulkBatches } from "./bulk-batches.ts";
import { type BulkItemResult, parseBulkResponse } from "./bulk-response.ts";
import { reasonOf, toElasticsearchError } from "./elasticsearch-error.ts";
import type { BulkOptions } from "./elasticsearch-options.ts";

export interface BulkRunOptions {
  readonly client: Client;
  readonly index: string;
  readonly bulk: BulkOptions;
  readonly requestTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** Called after each batch settles (all its actions succeeded or were given up on). */
  readonly onBatchSettled?: (actions: number, failed: number) => void;
}

export interface BulkOutcome {
  /** Actions Elasticsearch applied (for deletes: documents that existed). */
  readonly succeeded: number;
  /** Deletes of ids that did not exist. */
  readonly notFound: number;
  readonly failed: ItemFailure[];
}

/**
 * Sends actions through `_bulk` in batches, `concurrency` requests at a time. A request that
 * fails as a whole (connection reset, timeout, 429, 5xx) is retried with backoff; inside a
 * response only the items that failed with 429/5xx are retried, and items that failed for good
 * (mapping errors, retries exhausted) are reported with Elasticsearch's reason. Every action
 * ends up counted as succeeded, not found or failed: nothing is dropped.
 */
export async function runBulk(
  actions: readonly BulkAction[],
  options: BulkRunOptions,
): Promise<BulkOutcome> {
  const batches = bulkBatches(actions, options.bulk.maxDocuments, options.bulk.maxBytes);
  const outcome = { succeeded: 0, notFound: 0, failed: [] as ItemFailure[] };
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const failedBefore = outcome.failed.length;
      await sendBatch(batch, options, outcome);
      options.onBatchSettled?.(batch.length, outcome.failed.length - failedBefore);
    }
  };
  const workers = Array.from(
    { length: Math.min(options.bulk.concurrency, batches.length) },
    worker,
  );
  const settled = await Promise.allSettled(workers);
  const rejection = settled.find((result) => result.status === "rejected");
  if (rejection) throw (rejection as PromiseRejectedResult).reason;
  outcome.failed.sort((a, b) => a.index - b.index);
  return outcome;
}

async function sendBatch(
  batch: readonly BulkAction[],
  options: BulkRunOptions,
  outcome: { succeeded: number; notFound: number; failed: ItemFailure[] },
): Promise<void> {
  const { bulk, signal } = options;
  const what = `Elasticsearch bulk write to ${options.index}`;
  let pending = batch;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0)
      await sleepBeforeRetry(attempt, bulk.initialBackoffMs, bulk.maxBackoffMs, signal, what);
    let results: BulkItemResult[];
    try {
      const body = await options.client.bulk(
        {
          index: options.index,
          operations: pending.flatMap((action) => action.lines),
          refresh: false,
        },
        { requestTimeout: options.requestTimeoutMs, maxRetries: 0, ...(signal ? { signal } : {}) },
      );
      results = parseBulkResponse(body, pending.length);
    } catch (error) {
      const failure = toElasticsearchError(error, what, signal);
      if (failure.code === "aborted" || (signal?.aborted && failure.code === "timeout"))
        throw failure;
      if (failure.isRetryable && attempt < bulk.maxRetries) continue;
      for (const action of pending)
        outcome.failed.push({ id: action.id, index: action.index, error: failure });
      return;
    }
    const retry: BulkAction[] = [];
    pending.forEach((action, position) => {
      const result = results[position]!;
      if (result.status >= 200 && result.status < 300) outcome.succeeded++;
      else if (result.status === 404 && result.result === "not_found") outcome.notFound++;
      else if (isRetryableHttpStatus(result.status) && attempt < bulk.maxRetries)
        retry.push(action);
      else
        outcome.failed.push({
          id: action.id,
          index: action.index,
          error: itemError(result, attempt, what),
        });
    });
    pending = retry;
  }
}

function itemError(result: BulkItemResult, attempt: number, what: string): HybridRagError {
  const retried = attempt > 0 ? ` after ${attempt} retr${attempt === 1 ? "y" : "ies"}` : "";
  return new HybridRagError(
    errorCodeForHttpStatus(result.status),
    `${what}: document ${JSON.stringify(result._id ?? "?")} was rejected with ${result.status}${retried} (${reasonOf(result) ?? "no reason given"}).`,
    {
      statusCode: result.status,
      isRetryable: isRetryableHttpStatus(result.status),
      details: { error: result.error },
    },
  );
}
