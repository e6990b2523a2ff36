/**
 * A gRPC call's deadline as its client sends it, `grpc-timeout` (gRPC over HTTP/2: 1 to 8 digits
 * and a unit, H M S m u n). Istio has Envoy honour it (max_grpc_timeout 0): the call's timeout is
 * the smaller of it and the route's.
 */

/** Longest delay setTimeout takes (a longer one fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 0.001, n: 0.000_001 };

/** The header's value in whole milliseconds (at least 1), or null when it isn't one. */
export function grpcTimeoutMs(value: string): number | null {
  const n = value.length - 1;
  if (n < 1 || n > 8) return null;
  const unit = UNIT_MS[value[n]!];
  if (unit === undefined) return null;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    digits = digits * 10 + c;
  }
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(digits * unit)));
}
