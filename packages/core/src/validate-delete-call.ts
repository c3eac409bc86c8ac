import { throwIfAborted } from "./abort.ts";
import type { WriteOptions } from "./document-index.ts";
import { HybridRagError } from "./errors.ts";

/**
 * Checks a `DocumentIndex.delete` call before any work: `aborted`/`timeout` for a fired signal,
 * `invalid-argument` when `ids` is not an array (a lone id string would otherwise be deleted
 * character by character). Returns the signal, which is all a delete needs from its options.
 */
export function validateDeleteCall(
  index: string,
  ids: unknown,
  options: WriteOptions | undefined,
): AbortSignal | undefined {
  const signal = options?.signal;
  throwIfAborted(signal, `${index} delete`);
  if (!Array.isArray(ids)) {
    throw new HybridRagError(
      "invalid-argument",
      `${index} delete: expected an array of ids, got ${typeof ids}.`,
    );
  }
  return signal;
}
