import { parentPort } from "node:worker_threads";
import { type ExtractionTask, extractDocument } from "./extract-document.ts";

// The extraction thread: one task at a time; the parent stops the thread at a task's deadline.
// Its parsers are loaded by the time this runs, so "ready" starts the clock on the work alone.
parentPort?.on("message", async (task: ExtractionTask) => {
  parentPort?.postMessage(await extractDocument(task));
});
parentPort?.postMessage("ready");
