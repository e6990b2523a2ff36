import { hashString, type CompiledTarget } from "@switchyard/routing";

/** Maps a key hash to a target index; `next` walks on when that target is unavailable. */
export interface HashTable {
  lookup(hash: number, available: (i: number) => boolean): number;
}

const RING_POINTS_PER_UNIT = 160;

/** Ketama-style ring: each target owns points in proportion to its weight. */
export function buildRing(targets: readonly CompiledTarget[]): HashTable {
  const minWeight = Math.max(1, Math.min(...targets.map((t) => t.weight)));
  const points: { h: number; i: number }[] = [];
  targets.forEach((t, i) => {
    const n = Math.max(1, Math.round((t.weight / minWeight) * RING_POINTS_PER_UNIT));
    for (let k = 0; k < n; k++) points.push({ h: hashString(`${t.origin}_${k}`), i });
  });
  points.sort((a, b) => a.h - b.h);
  const hashes = Uint32Array.from(points.map((p) => p.h));
  const owners = Int32Array.from(points.map((p) => p.i));
  return {
    lookup(hash, available) {
      let lo = 0, hi = hashes.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (hashes[mid]! < hash) lo = mid + 1;
        else hi = mid;
      }
      for (let k = 0; k < owners.length; k++) {
        const i = owners[(lo + k) % owners.length]!;
        if (available(i)) return i;
      }
      return -1;
    },
  };
}

const MAGLEV_SIZE = 65537;

/** Maglev lookup table (Eisenbud et al.), weighted by letting heavier targets take turns more often. */
export function buildMaglev(targets: readonly CompiledTarget[]): HashTable {
  const n = targets.length;
  const table = new Int32Array(MAGLEV_SIZE).fill(-1);
  const offset = targets.map((t) => hashString(`${t.origin}#o`) % MAGLEV_SIZE);
  const skip = targets.map((t) => (hashString(`${t.origin}#s`) % (MAGLEV_SIZE - 1)) + 1);
  const next = new Array<number>(n).fill(0);
  const maxWeight = Math.max(1, ...targets.map((t) => t.weight));
  const credit = new Array<number>(n).fill(0);
  let filled = 0;
  while (filled < MAGLEV_SIZE) {
    for (let i = 0; i < n && filled < MAGLEV_SIZE; i++) {
      credit[i]! += targets[i]!.weight;
      if (credit[i]! < maxWeight) continue;
      credit[i]! -= maxWeight;
      let slot = (offset[i]! + next[i]! * skip[i]!) % MAGLEV_SIZE;
      while (table[slot] !== -1) {
        next[i]!++;
        slot = (offset[i]! + next[i]! * skip[i]!) % MAGLEV_SIZE;
      }
      table[slot] = i;
      next[i]!++;
      filled++;
    }
  }
  return {
    lookup(hash, available) {
      const start = hash % MAGLEV_SIZE;
      const first = table[start]!;
      if (available(first)) return first;
      // The key's target is out: rehash so keys of that target spread over the others.
      let h = hash;
      for (let k = 0; k < 64; k++) {
        h = hashString(`${h}`);
        const i = table[h % MAGLEV_SIZE]!;
        if (available(i)) return i;
      }
      for (let i = 0; i < n; i++) if (available(i)) return i;
      return -1;
    },
  };
}
