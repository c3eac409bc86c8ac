import cliProgress from "cli-progress";

/** One progress bar: indexing, embedding, running queries, downloading. */
export interface ProgressBar {
  update(done: number, total?: number): void;
  stop(): void;
}

/** Creates progress bars; the benchmark never writes bars itself. */
export interface Progress {
  start(label: string, total: number, unit: string): ProgressBar;
}

/** Bars on stderr (only when it is a terminal, so logs and pipes stay clean). */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return {
    start(label, total, unit) {
      const bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label.padEnd(28)} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted} (eta {eta_formatted})`,
          hideCursor: true,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0);
      return {
        update(done, newTotal) {
          if (newTotal !== undefined) bar.setTotal(Math.max(newTotal, 1));
          bar.update(done);
        },
        stop() {
          bar.stop();
        },
      };
    },
  };
}

/** No output at all (tests, `--quiet`). */
export const silentProgress: Progress = {
  start: () => ({ update() {}, stop() {} }),
};
