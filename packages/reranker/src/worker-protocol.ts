import type { ErrorCode } from "@hybrid-rag/core";
import type { ExecutionProvider, LoadModelOptions, ProviderReport } from "@hybrid-rag/models";
import type { CrossEncoderSettings, TruncateMode } from "./cross-encoder-options.ts";
import type { EncodedPair, QueryPassagePair } from "./encode-pairs.ts";
import type { ChosenModelFile } from "./model-precision.ts";

/** What a pool hands each worker at start (structured-cloneable: no functions). */
export interface WorkerStartData {
  readonly model: string;
  readonly hub: LoadModelOptions | undefined;
  readonly settings: CrossEncoderSettings;
}

export type WorkerTask =
  | {
      readonly kind: "tokenize";
      readonly id: number;
      readonly pairs: readonly QueryPassagePair[];
      readonly truncate: TruncateMode;
    }
  | { readonly kind: "score"; readonly id: number; readonly pairs: readonly EncodedPair[] }
  | {
      readonly kind: "score-pairs";
      readonly id: number;
      readonly query: string;
      readonly passages: readonly string[];
      readonly truncate: TruncateMode;
    }
  /** Stops a task's model runs that have not started (a running one finishes). */
  | { readonly kind: "cancel"; readonly id: number }
  /** Finish the run in progress, skip the others, release the session and end the thread. */
  | { readonly kind: "close" };

export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type WorkerReply =
  | {
      readonly kind: "ready";
      readonly maxLength: number;
      readonly provider: ExecutionProvider;
      readonly fallbackReason: string | undefined;
      readonly providerReport: ProviderReport;
      readonly modelFile: ChosenModelFile;
      readonly source: string;
    }
  | { readonly kind: "load-failed"; readonly error: SerializedError }
  | { readonly kind: "tokenized"; readonly id: number; readonly pairs: EncodedPair[] }
  | { readonly kind: "scored"; readonly id: number; readonly scores: Float32Array }
  | { readonly kind: "failed"; readonly id: number; readonly error: SerializedError };
