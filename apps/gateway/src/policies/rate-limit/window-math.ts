/** One limit of a rate-limit check: a window length and how many requests fit in it. */
export interface LimitSpec {
  /** Window length; for a calendar month, the nominal 30 days (it also tells the counters apart). */
  readonly windowMs: number;
  readonly limit: number;
  readonly sliding: boolean;
  /**
   * Windows are calendar months (UTC): a quota that starts over on the 1st at 00:00 UTC, as
   * monthly billing does. Always a fixed window: last month's use never counts this month.
   */
  readonly calendarMonth?: boolean;
}

/** Where `now` falls: the window's index (windows since the epoch, or months since year 0) and its bounds. */
export interface WindowPosition {
  index: number;
  startMs: number;
  lengthMs: number;
}

// The last calendar month looked up: a request asks for the month it falls in, which is nearly always this one.
let monthStart = 0;
let monthEnd = 0;
let monthIndex = 0;

/** The calendar month (UTC) containing `now`: index year·12 + month, start and length in ms (28 to 31 days). */
export function calendarMonthAt(now: number, out: WindowPosition): WindowPosition {
  if (now < monthStart || now >= monthEnd) {
    const d = new Date(now);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    monthStart = Date.UTC(y, m, 1);
    monthEnd = Date.UTC(y, m + 1, 1);
    monthIndex = y * 12 + m;
  }
  out.index = monthIndex;
  out.startMs = monthStart;
  out.lengthMs = monthEnd - monthStart;
  return out;
}

/** The window of `spec` containing `now`. */
export function windowAt(spec: LimitSpec, now: number, out: WindowPosition): WindowPosition {
  if (spec.calendarMonth) return calendarMonthAt(now, out);
  const index = Math.floor(now / spec.windowMs);
  out.index = index;
  out.startMs = index * spec.windowMs;
  out.lengthMs = spec.windowMs;
  return out;
}

/** Counts seen for one limit, after the request was (or wasn't) counted. */
export interface LimitState {
  /** Requests counted in the current window (including this one when allowed). */
  current: number;
  /** Requests in the previous window (sliding windows only; 0 for fixed). */
  previous: number;
  /** Milliseconds since the current window started. */
  elapsedMs: number;
  /** Length of the current window: spec.windowMs, but 28 to 31 days for a calendar month. */
  windowMs: number;
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
  return Math.max(1, Math.ceil((state.windowMs - state.elapsedMs) / 1000));
}

/** Whole seconds until one more request would fit (Retry-After on a rejection). */
export function retryAfterSeconds(spec: LimitSpec, state: LimitState): number {
  const toWindowEnd = state.windowMs - state.elapsedMs;
  if (!spec.sliding || state.current >= spec.limit || state.previous === 0) return Math.max(1, Math.ceil(toWindowEnd / 1000));
  // Time until the previous window's weighted share has shrunk enough for one request.
  const room = spec.limit - 1 - state.current;
  const waitMs = toWindowEnd - (room * spec.windowMs) / state.previous;
  return Math.max(1, Math.ceil(waitMs / 1000));
}
