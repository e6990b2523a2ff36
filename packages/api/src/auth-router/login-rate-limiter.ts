export interface LoginRateLimiter {
  /** Whether another attempt is allowed for this key now. */
  allowed(key: string, now?: number): boolean;
  recordFailure(key: string, now?: number): void;
  reset(key: string): void;
}

/**
 * Failed logins per key (ip + username) in a fixed window, in memory: enough to slow down
 * password guessing against one control plane.
 */
export function createLoginRateLimiter(options: { maxFailures?: number; windowMs?: number } = {}): LoginRateLimiter {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const windows = new Map<string, { start: number; failures: number }>();

  function current(key: string, now: number) {
    const w = windows.get(key);
    if (!w || now - w.start >= windowMs) return null;
    return w;
  }

  return {
    allowed(key, now = Date.now()) {
      return (current(key, now)?.failures ?? 0) < maxFailures;
    },
    recordFailure(key, now = Date.now()) {
      const w = current(key, now);
      if (w) w.failures++;
      else windows.set(key, { start: now, failures: 1 });
      if (windows.size > 10_000) {
        for (const [k, v] of windows) if (now - v.start >= windowMs) windows.delete(k);
      }
    },
    reset(key) {
      windows.delete(key);
    },
  };
}

export const loginRateLimiter = createLoginRateLimiter();
