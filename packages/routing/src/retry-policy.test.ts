import { describe, expect, it } from "vitest";
import { RetriesSchema, type Rule } from "@switchyard/config";
import { resolveRetry } from "./resolve-policy.ts";

const rule = (retries: unknown) => ({ retries: RetriesSchema.parse(retries) }) as unknown as Rule;

describe("retry policy for gRPC calls", () => {
  it("Istio's default retryOn: UNAVAILABLE and CANCELLED, and what was never processed; no HTTP-level conditions for a POST", () => {
    const policy = resolveRetry(rule({}), undefined)!;
    expect([...policy.grpcStatuses].sort()).toEqual([1, 14]);
    expect(policy.grpc).toMatchObject({ grpcStatuses: new Set([1, 14]), connectFailure: true, refusedStream: true, reset: false, on5xx: false });
  });

  it("5xx, reset and status codes apply to gRPC calls only with retryNonIdempotent, as to any POST", () => {
    const plain = resolveRetry(rule({ retryOn: ["5xx", "503", "deadline-exceeded", "internal", "resource-exhausted"] }), undefined)!;
    expect([...plain.grpcStatuses].sort((a, b) => a - b)).toEqual([4, 8, 13]);
    expect(plain.grpc).toMatchObject({ on5xx: false, reset: false, codes: new Set(), connectFailure: true });
    const forced = resolveRetry(rule({ retryOn: ["5xx", "503"], retryNonIdempotent: true }), undefined)!;
    expect(forced.grpc).toMatchObject({ on5xx: true, reset: true, codes: new Set([503]) });
  });

  it("no gRPC side when nothing would be left of the policy for a POST", () => {
    expect(resolveRetry(rule({ retryOn: ["5xx"] }), undefined)!.grpc).toMatchObject({ connectFailure: true });
    expect(resolveRetry(rule({ retryOn: ["503", "reset"] }), undefined)!.grpc).toBeNull();
  });
});
