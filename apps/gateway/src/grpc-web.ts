import { Transform, type TransformCallback } from "node:stream";

/**
 * gRPC-Web (browsers' gRPC, over HTTP/1.1 or HTTP/2) translated to gRPC for an HTTP/2 destination,
 * as Envoy's grpc_web filter does: the request goes on as `application/grpc` (its text form
 * base64-decoded), and the answer comes back as `application/grpc-web+…` with the upstream's
 * trailers as a last body frame (flag 0x80), base64-encoded again for the text form.
 */

export const GRPC_WEB_NONE = 0;
export const GRPC_WEB_BINARY = 1;
/** application/grpc-web-text: the body is base64, both ways. */
export const GRPC_WEB_TEXT = 2;

/** The gRPC-Web form of a request by its content-type. */
export function grpcWebMode(type: string | string[] | undefined): number {
  if (typeof type !== "string" || !type.startsWith("application/grpc-web")) return GRPC_WEB_NONE;
  return type.startsWith("application/grpc-web-text") ? GRPC_WEB_TEXT : GRPC_WEB_BINARY;
}

/** The message format suffix of a gRPC(-Web) content-type: "+proto", "+json", … ("+proto" when none). */
function formatOf(type: string | undefined): string {
  const plus = type?.indexOf("+") ?? -1;
  return plus === -1 ? "+proto" : type!.slice(plus).split(";")[0]!.trim();
}

/** What the gRPC upstream is sent: application/grpc with the request's message format. */
export function upstreamGrpcContentType(requestType: string | undefined): string {
  const format = formatOf(requestType);
  return format === "+proto" ? "application/grpc" : `application/grpc${format}`;
}

/** What the gRPC-Web client is answered with, for the upstream's content-type. */
export function clientGrpcWebContentType(mode: number, upstreamType: string | undefined): string {
  return `${mode === GRPC_WEB_TEXT ? "application/grpc-web-text" : "application/grpc-web"}${formatOf(upstreamType)}`;
}

/** A text-form body, decoded (a whole body: its base64 in one piece). */
export function decodeGrpcWebText(body: Buffer): Buffer {
  return Buffer.from(body.toString("latin1"), "base64");
}

/** Decodes a text-form body as it streams: base64 split anywhere (up to 3 characters wait for the next chunk). */
export function grpcWebTextDecoder(): Transform {
  let rest = "";
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      const text = rest + chunk.toString("latin1").replace(/[^A-Za-z0-9+/=]/g, "");
      const whole = text.length - (text.length % 4);
      rest = text.slice(whole);
      cb(null, whole > 0 ? Buffer.from(text.slice(0, whole), "base64") : undefined);
    },
    flush(cb: TransformCallback) {
      cb(null, rest.length > 0 ? Buffer.from(rest, "base64") : undefined);
    },
  });
}

/** gRPC-Web's trailer frame: flag 0x80, 4-byte length, then `name:value\r\n` lines. */
export function grpcWebTrailerFrame(trailers: Record<string, string | string[] | undefined>): Buffer {
  let text = "";
  for (const name in trailers) {
    const value = trailers[name];
    if (value === undefined || name.startsWith(":")) continue;
    for (const v of Array.isArray(value) ? value : [value]) text += `${name.toLowerCase()}:${v}\r\n`;
  }
  const body = Buffer.from(text, "latin1");
  const frame = Buffer.alloc(5 + body.length);
  frame[0] = 0x80;
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  return frame;
}

/**
 * The client's response body: the upstream's gRPC frames as they are (binary) or as one base64
 * stream (text; up to 2 bytes wait for the next chunk), then the trailers `trailers()` returns
 * once the upstream body has ended (none for a Trailers-Only answer, whose status is in the head).
 */
export function grpcWebResponseBody(mode: number, trailers: () => Record<string, string | string[] | undefined> | null): Transform {
  let rest: Buffer | null = null;
  const text = mode === GRPC_WEB_TEXT;
  const encode = (data: Buffer): string => {
    const all = rest === null ? data : Buffer.concat([rest, data]);
    const whole = all.length - (all.length % 3);
    rest = whole < all.length ? all.subarray(whole) : null;
    return all.subarray(0, whole).toString("base64");
  };
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      if (!text) return cb(null, chunk);
      const out = encode(chunk);
      cb(null, out.length > 0 ? out : undefined);
    },
    flush(cb: TransformCallback) {
      const t = trailers();
      const frame = t === null ? null : grpcWebTrailerFrame(t);
      if (!text) return cb(null, frame ?? undefined);
      const tail = Buffer.concat([rest ?? Buffer.alloc(0), frame ?? Buffer.alloc(0)]);
      cb(null, tail.length > 0 ? tail.toString("base64") : undefined);
    },
  });
}
