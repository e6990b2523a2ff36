import type { CompiledRetryPolicy } from "@switchyard/routing";
import type { ClusterState } from "./cluster-state.ts";

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
/** Largest request body kept in memory so a request can be tried again. */
export const MAX_REPLAY_BODY_BYTES = 64 * 1024;

/** How an attempt failed, as retryOn names it. */
export const Failure = {
  ConnectFailure: 1,
  Reset: 2,
  Timeout: 3,
  /** HTTP/2: the upstream refused the stream (never processed). */
  RefusedStream: 4,
} as const;

export function methodRetriable(policy: CompiledRetryPolicy, method: string): boolean {
  return policy.retryNonIdempotent || IDEMPOTENT.has(method);
}

/** Whether an upstream response status asks for another try. */
export function statusRetriable(policy: CompiledRetryPolicy, status: number): boolean {
  if (status >= 500 && policy.on5xx) return true;
  if (policy.gatewayError && (status === 502 || status === 503 || status === 504)) return true;
  return policy.codes.has(status);
}

/** Whether a gRPC status in a Trailers-Only answer (`grpc-status` in the only HEADERS frame) asks for another try. */
export function grpcStatusRetriable(policy: CompiledRetryPolicy, grpcStatus: number): boolean {
  return grpcStatus > 0 && policy.grpcStatuses.has(grpcStatus);
}

/** Whether a failure without a response asks for another try (per-try timeouts count as resets). */
export function failureRetriable(policy: CompiledRetryPolicy, failure: number): boolean {
  if (failure === Failure.ConnectFailure) return policy.connectFailure;
  if (failure === Failure.Timeout) return policy.reset || policy.gatewayError;
  if (failure === Failure.RefusedStream) return policy.refusedStream || policy.reset;
  return policy.reset;
}

/** Retry budget: retries in flight stay under max(minConcurrency, percent × active requests). */
export function budgetAllows(cluster: ClusterState, budget: { percent: number; minConcurrency: number }): boolean {
  const allowed = Math.max(budget.minConcurrency, Math.floor((cluster.active * budget.percent) / 100));
  return cluster.retries < allowed;
}

/** Exponential backoff with jitter: try n (1-based) waits in [d, 1.5·d) with d = base·2^(n-1), at most 10·base. */
export function backoffMs(base: number, retry: number): number {
  const d = Math.min(base * 2 ** (retry - 1), base * 10);
  return d + Math.random() * d * 0.5;
}
