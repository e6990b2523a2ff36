import type { IncomingMessage } from "node:http";
import { Transform, type TransformCallback } from "node:stream";

/**
 * The request body, counted as it streams: past `limit` bytes the stream fails, which ends the
 * upstream try, and `state.bodyTooLarge` tells the proxy to answer 413 (when it still can).
 * For bodies without a Content-Length the gateway states; those with one are refused up front.
 */
export function limitBody(req: IncomingMessage, limit: number, state: { bodyTooLarge: boolean }): Transform {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) {
        state.bodyTooLarge = true;
        req.unpipe(counter);
        req.resume();
        cb(new Error("request body over the route's limit"));
        return;
      }
      cb(null, chunk);
    },
  });
  req.on("error", (e) => counter.destroy(e));
  return req.pipe(counter);
}
