import type { RateLimitStore } from "./rate-limit-store.ts";
import { calendarMonthAt, usedInWindow, windowAt, type LimitSpec, type LimitState, type WindowPosition } from "./window-math.ts";

/**
 * Rate-limit counters in one SharedArrayBuffer that every worker thread of the process maps,
 * so a limit is exact across workers (not N per-thread counters). A small open-addressing hash
 * table of fixed size, guarded by one spin lock: a check is a few hundred nanoseconds, so
 * contention between a handful of workers is negligible.
 *
 * Entry layout (Int32 ×8): hashA, hashB, window code (windowMs/1000, or MONTH_CODE for calendar
 * months), window index, current, previous, last touched (s), used flag.
 */
const ENTRY = 8;
const PROBE = 32;
const HEADER = 4;
/** Window code of calendar-month counters (their index is months since year 0, not windows since the epoch). */
const MONTH_CODE = -1;

export function createLocalCounters(entries = 65_536): SharedArrayBuffer {
  return new SharedArrayBuffer((HEADER + entries * ENTRY) * 4);
}

export class LocalRateLimitStore implements RateLimitStore {
  private readonly cells: Int32Array;
  private readonly entries: number;
  private readonly now: () => number;
  /** Both hashes of recent keys: a key string the step reuses is hashed once, not per request. */
  private readonly hashes = new Map<string, Int32Array>();

  constructor(buffer: SharedArrayBuffer, now: () => number = Date.now) {
    this.cells = new Int32Array(buffer);
    this.entries = (this.cells.length - HEADER) / ENTRY;
    this.now = now;
  }

  hit(keys: readonly string[], specs: readonly LimitSpec[], states: LimitState[]): boolean {
    const cells = this.cells;
    const now = this.now();
    this.lock();
    try {
      let allowed = true;
      const slots = SLOTS;
      const indexes = INDEXES;
      for (let i = 0; i < keys.length; i++) {
        const spec = specs[i]!;
        const window = windowAt(spec, now, POSITION);
        const index = window.index;
        const elapsed = now - window.startMs;
        const slot = this.find(keys[i]!, spec.calendarMonth ? MONTH_CODE : Math.round(spec.windowMs / 1000), index, now);
        slots[i] = slot;
        indexes[i] = index;
        let current = 0, previous = 0;
        if (slot >= 0) {
          const at = HEADER + slot * ENTRY;
          const seen = cells[at + 3]!;
          if (seen === index) { current = cells[at + 4]!; previous = cells[at + 5]!; }
          else if (seen === index - 1) { previous = cells[at + 4]!; }
        }
        const state = states[i]!;
        state.current = current;
        state.previous = spec.sliding ? previous : 0;
        state.elapsedMs = elapsed;
        state.windowMs = window.lengthMs;
        if (usedInWindow(spec, current, state.previous, elapsed) + 1 > spec.limit) allowed = false;
      }
      if (!allowed) return false;
      for (let i = 0; i < keys.length; i++) {
        const slot = slots[i]!;
        states[i]!.current++;
        if (slot < 0) continue; // table full: the request is allowed but can't be counted
        const at = HEADER + slot * ENTRY;
        const index = indexes[i]!;
        const seen = cells[at + 3]!;
        if (seen !== index) {
          cells[at + 5] = seen === index - 1 ? cells[at + 4]! : 0;
          cells[at + 4] = 0;
          cells[at + 3] = index;
        }
        cells[at + 4]!++;
        cells[at + 6] = Math.floor(now / 1000);
      }
      return true;
    } finally {
      this.unlock();
    }
  }

  /** Slot of the key (claimed if new), or -1 when the probe range is full of live entries. */
  private find(key: string, code: number, index: number, now: number): number {
    const cells = this.cells;
    let a: number, b: number;
    const known = this.hashes.get(key);
    if (known !== undefined) {
      a = known[0]!;
      b = known[1]!;
    } else {
      a = hashA(key);
      b = hashB(key);
      if (this.hashes.size >= HASH_CACHE_MAX) this.hashes.clear();
      this.hashes.set(key, Int32Array.of(a, b));
    }
    let free = -1;
    let oldest = -1, oldestAt = Infinity;
    for (let p = 0; p < PROBE; p++) {
      const slot = ((a >>> 0) + p) % this.entries;
      const at = HEADER + slot * ENTRY;
      if (cells[at + 7] === 0) { if (free < 0) free = slot; break; }
      if (cells[at] === a && cells[at + 1] === b && cells[at + 2] === code) return slot;
      const entryCode = cells[at + 2]!;
      const entryIndex = entryCode === MONTH_CODE ? calendarMonthAt(now, STALE_POSITION).index : Math.floor(now / (entryCode * 1000));
      const stale = cells[at + 3]! < entryIndex - 1;
      if (stale && free < 0) free = slot;
      if (cells[at + 6]! < oldestAt) { oldestAt = cells[at + 6]!; oldest = slot; }
    }
    const slot = free >= 0 ? free : oldest;
    if (slot < 0) return -1;
    const at = HEADER + slot * ENTRY;
    cells[at] = a; cells[at + 1] = b; cells[at + 2] = code; cells[at + 3] = index;
    cells[at + 4] = 0; cells[at + 5] = 0; cells[at + 6] = Math.floor(now / 1000); cells[at + 7] = 1;
    return slot;
  }

  private lock(): void {
    const cells = this.cells;
    let spins = 0;
    while (Atomics.compareExchange(cells, 0, 0, 1) !== 0) {
      if (++spins > 100) { Atomics.wait(cells, 0, 1, 1); spins = 0; }
    }
  }

  private unlock(): void {
    Atomics.store(this.cells, 0, 0);
    Atomics.notify(this.cells, 0, 1);
  }
}

const SLOTS: number[] = [];
const INDEXES: number[] = [];
const POSITION: WindowPosition = { index: 0, startMs: 0, lengthMs: 0 };
const STALE_POSITION: WindowPosition = { index: 0, startMs: 0, lengthMs: 0 };
const HASH_CACHE_MAX = 10_000;

/** Two independent 32-bit string hashes (FNV-1a and a murmur-style mix): 64 bits per key. */
function hashA(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h | 0;
}

function hashB(s: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < s.length; i++) { h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995); h ^= h >>> 15; }
  return (h ^ (h >>> 13)) | 0;
}
