import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  clientGrpcWebContentType, GRPC_WEB_BINARY, GRPC_WEB_TEXT, grpcWebMode, grpcWebResponseBody, grpcWebTextDecoder, grpcWebTrailerFrame, upstreamGrpcContentType,
} from "./grpc-web.ts";

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

describe("gRPC-Web translation", () => {
  it("content types both ways, the message format kept", () => {
    expect([grpcWebMode("application/grpc-web"), grpcWebMode("application/grpc-web-text+proto"), grpcWebMode("application/grpc"), grpcWebMode(undefined)])
      .toEqual([GRPC_WEB_BINARY, GRPC_WEB_TEXT, 0, 0]);
    expect(upstreamGrpcContentType("application/grpc-web+proto")).toBe("application/grpc");
    expect(upstreamGrpcContentType("application/grpc-web-text+json")).toBe("application/grpc+json");
    expect(clientGrpcWebContentType(GRPC_WEB_TEXT, "application/grpc")).toBe("application/grpc-web-text+proto");
    expect(clientGrpcWebContentType(GRPC_WEB_BINARY, "application/grpc+json")).toBe("application/grpc-web+json");
  });

  it("decodes a text body split anywhere, line breaks ignored", async () => {
    const data = Buffer.from("any bytes \u0000\u00ff of a gRPC frame", "latin1");
    const b64 = data.toString("base64");
    const parts = [b64.slice(0, 1), b64.slice(1, 6), `${b64.slice(6, 9)}\r\n`, b64.slice(9)];
    expect(await collect(Readable.from(parts.map((p) => Buffer.from(p))).pipe(grpcWebTextDecoder()))).toEqual(data);
  });

  it("the trailer frame, and the text form as one base64 stream however the data is split", async () => {
    const trailers = { "grpc-status": "0", "grpc-message": "ok" };
    const frame = grpcWebTrailerFrame(trailers);
    expect([...frame.subarray(0, 5)]).toEqual([0x80, 0, 0, 0, 32]);
    expect(frame.subarray(5).toString()).toBe("grpc-status:0\r\ngrpc-message:ok\r\n");
    const data = Buffer.from([0, 0, 0, 0, 4, 1, 2, 3, 4]);
    const binary = await collect(Readable.from([data.subarray(0, 2), data.subarray(2)]).pipe(grpcWebResponseBody(GRPC_WEB_BINARY, () => trailers)));
    expect(binary).toEqual(Buffer.concat([data, frame]));
    const text = await collect(Readable.from([data.subarray(0, 1), data.subarray(1, 5), data.subarray(5)]).pipe(grpcWebResponseBody(GRPC_WEB_TEXT, () => trailers)));
    expect(Buffer.from(text.toString(), "base64")).toEqual(Buffer.concat([data, frame]));
    // Trailers-Only: nothing to append.
    expect(await collect(Readable.from([]).pipe(grpcWebResponseBody(GRPC_WEB_BINARY, () => null)))).toEqual(Buffer.alloc(0));
  });
});
