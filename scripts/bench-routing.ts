// `npm run bench:routing`: compile and match times of the routing table with 10,000 routes
// (targets: compile ≤ 500 ms, match ≤ 2 µs median). Numbers, not pass/fail.
import { GatewayConfigSchema } from "@switchyard/config";
import { canonicalizePath, compileConfig, matchRoute, type MatchRequest } from "@switchyard/routing";
import { benchConfig } from "./bench/bench-config.ts";

const routeCount = Number(process.env.BENCH_ROUTES ?? 10_000);
const input = benchConfig(9, routeCount);
const t0 = performance.now();
const config = GatewayConfigSchema.parse(input);
const parseMs = performance.now() - t0;

const compileRuns: number[] = [];
let table = compileConfig(config);
for (let i = 0; i < 5; i++) {
  const s = performance.now();
  table = compileConfig(config);
  compileRuns.push(performance.now() - s);
}

/** Requests over the whole table: hits on every path shape, hosts, canary headers, and misses. */
function requests(n: number): MatchRequest[] {
  const out: MatchRequest[] = [];
  for (let k = 0; k < n; k++) {
    const i = (k * 7919) % (routeCount - 1);
    const shape = i % 4;
    const host = i % 3 === 0 ? `svc${i % 50}.example.com` : "api.example.com";
    const kind = k % 5;
    let path: string;
    if (kind === 4) path = `/nothing/here/${k}`;
    else if (shape === 2) path = `/v${i}/items/${k}`;
    else if (shape === 1) path = `/api/v${i}/resource${i % 7}`;
    else path = `/api/v${i}/resource${i % 7}/sub/${k}`;
    out.push({ method: "GET", host, path: canonicalizePath(path)!, headers: kind === 1 ? { "x-canary": "true" } : {}, query: null });
  }
  out.push({ method: "GET", host: "x", path: "/bench/measured", headers: {}, query: null });
  return out;
}

const reqs = requests(20_000);
let hits = 0;
for (const r of reqs) if (matchRoute(table, r)) hits++;
const batch = 1_000;
const perRequestUs: number[] = [];
for (let round = 0; round < 5; round++) {
  for (let b = 0; b + batch <= reqs.length; b += batch) {
    const s = performance.now();
    for (let i = b; i < b + batch; i++) matchRoute(table, reqs[i]!);
    perRequestUs.push(((performance.now() - s) * 1000) / batch);
  }
}
perRequestUs.sort((a, b) => a - b);
const measured = { method: "GET", host: "bench.local", path: "/bench/measured", headers: {}, query: null };
const s = performance.now();
for (let i = 0; i < 100_000; i++) matchRoute(table, measured);
const measuredUs = ((performance.now() - s) * 1000) / 100_000;

compileRuns.sort((a, b) => a - b);
console.log(`routes: ${routeCount} (${table.entries.length} table entries)`);
console.log(`schema parse: ${parseMs.toFixed(0)} ms`);
console.log(`compile: median ${compileRuns[2]!.toFixed(0)} ms (min ${compileRuns[0]!.toFixed(0)}, max ${compileRuns[4]!.toFixed(0)}) — target ≤ 500 ms`);
console.log(`match (${reqs.length} mixed requests, ${hits} hits): median ${perRequestUs[perRequestUs.length >> 1]!.toFixed(3)} µs, p99 batch ${perRequestUs[Math.floor(perRequestUs.length * 0.99)]!.toFixed(3)} µs — target ≤ 2 µs median`);
console.log(`match of the bench route /bench/measured: ${measuredUs.toFixed(3)} µs`);
