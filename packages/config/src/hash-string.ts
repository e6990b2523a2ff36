/**
 * FNV-1a with a murmur3 finalizer: cheap, and well spread for ring points and keys. The gateway
 * hashes sticky-split and consistent-hash keys with it and the control plane's route simulator
 * predicts the same picks, so both must use this one function.
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
