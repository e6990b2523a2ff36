/** One limit of a rate-limit check: a window length and how many requests fit in it. */
export interface LimitSpec {
  readonly windowMs: number;
  readonly limit: number;
  readonly sliding: boolean;
}

/** Counts seen for one limit, after the request was (or wasn't) counted. */
export interface LimitState {
  /** Requests counted in the current window (including this one when allowed). */
  current: number;
  /** Requests in the previous window (sliding windows only; 0 for fixed). */
  previous: number;
  /** Milliseconds since the current window started. */
  elapsedMs: number;
}

/**
 * Requests "used" in the window ending now: for a sliding window the previous window's count
 * weighted by how much of it still overlaps, plus the current one (the usual two-counter
 * approximation). Not rounded, so a request is refused as soon as the weighted sum is full.
 */
export function usedInWindow(spec: LimitSpec, current: number, previous: number, elapsedMs: number): number {
  if (!spec.sliding || previous === 0) return current;
  return (previous * (spec.windowMs - elapsedMs)) / spec.windowMs + current;
}

/** Remaining requests after this one. */
export function remainingOf(spec: LimitSpec, state: LimitState): number {
  return Math.max(0, Math.floor(spec.limit - usedInWindow(spec, state.current, state.previous, state.elapsedMs)));
}

/** Whole seconds until the current window ends (RateLimit-Reset). */
export function resetSeconds(spec: LimitSpec, state: LimitState): number {
  return Math.max(1, Math.ceil((spec.windowMs - state.elapsedMs) / 1000));
}

/** Whole seconds until one more request would fit (Retry-After on a rejection). */
export function retryAfterSeconds(spec: LimitSpec, state: LimitState): number {
  const toWindowEnd = spec.windowMs - state.elapsedMs;
  if (!spec.sliding || state.current >= spec.limit || state.previous === 0) return Math.max(1, Math.ceil(toWindowEnd / 1000));
  // Time until the previous window's weighted share has shrunk enough for one request.
  const room = spec.limit - 1 - state.current;
  const waitMs = toWindowEnd - (room * spec.windowMs) / state.previous;
  return Math.max(1, Math.ceil(waitMs / 1000));
}
