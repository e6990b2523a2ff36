import { describe, expect, it } from "vitest";
import { createLoginRateLimiter } from "./login-rate-limiter.ts";

describe("login rate limiter", () => {
  it("blocks a key after maxFailures in the window, and only that key", () => {
    const limiter = createLoginRateLimiter({ maxFailures: 3, windowMs: 1000 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.allowed("a", 0)).toBe(true);
      limiter.recordFailure("a", 0);
    }
    expect(limiter.allowed("a", 999)).toBe(false);
    expect(limiter.allowed("b", 999)).toBe(true);
    expect(limiter.allowed("a", 1000)).toBe(true);
  });

  it("forgets failures after a successful login", () => {
    const limiter = createLoginRateLimiter({ maxFailures: 1 });
    limiter.recordFailure("a");
    expect(limiter.allowed("a")).toBe(false);
    limiter.reset("a");
    expect(limiter.allowed("a")).toBe(true);
  });
});
