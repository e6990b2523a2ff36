/**
 * The gateway's key hash (apps/gateway upstream/hash-table.ts hashString: FNV-1a with a murmur3
 * finalizer). The simulator shows which side a sticky key lands on, so it must hash exactly as
 * the data plane does; simulate.gateway.test.ts checks the two agree.
 */
export function stickyHash(s: string): number {
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
