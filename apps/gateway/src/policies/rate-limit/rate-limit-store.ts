import type { LimitSpec, LimitState } from "./window-math.ts";

/**
 * A counter store. `hit` checks every limit for `keys[i]` and, only when all of them have
 * room, counts the request in each (a rejected request consumes nothing). Atomic per call.
 * `states` is filled in; the result says whether the request is allowed.
 */
export interface RateLimitStore {
  /** Synchronous stores return a boolean; remote ones a promise. */
  hit(keys: readonly string[], specs: readonly LimitSpec[], states: LimitState[]): boolean | Promise<boolean>;
  close?(): Promise<void>;
}
