import { emptyHistogram, addDense, quantile } from "./histogram.ts";

/** Traffic of one label set, summed over a time bucket. */
export interface SeriesCell {
  route: string;
  service: string;
  subset: string;
  code: number;
  flag: string;
  count: number;
  latencySumMs: number;
  latency: Float64Array;
}

export interface SubsetStats {
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** One point of a chart series: requests, latency percentiles and errors in one time bucket. */
export interface MetricsPoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** Bucket length in seconds, to turn counts into rates. */
  seconds: number;
  requests: number;
  /** Responses with status ≥ 500, or none at all (status 0). */
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  avgMs: number | null;
  /** "2xx", "4xx", … ("0xx": no response) → count. */
  byClass: Record<string, number>;
  /** Response flag → count, relayed responses ("") left out. */
  byFlag: Record<string, number>;
  /** Per "service/subset" (canary sides). */
  bySubset: Record<string, SubsetStats>;
}

export interface SeriesFilter {
  route?: string | undefined;
  service?: string | undefined;
  subset?: string | undefined;
}

export function matchesFilter(cell: { route: string; service: string; subset: string }, f: SeriesFilter): boolean {
  return (f.route === undefined || cell.route === f.route) && (f.service === undefined || cell.service === f.service) && (f.subset === undefined || cell.subset === f.subset);
}

export function isError(code: number): boolean {
  return code >= 500 || code === 0;
}

/** Folds the cells of one time bucket into a chart point. */
export function toPoint(t: number, seconds: number, cells: Iterable<SeriesCell>, filter: SeriesFilter): MetricsPoint {
  const all = emptyHistogram();
  const subsets = new Map<string, { requests: number; errors: number; hist: Float64Array }>();
  const byClass: Record<string, number> = {};
  const byFlag: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  let sum = 0;
  for (const c of cells) {
    if (c.count === 0 || !matchesFilter(c, filter)) continue;
    requests += c.count;
    sum += c.latencySumMs;
    const err = isError(c.code) ? c.count : 0;
    errors += err;
    addDense(all, c.latency);
    const cls = `${Math.floor(c.code / 100)}xx`;
    byClass[cls] = (byClass[cls] ?? 0) + c.count;
    if (c.flag !== "") byFlag[c.flag] = (byFlag[c.flag] ?? 0) + c.count;
    if (c.service !== "") {
      const key = c.subset === "" ? c.service : `${c.service}/${c.subset}`;
      let s = subsets.get(key);
      if (!s) subsets.set(key, (s = { requests: 0, errors: 0, hist: emptyHistogram() }));
      s.requests += c.count;
      s.errors += err;
      addDense(s.hist, c.latency);
    }
  }
  const bySubset: Record<string, SubsetStats> = {};
  for (const [key, s] of subsets) bySubset[key] = { requests: s.requests, errors: s.errors, p50: quantile(s.hist, 0.5), p95: quantile(s.hist, 0.95), p99: quantile(s.hist, 0.99) };
  return {
    t, seconds, requests, errors,
    p50: quantile(all, 0.5), p95: quantile(all, 0.95), p99: quantile(all, 0.99),
    avgMs: requests === 0 ? null : Math.round((sum / requests) * 1000) / 1000,
    byClass, byFlag, bySubset,
  };
}
