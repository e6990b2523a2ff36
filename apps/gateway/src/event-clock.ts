/**
 * The clock of the I/O event being handled. One proxied request reads the time about ten times
 * (deadlines, idle and ejection checks, the JWT expiry, the rate-limit window, latency), nearly
 * all within the same two callbacks: the client's read and the upstream's. Between beginEvent()
 * and endEvent() the first read of each clock is kept and reused; outside an event (timers,
 * Node's HTTP server) every call reads the time afresh. A kept time is as old as the callback is
 * long: microseconds.
 */
let active = false;
let wall = -1;
let mono = -1;

/** Date.now() at (or near) the start of the current event. */
export function wallClock(): number {
  if (!active) return Date.now();
  if (wall < 0) wall = Date.now();
  return wall;
}

/** performance.now() at (or near) the start of the current event. */
export function monoClock(): number {
  if (!active) return performance.now();
  if (mono < 0) mono = performance.now();
  return mono;
}

/**
 * Marks the start of an event: true when this call started it (and must end it with endEvent);
 * false inside one already (nested reads share the outer event's time).
 */
export function beginEvent(): boolean {
  if (active) return false;
  active = true;
  wall = -1;
  mono = -1;
  return true;
}

export function endEvent(): void {
  active = false;
}

/**
 * Runs `read.call(target, chunk)` as one event: the handler of one socket read, whose clock reads
 * (and those of everything it sets off) share one reading.
 */
export function readAsEvent<T>(target: T, read: (this: T, chunk: Buffer) => void, chunk: Buffer): void {
  const event = beginEvent();
  try {
    read.call(target, chunk);
  } finally {
    if (event) endEvent();
  }
}
