import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { oracleUnavailableReason } from "./lucene-oracle.ts";

/** `../shared/datasets/scifact` relative to the repository root. */
export const scifactFolder = fileURLToPath(
  new URL("../../../../../shared/datasets/scifact", import.meta.url),
);

export interface OracleAvailability {
  /** Skip the suite: the oracle or SciFact is missing and this is not CI. */
  readonly skip: boolean;
  /** Throws (fails the test) when the oracle cannot run; call first in each test. */
  readonly require: () => void;
}

/**
 * Whether the Lucene oracle tests can run. CI installs the oracle (.ci/system-packages), so
 * there a missing oracle fails the tests; elsewhere they skip with a message saying why.
 */
export function oracleAvailability(suite: string): OracleAvailability {
  const unavailable = existsSync(scifactFolder)
    ? oracleUnavailableReason()
    : `SciFact not found at ${scifactFolder}`;
  const skip = unavailable !== undefined && !process.env.CI;
  if (skip) console.warn(`Skipping ${suite}: ${unavailable}. (It fails instead when CI is set.)`);
  return {
    skip,
    require: () => {
      if (unavailable) throw new Error(`The Lucene oracle cannot run: ${unavailable}.`);
    },
  };
}
