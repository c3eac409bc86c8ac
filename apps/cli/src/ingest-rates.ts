import type { IngestProgress } from "@hybrid-rag/collection";

export interface IngestRates {
  readonly chunks: number;
  readonly filesPerSecond: string;
  readonly chunksPerSecond: string;
  /** Time left at the average rate so far ("–" until there is one). */
  readonly eta: string;
}

/**
 * The progress bar's rates and ETA from an `ingest-progress` event: files (sources) and chunks
 * per second since the start, and the time the remaining files take at that pace.
 */
export function ingestRates(
  event: Pick<IngestProgress, "sources" | "chunks" | "elapsedMs">,
  totalSources: number,
): IngestRates {
  const seconds = event.elapsedMs / 1000;
  const filesPerSecond = seconds > 0 ? event.sources / seconds : 0;
  const chunksPerSecond = seconds > 0 ? event.chunks / seconds : 0;
  const remaining = Math.max(0, totalSources - event.sources);
  return {
    chunks: event.chunks,
    filesPerSecond: filesPerSecond.toFixed(1),
    chunksPerSecond: chunksPerSecond.toFixed(1),
    eta: filesPerSecond > 0 ? formatDuration(remaining / filesPerSecond) : "–",
  };
}

/** 0:42, 12:05, 1:02:09 */
export function formatDuration(totalSeconds: number): string {
  const whole = Math.round(totalSeconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = String(whole % 60).padStart(2, "0");
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`
    : `${minutes}:${seconds}`;
}
