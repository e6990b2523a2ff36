import type { IncomingMessage } from "node:http";
import { Transform, type TransformCallback } from "node:stream";

/**
 * The request body as the upstream client streams it: a stream of its own in front of the
 * client's request, never the request itself, because the upstream client destroys the body it
 * was given when the try fails (connect failure, reset), and destroying the request would close
 * the client's connection before the gateway's answer (503 UF) could go out. When the try gives up
 * on the body, the rest of the request is read and dropped, so the connection can carry that
 * answer and, with keep-alive, the next request.
 *
 * Counted as it streams: past `limit` bytes the stream fails, which ends the upstream try, and
 * `state.bodyTooLarge` tells the proxy to answer 413 (when it still can). For bodies without a
 * Content-Length the gateway states; those with one are refused up front.
 */
export function streamedBody(req: IncomingMessage, limit: number | null, state: { bodyTooLarge: boolean }, copy: BodyCopy | null = null): Transform {
  const max = limit ?? Infinity;
  let seen = 0;
  const body = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      seen += chunk.length;
      if (seen > max) {
        state.bodyTooLarge = true;
        cb(new Error("request body over the route's limit"));
        return;
      }
      copy?.add(chunk);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      if (copy !== null) copy.complete = true;
      cb();
    },
  });
  req.on("error", (e) => body.destroy(e));
  body.on("close", () => {
    if (req.readableEnded || req.destroyed) return;
    req.unpipe(body);
    req.resume();
  });
  return req.pipe(body);
}

/**
 * A copy of a streamed body kept while it streams, up to `max` bytes, so that it can be sent again
 * once it has arrived whole (a gRPC call's retry). Past `max` it is dropped and stays unusable.
 */
export class BodyCopy {
  complete = false;
  private chunks: Buffer[] = [];
  private size = 0;
  private overflow = false;
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** Whole and within the limit: whole() can be sent. */
  get usable(): boolean {
    return this.complete && !this.overflow;
  }

  add(chunk: Buffer): void {
    if (this.overflow) return;
    this.size += chunk.length;
    if (this.size > this.max) {
      this.overflow = true;
      this.chunks = [];
      return;
    }
    // Copied: a reader may hand out views of a buffer it reuses.
    this.chunks.push(Buffer.from(chunk));
  }

  whole(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
