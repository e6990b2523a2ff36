// "Added latency at half load": every contender driven open loop at the same fixed rate, in
// interleaved rounds (the order rotating each round) so a burst of other work on the machine falls
// on all of them alike; per contender the median over rounds is reported, and what a proxy adds is
// the median of its per-round difference to direct. Load comes from pace.c, a C client that times
// each request from when it was due; without a C compiler, from the Node client (its own jitter
// swamps a proxy's tail, and the report says so). For each proxy it also prints its CPU time per
// request at that rate and how busy that kept it: per-request cost is higher at a fixed rate than at
// saturation (an event loop that sleeps between requests pays for every wake-up instead of sharing
// it across a batch), and how busy the proxy is decides how far a pause of a few ms spreads into the
// tail.
import { treeCpuSeconds } from "./cpu.ts";
import { paced, type LoadResult } from "./load.ts";
import { buildPace, runPace } from "./pace.ts";
import { median } from "./median.ts";

export interface HalfLoadOptions { rate: number; seconds: number; rounds: number; connections: number; headers: Record<string, string> }
/** `pid`: the proxy's process, for its CPU time (none for direct). */
export interface Contender { name: string; url: string; pid?: number }
/** One round at the rate; `cpuUsPerRequest` and `busy` (CPU seconds per second) when the contender has a pid. */
export interface RateRun extends LoadResult { cpuUsPerRequest?: number; busy?: number }
export interface HalfLoadRow { name: string; runs: RateRun[] }

const pace = buildPace();
export const halfLoadClientName = pace ? "pace" : "Node client (no C compiler)";
const WARMUP_SECONDS = 0.5;
const halfLoadClient = pace
  ? "pace (C, one thread, epoll; latency from each request's scheduled send)"
  : "Node client: tail figures unreliable";

export async function measureAtRate(contenders: Contender[], opts: HalfLoadOptions): Promise<HalfLoadRow[]> {
  const rows = contenders.map((c) => ({ name: c.name, runs: [] as RateRun[] }));
  for (let round = 0; round < opts.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const { url, pid } = contenders[i]!;
      const cpuBefore = pid === undefined ? 0 : treeCpuSeconds(pid);
      const run: RateRun = await atRate(url, opts);
      if (pid !== undefined) {
        // The CPU time covers the unrecorded lead-in at the same rate too.
        const cpu = treeCpuSeconds(pid) - cpuBefore;
        const wall = opts.seconds + WARMUP_SECONDS;
        run.cpuUsPerRequest = (cpu * 1e6) / (opts.rate * wall);
        run.busy = cpu / wall;
      }
      rows[i]!.runs.push(run);
    }
  }
  return rows;
}

/** One run at the rate, after half a second at the same rate that is not recorded. */
async function atRate(url: string, { rate, seconds, connections, headers }: HalfLoadOptions): Promise<LoadResult> {
  if (!pace) {
    await paced(url, { rps: rate, seconds: WARMUP_SECONDS, connections, headers });
    return paced(url, { rps: rate, seconds, connections, headers });
  }
  const r = await runPace(pace, url, { rate, seconds, connections, headers, warmupSeconds: WARMUP_SECONDS });
  const l = r.latencyMs;
  return { requests: r.requests, rps: r.rps, errors: r.errors.total, p50Ms: l?.p50 ?? NaN, p99Ms: l?.p99 ?? NaN, p999Ms: l?.p999, maxMs: l?.max, clientLagP99Ms: r.wakeLagMs?.p99 };
}

export function reportHalfLoad(rows: HalfLoadRow[], opts: HalfLoadOptions) {
  const pad = (s: string, n: number) => s.padEnd(n);
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "-");
  const signed = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;
  console.log(`\nhalf load: ${opts.rate} req/s open loop, ${opts.connections} connections, ${opts.rounds} interleaved rounds of ${opts.seconds}s, ` +
    `measured by ${halfLoadClient}; medians over rounds (max: worst round; client lag: how late the OS woke the client, included in every figure; ` +
    `CPU µs/req and busy: the proxy's CPU time per request at this rate and its CPU seconds per second)`);
  console.log(`${pad("contender", 20)}${pad("req/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("p99.9 ms", 10)}${pad("max ms", 9)}${pad("errors", 8)}` +
    `${pad("client lag p99 ms", 19)}${pad("CPU µs/req", 12)}busy`);
  for (const { name, runs } of rows) {
    const col = (f: (r: RateRun) => number | undefined) => median(runs.map((r) => f(r) ?? NaN));
    const worst = Math.max(...runs.map((r) => r.maxMs ?? NaN));
    const errors = runs.reduce((sum, r) => sum + r.errors, 0);
    const cpu = col((r) => r.cpuUsPerRequest);
    const busy = col((r) => r.busy);
    console.log(`${pad(name, 20)}${pad(String(Math.round(col((r) => r.rps))), 10)}${pad(ms(col((r) => r.p50Ms)), 9)}${pad(ms(col((r) => r.p99Ms)), 9)}` +
      `${pad(ms(col((r) => r.p999Ms)), 10)}${pad(ms(worst), 9)}${pad(String(errors), 8)}${pad(ms(col((r) => r.clientLagP99Ms)), 19)}` +
      `${pad(Number.isFinite(cpu) ? cpu.toFixed(1) : "-", 12)}${Number.isFinite(busy) ? `${Math.round(busy * 100)}%` : "-"}`);
  }
  const direct = rows[0]!;
  for (const row of rows.slice(1)) {
    const p50 = row.runs.map((r, i) => r.p50Ms - direct.runs[i]!.p50Ms);
    const p99 = row.runs.map((r, i) => r.p99Ms - direct.runs[i]!.p99Ms);
    console.log(`added by ${row.name}: p50 ${signed(median(p50))} ms, p99 ${signed(median(p99))} ms` +
      ` (per round p99 ${p99.map(signed).join(", ")})${row.name === "switchyard" ? ", target ≤ 1 ms" : ""}` +
      (pace ? "" : " (Node client: tail figures unreliable)"));
  }
}
