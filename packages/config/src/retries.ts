import { z } from "zod";
import { DurationMs } from "./duration.ts";

/**
 * Conditions a retry may follow (Envoy x-envoy-retry-on and retry-grpc-on names). `unavailable`,
 * `cancelled`, `deadline-exceeded`, `resource-exhausted` and `internal` are gRPC statuses, met by
 * a gRPC call whose answer is Trailers-Only with that `grpc-status`.
 */
export const RETRY_ON_CONDITIONS = [
  "connect-failure", "refused-stream", "reset", "5xx", "gateway-error", "retriable-status-codes",
  "unavailable", "cancelled", "deadline-exceeded", "resource-exhausted", "internal",
] as const;

const RetryOnSchema = z.string().trim().refine(
  (v) => (RETRY_ON_CONDITIONS as readonly string[]).includes(v) || /^[1-5]\d\d$/.test(v),
  "A retry condition (connect-failure, refused-stream, reset, 5xx, gateway-error) or a status code like 503",
);

export const RetriesSchema = z.strictObject({
  /** Retries after the first try: at most 1 + attempts requests; 0 disables. */
  attempts: z.number().int().min(0).max(10).default(2),
  /** Time for each try; defaults to the route timeout. */
  perTryTimeoutMs: DurationMs.optional(),
  retryOn: z.array(RetryOnSchema).default(["connect-failure", "refused-stream", "unavailable", "cancelled"]),
  /** Base of the exponential backoff with jitter between tries (Istio: 25ms). */
  backoffMs: DurationMs.default(25),
  /** Retry POST/PATCH and other non-idempotent methods too (off: they are never retried). */
  retryNonIdempotent: z.boolean().default(false),
});
export type Retries = z.infer<typeof RetriesSchema>;
