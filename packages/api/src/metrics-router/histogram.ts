import { LATENCY_BUCKET_COUNT, LATENCY_BUCKETS_MS } from "@switchyard/config";

export function emptyHistogram(): Float64Array {
  return new Float64Array(LATENCY_BUCKET_COUNT);
}

/** Adds a sparse [index, count, …] histogram into a dense one. */
export function addSparse(into: Float64Array, sparse: readonly number[]): void {
  for (let i = 0; i + 1 < sparse.length; i += 2) {
    const idx = sparse[i]!;
    if (idx >= 0 && idx < into.length) into[idx]! += sparse[i + 1]!;
  }
}

export function addDense(into: Float64Array, from: ArrayLike<number>): void {
  for (let i = 0; i < into.length && i < from.length; i++) into[i]! += from[i]!;
}

/**
 * The q-quantile (0..1) in ms, interpolated geometrically inside the bucket it falls in (the
 * buckets are log-spaced); null without samples.
 */
export function quantile(hist: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i]!;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const c = hist[i]!;
    if (c === 0) continue;
    if (seen + c >= rank) {
      const upper = LATENCY_BUCKETS_MS[i] ?? LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]! * Math.SQRT2;
      const lower = i === 0 ? upper / Math.SQRT2 : LATENCY_BUCKETS_MS[i - 1]!;
      const frac = Math.min(1, Math.max(0, (rank - seen) / c));
      return round(lower * (upper / lower) ** frac);
    }
    seen += c;
  }
  return round(LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
