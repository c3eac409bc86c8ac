import type {
  ExecutionProvider,
  ImageLimits,
  LoadModelOptions,
  ProviderReport,
} from "@hybrid-rag/models";
import type { CrossEncoderSettings, TruncateMode } from "./cross-encoder-options.ts";
import type { EncodedPair, QueryPassagePair } from "./encode-pairs.ts";
import type { ImageBytesPair, TokenizeImagePairsOptions } from "./image-bytes-pairs.ts";
import type { ChosenModelFile } from "./model-precision.ts";
import type { PassageWithImage } from "./vision-documents.ts";

/** What a pool hands each worker at start (structured-cloneable: no functions). */
export interface WorkerStartData {
  readonly model: string;
  readonly hub: LoadModelOptions | undefined;
  readonly settings: CrossEncoderSettings;
}

/** The tasks a cross-encoder worker runs (the shared `WorkerPool` carries them). */
export type CrossEncoderTask =
  | {
      readonly kind: "tokenize";
      readonly pairs: readonly QueryPassagePair[];
      readonly truncate: TruncateMode;
    }
  | {
      readonly kind: "tokenize-images";
      readonly pairs: readonly ImageBytesPair[];
      readonly options: Omit<TokenizeImagePairsOptions, "signal">;
    }
  | { readonly kind: "score"; readonly pairs: readonly EncodedPair[] }
  | {
      readonly kind: "score-pairs";
      readonly query: string;
      readonly passages: readonly string[];
      readonly truncate: TruncateMode;
    }
  | {
      /** A vision-language model's passages; their images are inline bytes (resolved before). */
      readonly kind: "score-passages";
      readonly query: string;
      readonly passages: readonly PassageWithImage[];
      readonly truncate: TruncateMode;
      readonly imageLimits: ImageLimits | undefined;
    };

/** What a worker reports once its model is loaded. */
export interface CrossEncoderFacts {
  readonly maxLength: number;
  readonly provider: ExecutionProvider;
  readonly fallbackReason: string | undefined;
  readonly providerReport: ProviderReport;
  readonly modelFile: ChosenModelFile;
  readonly source: string;
  /** The architecture family a graph was built for (undefined for an ONNX file as published). */
  readonly family: string | undefined;
  readonly acceptsImages: boolean;
}
