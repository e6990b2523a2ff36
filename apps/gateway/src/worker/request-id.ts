import { randomFillSync } from "node:crypto";

/**
 * Random (version 4) UUIDs for x-request-id, made in batches: one getrandom call and one
 * string per 128 ids, each id then handed out as a slice of it. crypto.randomUUID() builds
 * each id by string concatenation, a few hundred bytes of garbage per request on the hot path.
 */
const BATCH = 128;
const bytes = Buffer.allocUnsafe(BATCH * 16);
const text = Buffer.allocUnsafe(BATCH * 36);
const HEX = Buffer.from("0123456789abcdef", "latin1");
let ids = "";
let next = BATCH;

function refill(): void {
  randomFillSync(bytes);
  formatBatch();
  ids = text.toString("latin1");
  next = 0;
}

/**
 * The batch's bytes as UUID text. Its own function so that the loop, which V8 compiles while it
 * runs (on-stack replacement), has no code after it: refill's toString had no type feedback
 * yet when the loop was first compiled, and the cached loop code deoptimized there again and again.
 */
function formatBatch(): void {
  let o = 0;
  for (let u = 0; u < BATCH; u++) {
    const b = u * 16;
    bytes[b + 6] = (bytes[b + 6]! & 0x0f) | 0x40; // version 4
    bytes[b + 8] = (bytes[b + 8]! & 0x3f) | 0x80; // RFC 9562 variant
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[o++] = 0x2d; // "-"
      const v = bytes[b + i]!;
      text[o++] = HEX[v >> 4]!;
      text[o++] = HEX[v & 15]!;
    }
  }
}

/** A new random UUID, lowercase, as crypto.randomUUID() makes them. */
export function newRequestId(): string {
  if (next === BATCH) refill();
  const at = next++ * 36;
  return ids.slice(at, at + 36);
}
