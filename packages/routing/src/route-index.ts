import type { HostMatcher, RouteEntry } from "./compiled-types.ts";

/**
 * The entries of one host key, by literal path prefix. An entry is filed under its literal
 * segments: a prefix route "/api/users" under "/api/users", an exact route likewise, a regex
 * route under its literal head ("^/v1/items/[0-9]+$" under "/v1/items"), and a "/" prefix or an
 * opaque regex under the root. One flat map (not a trie) keeps a lookup to a few memory reads.
 */
interface Cell {
  readonly root: Int32Array;
  /**
   * By prefixHash of the literal prefix. Keyed by number so that a lookup needs neither a
   * slice of the request path nor a string hash: the walk folds the hash as it scans.
   */
  readonly byPrefix: Map<number, PrefixBucket>;
  /** Distinct segment counts of the prefixes, ascending: only those are probed. */
  readonly depths: Int32Array;
}

/** One literal prefix and its entries; `next` chains prefixes whose hashes collide. */
interface PrefixBucket {
  readonly prefix: string;
  readonly list: Int32Array;
  readonly next: PrefixBucket | undefined;
}

/** Small integers stay unboxed in V8 (no allocation per step). */
const HASH_MASK = 0x3fffffff;

/** The hash the walk folds: every char after the leading "/", the inner slashes included. */
function prefixHash(prefix: string): number {
  let h = 0;
  for (let i = 1; i < prefix.length; i++) h = (Math.imul(h, 31) + prefix.charCodeAt(i)) & HASH_MASK;
  return h;
}

/**
 * Candidates for a request by host and path prefix, so matching a big table looks at a handful
 * of entries instead of all of them. Table order is kept: candidates are merged by position and
 * the first that matches wins, exactly as a linear scan decides.
 */
export interface RouteIndex {
  readonly exact: ReadonlyMap<string, Cell>;
  /** By suffix (".example.com"). */
  readonly wildcard: ReadonlyMap<string, Cell>;
  readonly any: Cell | null;
  /**
   * What a candidate's path still needs, by entry position: the lookup that found an entry filed
   * under its whole literal prefix already matched it (PATH_MATCHED for a prefix route,
   * PATH_LENGTH for an exact one: only the length is left); PATH_CHECK for the rest.
   */
  readonly pathCheck: Uint8Array;
  /** Scratch space for the merge (one match runs at a time per thread). */
  lists: Int32Array[];
  positions: Int32Array;
}

const PLAIN = /[A-Za-z0-9_~-]/;

export const PATH_CHECK = 0;
export const PATH_MATCHED = 1;
export const PATH_LENGTH = 2;

/** The literal leading segments every path a regex accepts must have ([] when it can't tell). */
export function regexHeadSegments(source: string): string[] {
  const out: string[] = [];
  let i = source.startsWith("^") ? 1 : 0;
  while (source[i] === "/") {
    i++;
    let seg = "";
    while (i < source.length && PLAIN.test(source[i]!)) seg += source[i++];
    if (seg === "") break;
    const next = source[i];
    // Only a segment that certainly ends here counts: a quantifier or group after it would not.
    if (next === "/" || (next === "$" && i === source.length - 1)) out.push(seg);
    else break;
  }
  return out;
}

function literalSegments(entry: RouteEntry): string[] {
  const r = entry.route;
  if (r.pathType === "regex") return regexHeadSegments(r.pathRegexSource ?? "");
  if (r.pathValue === "/") return [];
  return r.pathValue.slice(1).split("/");
}

function hostKey(h: HostMatcher): string {
  return h.kind === "exact" ? `e:${h.value}` : h.kind === "wildcard" ? `w:${h.suffix}` : "a:";
}

export function buildRouteIndex(entries: readonly RouteEntry[]): RouteIndex {
  const pathCheck = new Uint8Array(entries.length);
  const cells = new Map<string, { root: number[]; byPrefix: Map<string, number[]>; depths: Set<number> }>();
  entries.forEach((entry, i) => {
    const key = hostKey(entry.host);
    let cell = cells.get(key);
    if (!cell) { cell = { root: [], byPrefix: new Map(), depths: new Set() }; cells.set(key, cell); }
    const segs = literalSegments(entry);
    if (segs.length === 0) { cell.root.push(i); return; }
    const type = entry.route.pathType;
    if (type === "prefix") pathCheck[i] = PATH_MATCHED;
    else if (type === "exact") pathCheck[i] = PATH_LENGTH;
    const prefix = `/${segs.join("/")}`;
    let list = cell.byPrefix.get(prefix);
    if (!list) { list = []; cell.byPrefix.set(prefix, list); }
    list.push(i);
    cell.depths.add(segs.length);
  });
  const exact = new Map<string, Cell>();
  const wildcard = new Map<string, Cell>();
  let any: Cell | null = null;
  for (const [key, c] of cells) {
    const byPrefix = new Map<number, PrefixBucket>();
    for (const [prefix, list] of c.byPrefix) {
      const h = prefixHash(prefix);
      byPrefix.set(h, { prefix, list: Int32Array.from(list), next: byPrefix.get(h) });
    }
    const cell: Cell = {
      root: Int32Array.from(c.root),
      byPrefix,
      depths: Int32Array.from([...c.depths].sort((a, b) => a - b)),
    };
    if (key.startsWith("e:")) exact.set(key.slice(2), cell);
    else if (key.startsWith("w:")) wildcard.set(key.slice(2), cell);
    else any = cell;
  }
  return { exact, wildcard, any, pathCheck, lists: new Array<Int32Array>(16), positions: new Int32Array(16) };
}

function push(index: RouteIndex, n: number, list: Int32Array): number {
  if (list.length === 0) return n;
  if (n === index.positions.length) {
    const positions = new Int32Array(n * 2);
    positions.set(index.positions);
    index.positions = positions;
    index.lists.length = n * 2;
  }
  index.lists[n] = list;
  index.positions[n] = 0;
  return n + 1;
}

/**
 * Adds the cell's lists for each literal prefix of the request path it has. One pass over the
 * path: at each segment end whose depth some prefix has, the hash folded so far is looked up.
 */
function walk(index: RouteIndex, n: number, cell: Cell | null | undefined, path: string): number {
  if (!cell) return n;
  n = push(index, n, cell.root);
  const depths = cell.depths;
  if (depths.length === 0) return n;
  const len = path.length;
  let d = 0, want = depths[0]!, depth = 0, h = 0;
  for (let i = 1; i <= len; i++) {
    // The end of the path counts as a segment end.
    const c = i < len ? path.charCodeAt(i) : 0x2f;
    if (c === 0x2f) {
      if (++depth === want) {
        for (let b = cell.byPrefix.get(h); b !== undefined; b = b.next) {
          if (b.prefix.length === i && path.startsWith(b.prefix)) { n = push(index, n, b.list); break; }
        }
        if (++d === depths.length) return n;
        want = depths[d]!;
      }
      if (i === len) return n;
    }
    h = (Math.imul(h, 31) + c) & HASH_MASK;
  }
  return n;
}

/**
 * Collects the candidate lists for a request into the index's scratch space; returns how many.
 * `host` is normalized, `path` canonical. Merge them with nextCandidate.
 */
export function collectCandidates(index: RouteIndex, host: string, path: string): number {
  let n = walk(index, 0, index.exact.get(host), path);
  if (index.wildcard.size > 0) {
    for (let dot = host.indexOf("."); dot > 0; dot = host.indexOf(".", dot + 1)) {
      n = walk(index, n, index.wildcard.get(host.slice(dot)), path);
    }
  }
  return walk(index, n, index.any, path);
}

/** The next candidate entry position in table order, or -1 when there is none left. */
export function nextCandidate(index: RouteIndex, n: number): number {
  const lists = index.lists, pos = index.positions;
  let best = -1, bestValue = 0x7fffffff;
  for (let j = 0; j < n; j++) {
    const list = lists[j]!;
    const p = pos[j]!;
    if (p < list.length && list[p]! < bestValue) { bestValue = list[p]!; best = j; }
  }
  if (best === -1) return -1;
  pos[best]!++;
  return bestValue;
}
