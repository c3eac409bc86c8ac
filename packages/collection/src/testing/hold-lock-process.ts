// Holds a collection's writer lock for a test until its stdin closes; prints {"pid":…} once held.
// argv: <directory>
import { lockCollection } from "../collection-lock.ts";

const lock = await lockCollection(process.argv[2]!);
process.stdout.write(`${JSON.stringify({ pid: process.pid })}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await lock.release();
  process.exit(0);
});
