import type { SystemMeasurement } from "./measure-system.ts";

/**
 * What a measuring child process says on stdout, one JSON object per line, so that the parent
 * can time each phase against its budget and, if it kills the child, say how far it got and
 * keep the figures already measured.
 */
export type ChildMessage =
  | { readonly type: "build-started"; readonly total: number }
  | { readonly type: "build-progress"; readonly done: number }
  | {
      readonly type: "built";
      readonly buildSeconds: number;
      readonly rssDeltaBytes: number;
      readonly heapDeltaBytes: number;
      /** Judged queries the quality pass asks. */
      readonly total: number;
    }
  | { readonly type: "quality-progress"; readonly done: number }
  | {
      readonly type: "quality-done";
      readonly ndcgAt10: number;
      readonly recallAt100: number;
      /** Warm-up queries asked before the timed passes. */
      readonly total: number;
    }
  | { readonly type: "throughput-progress"; readonly done: number }
  | { readonly type: "measured"; readonly measurement: SystemMeasurement };

export const encodeMessage = (message: ChildMessage): string => `${JSON.stringify(message)}\n`;
