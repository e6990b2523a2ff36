import { describe, expect, it } from "vitest";
import { grpcHealthRequest, grpcHealthStatus, SERVING } from "./grpc-health.ts";

describe("gRPC health messages", () => {
  it("frames a HealthCheckRequest: empty for the whole server, field 1 for a service (two-byte length past 127)", () => {
    expect([...grpcHealthRequest("")]).toEqual([0, 0, 0, 0, 0]);
    expect([...grpcHealthRequest("users")]).toEqual([0, 0, 0, 0, 7, 0x0a, 5, ...Buffer.from("users")]);
    const long = grpcHealthRequest("s".repeat(200));
    expect([...long.subarray(0, 8)]).toEqual([0, 0, 0, 0, 203, 0x0a, 0xc8, 0x01]);
  });

  it("reads the status of a HealthCheckResponse; anything malformed is -1", () => {
    expect(grpcHealthStatus(Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]))).toBe(SERVING);
    expect(grpcHealthStatus(Buffer.from([0, 0, 0, 0, 2, 0x08, 0x02]))).toBe(2);
    expect(grpcHealthStatus(Buffer.from([0, 0, 0, 0, 0]))).toBe(0); // field absent: UNKNOWN
    // An unknown length-delimited field is skipped.
    expect(grpcHealthStatus(Buffer.from([0, 0, 0, 0, 5, 0x12, 0x01, 0x61, 0x08, 0x01]))).toBe(SERVING);
    expect(grpcHealthStatus(Buffer.from([1, 0, 0, 0, 2, 0x08, 0x01]))).toBe(-1); // compressed
    expect(grpcHealthStatus(Buffer.from([0, 0, 0, 0, 9, 0x08]))).toBe(-1); // short
    expect(grpcHealthStatus(Buffer.from([0, 0, 0, 0, 1, 0x08]))).toBe(-1); // varint cut off
  });
});
