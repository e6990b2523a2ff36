import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import { BodyRequest } from "./lean-body-request.ts";
import { BodilessRequest } from "./lean-request.ts";

const { NGHTTP2_CANCEL } = constants;

/**
 * A stream's request headers as an HTTP/1.1 request's: the pseudo-headers left out (they must not
 * be forwarded), `:authority` as `host` (it wins over a Host header that says otherwise, RFC 9113
 * §8.3.1), and a body without content-length (gRPC's always) declared chunked, the HTTP/1.1 word
 * for the same thing, as nginx forwards such bodies; transfer-encoding is hop-by-hop, so it is
 * never sent on as such. A fresh object: node:http2's has no prototype, and deleting from it
 * would leave the proxy reading a dictionary.
 */
export function http1Headers(h2: IncomingHttpHeaders, hasBody: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in h2) if (name.charCodeAt(0) !== 58 /* ':' */) out[name] = h2[name] as string;
  const authority = h2[":authority"];
  if (authority !== undefined) out.host = authority;
  if (hasBody && out["content-length"] === undefined) out["transfer-encoding"] = "chunked";
  return out;
}

/**
 * The request of an HTTP/2 stream that ended with its headers (no body). `socket` is the
 * connection's (its address); destroying the request resets its stream only.
 */
export class H2Request extends BodilessRequest {
  readonly httpVersion = "2.0";
  readonly httpVersionMajor = 2;
  readonly httpVersionMinor = 0;
  private readonly stream: ServerHttp2Stream;

  constructor(stream: ServerHttp2Stream, method: string, url: string, headers: Record<string, string>, socket: Socket) {
    super(method, url, headers, socket);
    this.stream = stream;
  }

  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      if (!this.stream.closed) this.stream.close(NGHTTP2_CANCEL);
    }
    return this;
  }
}

/**
 * The request of an HTTP/2 stream with a body: what H2Request offers, plus the body as a Readable
 * fed from the stream with backpressure (a full buffer pauses the stream, so HTTP/2 flow control
 * holds the client back). node:http2 ends a reset stream's readable side as if the body were
 * whole; here the body ends only on the client's END_STREAM, and a reset destroys the request
 * instead (no 'end', as node:http reports an aborted HTTP/1.1 request), so a cut-off body never
 * reaches an upstream as complete; destroying it before the body is whole resets the stream.
 */
export class H2BodyRequest extends BodyRequest {
  readonly httpVersion = "2.0";
  readonly httpVersionMajor = 2;
  readonly httpVersionMinor = 0;
  private readonly stream: ServerHttp2Stream;

  constructor(stream: ServerHttp2Stream, method: string, url: string, headers: Record<string, string>, socket: Socket) {
    super(method, url, headers, socket);
    this.stream = stream;
    stream.on("data", (chunk: Buffer) => { if (!this.push(chunk)) stream.pause(); });
    stream.once("end", () => {
      // Reset before END_STREAM (node:http2 says `aborted`): not a whole body.
      if (stream.aborted) return this.destroy();
      this.complete = true;
      this.push(null);
    });
    stream.once("close", () => { if (!this.complete) this.destroy(); });
  }

  /** Set by stopReading(): the rest of the body is not wanted. */
  private stopped = false;

  override _read(): void {
    if (!this.stopped) this.stream.resume();
  }

  /** Reads no more of the body (the stream is about to be reset): its flow-control window stays shut. */
  stopReading(): void {
    this.stopped = true;
    this.stream.pause();
  }

  protected abandon(): void {
    if (!this.stream.closed) this.stream.close(NGHTTP2_CANCEL);
  }
}
