/**
 * Resolves on SIGINT or SIGTERM (and on `extra`, e.g. stdin closing for a stdio server), so a
 * long-running command can release its models and close its server before the process exits.
 */
export function waitForShutdown(extra?: Promise<unknown>): Promise<string> {
  return new Promise((resolve) => {
    const stop = (reason: string) => {
      process.off("SIGINT", onInterrupt);
      process.off("SIGTERM", onTerminate);
      resolve(reason);
    };
    const onInterrupt = () => stop("SIGINT");
    const onTerminate = () => stop("SIGTERM");
    process.once("SIGINT", onInterrupt);
    process.once("SIGTERM", onTerminate);
    void extra?.then(() => stop("input closed"));
  });
}
