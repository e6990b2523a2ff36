import type { HostMatcher, RouteEntry } from "./compiled-types.ts";

/** Entry positions (ascending) of one (host key, first path segment) cell. */
interface Bucket {
  readonly bySegment: Map<string, Int32Array>;
  /** Entries whose path can match any first segment ("/" prefixes, regexes without a literal head). */
  readonly anySegment: Int32Array;
}

/**
 * Candidates for a request by host and first path segment, so matching a big table looks at a
 * handful of entries instead of all of them. Table order is kept: candidates are merged by
 * position and the first that matches wins, exactly as a linear scan would decide.
 */
export interface RouteIndex {
  readonly exact: ReadonlyMap<string, Bucket>;
  /** By suffix (".example.com"). */
  readonly wildcard: ReadonlyMap<string, Bucket>;
  readonly any: Bucket | null;
  /** Scratch space for the merge (one match runs at a time per thread). */
  readonly lists: (Int32Array | undefined)[];
  readonly positions: Int32Array;
}

const PLAIN = /[A-Za-z0-9_~-]/;

/** The first path segment every path a regex accepts must have, or null when it can't tell. */
export function regexHeadSegment(source: string): string | null {
  let i = source.startsWith("^") ? 1 : 0;
  if (source[i] !== "/") return null;
  i++;
  let seg = "";
  while (i < source.length && PLAIN.test(source[i]!)) seg += source[i++];
  if (seg === "") return null;
  const next = source[i];
  // A quantifier or an optional part after the literal would make its last char optional.
  if (next === "/" || (next === "$" && i === source.length - 1)) return seg;
  return null;
}

/** First segment of a canonical path: "/api/x" → "api", "/" → "". */
export function firstSegment(path: string): string {
  const slash = path.indexOf("/", 1);
  return slash === -1 ? path.slice(1) : path.slice(1, slash);
}

function entrySegment(entry: RouteEntry): string | null {
  const r = entry.route;
  if (r.pathType === "regex") return regexHeadSegment(r.pathRegexSource ?? "");
  if (r.pathValue === "/") return null;
  return firstSegment(r.pathValue);
}

function hostKey(h: HostMatcher): string {
  return h.kind === "exact" ? `e:${h.value}` : h.kind === "wildcard" ? `w:${h.suffix}` : "a:";
}

export function buildRouteIndex(entries: readonly RouteEntry[]): RouteIndex {
  const cells = new Map<string, { seg: Map<string, number[]>; any: number[] }>();
  entries.forEach((entry, i) => {
    const key = hostKey(entry.host);
    let cell = cells.get(key);
    if (!cell) { cell = { seg: new Map(), any: [] }; cells.set(key, cell); }
    const seg = entrySegment(entry);
    if (seg === null) cell.any.push(i);
    else {
      let list = cell.seg.get(seg);
      if (!list) { list = []; cell.seg.set(seg, list); }
      list.push(i);
    }
  });
  const exact = new Map<string, Bucket>();
  const wildcard = new Map<string, Bucket>();
  let any: Bucket | null = null;
  let maxLists = 0;
  for (const [key, cell] of cells) {
    const bucket: Bucket = {
      bySegment: new Map([...cell.seg].map(([k, v]) => [k, Int32Array.from(v)])),
      anySegment: Int32Array.from(cell.any),
    };
    if (key.startsWith("e:")) exact.set(key.slice(2), bucket);
    else if (key.startsWith("w:")) wildcard.set(key.slice(2), bucket);
    else any = bucket;
    maxLists += 2;
  }
  return { exact, wildcard, any, lists: new Array(Math.max(2, maxLists)), positions: new Int32Array(Math.max(2, maxLists)) };
}

function add(index: RouteIndex, n: number, bucket: Bucket | null | undefined, seg: string): number {
  if (!bucket) return n;
  const bySeg = bucket.bySegment.get(seg);
  if (bySeg !== undefined) { index.lists[n] = bySeg; index.positions[n] = 0; n++; }
  if (bucket.anySegment.length > 0) { index.lists[n] = bucket.anySegment; index.positions[n] = 0; n++; }
  return n;
}

/**
 * Calls `test` on the candidate entry positions in table order until it returns a result.
 * `host` is normalized, `path` canonical.
 */
export function searchIndex<T>(index: RouteIndex, host: string, path: string, test: (position: number) => T | null): T | null {
  const seg = firstSegment(path);
  let n = add(index, 0, index.exact.get(host), seg);
  if (index.wildcard.size > 0) {
    for (let dot = host.indexOf("."); dot > 0; dot = host.indexOf(".", dot + 1)) {
      n = add(index, n, index.wildcard.get(host.slice(dot)), seg);
    }
  }
  n = add(index, n, index.any, seg);
  const lists = index.lists, pos = index.positions;
  for (;;) {
    let best = -1, bestValue = 0x7fffffff;
    for (let j = 0; j < n; j++) {
      const list = lists[j]!;
      const p = pos[j]!;
      if (p < list.length && list[p]! < bestValue) { bestValue = list[p]!; best = j; }
    }
    if (best === -1) return null;
    pos[best]!++;
    const found = test(bestValue);
    if (found !== null) return found;
  }
}
