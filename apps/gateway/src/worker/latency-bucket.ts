import { LATENCY_BUCKET_COUNT } from "@switchyard/config";

const OVERFLOW = LATENCY_BUCKET_COUNT - 1;

/**
 * Index of the bucket (see LATENCY_BUCKETS_MS: 0.25 ms × √2^i) a duration falls in: the first
 * whose upper bound is ≥ ms. One log2, no search, no allocation.
 */
export function latencyBucket(ms: number): number {
  if (!(ms > 0.25)) return 0;
  const i = Math.ceil(2 * Math.log2(ms * 4) - 1e-9);
  return i > OVERFLOW ? OVERFLOW : i;
}
