import { parentPort } from "node:worker_threads";
import { type ExtractionTask, extractDocument } from "./extract-document.ts";

// The extraction thread: one task at a time; the parent stops the thread at a task's deadline.
parentPort?.on("message", async (task: ExtractionTask) => {
  parentPort?.postMessage(await extractDocument(task));
});
