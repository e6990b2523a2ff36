import { describe, expect, it } from "vitest";
import { encodeGrpcMessage, grpcStatusFor, isGrpcRequest } from "./grpc-local-reply.ts";

describe("gRPC local replies", () => {
  it("maps HTTP statuses as the gRPC spec does", () => {
    expect([400, 401, 403, 404, 429, 502, 503, 504, 413, 500].map(grpcStatusFor)).toEqual([13, 16, 7, 12, 14, 14, 14, 14, 2, 2]);
  });

  it("percent-encodes grpc-message outside printable ASCII, and % itself", () => {
    expect(encodeGrpcMessage("No route matches this request")).toBe("No route matches this request");
    expect(encodeGrpcMessage("100% sure: café\n")).toBe("100%25 sure: caf%C3%A9%0A");
  });

  it("knows gRPC and gRPC-Web calls by content-type", () => {
    expect(isGrpcRequest({ "content-type": "application/grpc" })).toBe(true);
    expect(isGrpcRequest({ "content-type": "application/grpc+proto" })).toBe(true);
    expect(isGrpcRequest({ "content-type": "application/grpc-web-text" })).toBe(true);
    expect(isGrpcRequest({ "content-type": "application/json" })).toBe(false);
    expect(isGrpcRequest({})).toBe(false);
  });
});
