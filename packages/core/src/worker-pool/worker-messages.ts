import { type ErrorCode, HybridRagError, toHybridRagError } from "../errors.ts";

/** A `HybridRagError` as it crosses a thread boundary (structured-cloneable). */
export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What a pool posts to a worker. */
export type PoolMessage<Task> =
  | { readonly kind: "run"; readonly id: number; readonly task: Task }
  /** Aborts a task's signal in the worker: work not yet started is skipped. */
  | { readonly kind: "cancel"; readonly id: number }
  /** Finish the task in progress, skip the others, release the model and end the thread. */
  | { readonly kind: "close" };

/** What a worker posts back. */
export type WorkerMessage<Facts> =
  | { readonly kind: "ready"; readonly facts: Facts }
  | { readonly kind: "load-failed"; readonly error: SerializedError }
  | { readonly kind: "done"; readonly id: number; readonly value: unknown }
  | { readonly kind: "failed"; readonly id: number; readonly error: SerializedError };

export function serializeError(error: unknown, context: string): SerializedError {
  const failure = toHybridRagError(error, context);
  return {
    code: failure.code,
    message: failure.message,
    ...(failure.details ? { details: structuredSafe(failure.details) } : {}),
  };
}

export function deserializeError(error: SerializedError): HybridRagError {
  return new HybridRagError(
    error.code,
    error.message,
    error.details ? { details: error.details } : {},
  );
}

function structuredSafe(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return structuredClone(details) as Record<string, unknown>;
  } catch {
    return {};
  }
}
