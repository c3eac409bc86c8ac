import {
  blockHeaderBytes,
  blockPayloadBytes,
  PostingsCursor,
  readUint32,
  writeBlockHeader,
} from "./postings-codec.ts";

/**
 * Format 1 and 2 upgrade: their block headers had a u32 payload length where format 3 keeps
 * a u16 length and the block's score bounds (max frequency, min norm). Fills in the bounds of
 * every block of an already validated region from its postings and the documents' norms.
 */
export function deriveBlockBounds(
  pool: Uint8Array,
  start: number,
  end: number,
  norms: Uint8Array,
): void {
  const cursor = new PostingsCursor();
  let block = start;
  let previousLast = -1;
  while (block < end) {
    const payload = blockPayloadBytes(pool, block);
    const blockEnd = block + blockHeaderBytes + payload;
    const last = readUint32(pool, block + 4);
    cursor.reset(pool, block, blockEnd);
    // Deltas of a block's first posting count from the previous block's last document.
    cursor.document = previousLast;
    let opensBlock = true;
    while (cursor.next()) {
      const document = cursor.document;
      writeBlockHeader(pool, block, payload, last, cursor.frequency, norms[document]!, opensBlock);
      opensBlock = false;
    }
    previousLast = last;
    block = blockEnd;
  }
}
