// `npm run bench`: one run, on loopback, of the same fixed upstream reached directly, through
// nginx proxy_pass (keep-alive upstream), through node-http-proxy and through Switchyard with a
// 1,000-route table, the measured route behind a weighted split, JWT auth and a rate limit, in
// interleaved rounds. Prints req/s, p50/p99, the proxy's own CPU time per request (medians over
// rounds, and per round) and ratios against direct and nginx measured in this same run, then the latency Switchyard adds at half its
// saturated rate, measured open loop by pace.c (a C client timing each request from when it was
// due). Not a test: numbers, not pass/fail.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { benchConfig, benchToken } from "./bench/bench-config.ts";
import { treeCpuSeconds } from "./bench/cpu.ts";
import { hasWrk, saturate, type LoadResult } from "./bench/load.ts";
import { hasNginx, proxyBody, startNginx, upstreamBody } from "./bench/nginx.ts";
import { halfLoadClientName, measureAtRate, reportHalfLoad } from "./bench/half-load.ts";
import { canPin, onCpu, pinSelf } from "./bench/pin.ts";
import { median } from "./bench/median.ts";

const root = path.resolve(import.meta.dirname, "..");
const seconds = Number(process.env.BENCH_SECONDS ?? 8); // per contender and round
// The saturated measurement runs in interleaved rounds (every contender once per round, the order
// rotating), each figure the median over rounds: a VM's speed drifts by more than the differences
// measured here from one minute to the next, and measuring each contender in one block minutes
// apart puts that drift into the ratios. Each round is as long as a run was in one block (8 s),
// so a contender's steady state (its garbage collection included) is what is measured.
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const workers = Number(process.env.BENCH_WORKERS ?? 1);
const halfSeconds = Number(process.env.BENCH_HALF_SECONDS ?? 2); // per contender and round
const halfRounds = Number(process.env.BENCH_HALF_ROUNDS ?? 3);
const ports = { upstream: 18081, nginx: 18082, httpProxy: 18083, switchyard: 18084, switchyardAdmin: 18085 };
const dir = mkdtempSync(path.join(os.tmpdir(), "sy-bench-"));
const started: ChildProcess[] = [];
// Every contender gets the same request; only Switchyard checks the token.
const headers = { authorization: `Bearer ${benchToken()}` };
// Each proxy gets CPU 1 to itself and wrk, pace and the upstream share CPU 0 (pin.ts), so every
// contender has the same one core and none competes with the load for it: on by default with one
// proxy worker on a machine with two or more CPUs; BENCH_PIN=0 shares all cores between everything.
const pin = canPin && (process.env.BENCH_PIN === undefined ? workers === 1 : process.env.BENCH_PIN === "1");
const proxyCpu = pin ? 1 : null;

interface Row { name: string; load: LoadResult; cpuUsPerRequest: number | null; rounds: { rps: number; cpuUsPerRequest: number | null }[] }
interface Contender { name: string; url: string; pid: number | null }

async function main() {
  if (pin) pinSelf(0);
  console.log(`bench: ${rounds} interleaved round(s) of ${seconds}s per contender, ${connections} connections, ${workers} proxy worker(s), load by ${hasWrk ? "wrk" : "autocannon"}, half load by ${halfLoadClientName}, upstream ${hasNginx ? "nginx" : "Node"}${pin ? "; proxies on CPU 1, load and upstream on CPU 0" : "; proxies, load and upstream share every CPU"}`);
  if (hasNginx) keep(startNginx(path.join(dir, "upstream"), 1, upstreamBody(ports.upstream)));
  else keep(spawn(process.execPath, [path.join(root, "scripts/bench/node-peers.ts"), "upstream", String(ports.upstream)], { stdio: "inherit" }));
  await waitFor(`http://127.0.0.1:${ports.upstream}/`);

  const contenders: Contender[] = [{ name: "direct", url: `http://127.0.0.1:${ports.upstream}/bench/measured`, pid: null }];

  let nginx: ChildProcess | null = null;
  if (hasNginx) {
    nginx = keep(startNginx(path.join(dir, "proxy"), workers, proxyBody(ports.nginx, ports.upstream), proxyCpu));
    await waitFor(`http://127.0.0.1:${ports.nginx}/`);
    contenders.push({ name: "nginx proxy_pass", url: `http://127.0.0.1:${ports.nginx}/bench/measured`, pid: nginx.pid! });
  }

  const peer = keep(spawn(...onCpu(proxyCpu, process.execPath, [path.join(root, "scripts/bench/node-peers.ts"), "http-proxy", String(ports.httpProxy), String(ports.upstream)]), { stdio: "inherit" }));
  await waitFor(`http://127.0.0.1:${ports.httpProxy}/`);
  contenders.push({ name: "node http-proxy", url: `http://127.0.0.1:${ports.httpProxy}/bench/measured`, pid: peer.pid! });

  const configFile = path.join(dir, "switchyard.yaml");
  writeFileSync(configFile, stringify(benchConfig(ports.upstream)));
  const gateway = keep(spawn(...onCpu(proxyCpu, process.execPath, [path.join(root, "packages/cli/bin/switchyard.js"), "gateway", "--config", configFile,
    "--port", String(ports.switchyard), "--admin-port", String(ports.switchyardAdmin), "--workers", String(workers)]), { stdio: ["ignore", "ignore", "inherit"] }));
  await waitFor(`http://127.0.0.1:${ports.switchyardAdmin}/ready`);
  contenders.push({ name: "switchyard (1,000 routes, split, JWT, rate limit)", url: `http://127.0.0.1:${ports.switchyard}/bench/measured`, pid: gateway.pid! });

  const rows = await measureInRounds(contenders);

  // Added latency at half of Switchyard's saturated rate: direct, nginx and Switchyard at the same rate.
  const halfRate = Number(process.env.BENCH_HALF_RATE) || Math.max(100, Math.round(rows[rows.length - 1]!.load.rps / 2));
  const halfOpts = { rate: halfRate, seconds: halfSeconds, rounds: halfRounds, connections, headers };
  const half = await measureAtRate([
    { name: "direct", url: `http://127.0.0.1:${ports.upstream}/bench/measured` },
    ...(nginx ? [{ name: "nginx proxy_pass", url: `http://127.0.0.1:${ports.nginx}/bench/measured`, pid: nginx.pid! }] : []),
    { name: "switchyard", url: `http://127.0.0.1:${ports.switchyard}/bench/measured`, pid: gateway.pid! },
  ], halfOpts);

  report(rows);
  reportHalfLoad(half, halfOpts);
}

/** Every contender saturated once per round, the order rotating; each figure is the median over rounds. */
async function measureInRounds(contenders: Contender[]): Promise<Row[]> {
  for (const { url } of contenders) await saturate(url, { connections, seconds: 1, headers }); // warm-up: JIT, pools
  const runs = contenders.map(() => [] as { load: LoadResult; cpuUsPerRequest: number | null }[]);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const { name, url, pid } = contenders[i]!;
      const cpuBefore = pid ? treeCpuSeconds(pid) : 0;
      const load = await saturate(url, { connections, seconds, headers });
      const cpuUsPerRequest = pid ? ((treeCpuSeconds(pid) - cpuBefore) * 1e6) / load.requests : null;
      runs[i]!.push({ load, cpuUsPerRequest });
      console.log(`  round ${round + 1} ${name}: ${Math.round(load.rps)} req/s${cpuUsPerRequest === null ? "" : `, ${cpuUsPerRequest.toFixed(1)} µs CPU/req`}`);
    }
  }
  return contenders.map(({ name, pid }, i) => {
    const r = runs[i]!;
    const col = (f: (x: { load: LoadResult; cpuUsPerRequest: number | null }) => number) => median(r.map(f));
    const load: LoadResult = {
      requests: r.reduce((sum, x) => sum + x.load.requests, 0), rps: col((x) => x.load.rps),
      p50Ms: col((x) => x.load.p50Ms), p99Ms: col((x) => x.load.p99Ms), errors: r.reduce((sum, x) => sum + x.load.errors, 0),
    };
    return { name, load, cpuUsPerRequest: pid ? col((x) => x.cpuUsPerRequest!) : null, rounds: r.map((x) => ({ rps: x.load.rps, cpuUsPerRequest: x.cpuUsPerRequest })) };
  });
}

function report(rows: Row[]) {
  const direct = rows[0]!;
  const nginx = rows.find((r) => r.name.startsWith("nginx"));
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\n${pad("contender", 50)}${pad("req/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("errors", 8)}${pad("CPU µs/req", 12)}${pad("× direct", 10)}${pad("× nginx", 9)}${pad("nginx CPU/ours", 14)}`);
  for (const r of rows) {
    const cpu = r.cpuUsPerRequest === null ? "-" : r.cpuUsPerRequest.toFixed(1);
    const vsNginx = nginx ? (r.load.rps / nginx.load.rps).toFixed(2) : "-";
    const cpuRatio = nginx?.cpuUsPerRequest && r.cpuUsPerRequest ? (nginx.cpuUsPerRequest / r.cpuUsPerRequest).toFixed(2) : "-";
    console.log(`${pad(r.name, 50)}${pad(String(Math.round(r.load.rps)), 10)}${pad(r.load.p50Ms.toFixed(2), 9)}${pad(r.load.p99Ms.toFixed(2), 9)}${pad(String(r.load.errors), 8)}${pad(cpu, 12)}${pad((r.load.rps / direct.load.rps).toFixed(2), 10)}${pad(vsNginx, 9)}${pad(cpuRatio, 14)}`);
  }
  if (rounds > 1) {
    console.log(`\nmedians of ${rounds} interleaved rounds; per round CPU µs/req (req/s):`);
    for (const r of rows) {
      if (r.cpuUsPerRequest === null) continue;
      console.log(`  ${pad(r.name, 50)}${r.rounds.map((x) => `${x.cpuUsPerRequest!.toFixed(1)} (${Math.round(x.rps)})`).join(", ")}`);
    }
  }
  const ours = rows[rows.length - 1]!;
  const peer = rows.find((r) => r.name.startsWith("node http-proxy"));
  if (peer?.cpuUsPerRequest && ours.cpuUsPerRequest) {
    const perRound = ours.rounds.map((x, i) => peer.rounds[i]!.cpuUsPerRequest! / x.cpuUsPerRequest!);
    console.log(`\nswitchyard vs node http-proxy: ${(ours.load.rps / peer.load.rps).toFixed(2)}× req/s, ${(peer.cpuUsPerRequest / ours.cpuUsPerRequest).toFixed(2)}× less CPU per request` +
      (rounds > 1 ? ` (per round: ${perRound.map((v) => v.toFixed(2)).join(", ")})` : ""));
  }
}

function keep(child: ChildProcess) { started.push(child); return child; }

async function waitFor(url: string) {
  for (let i = 0; i < 200; i++) {
    try { const res = await fetch(url); await res.arrayBuffer(); if (res.status < 500) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function cleanup() {
  for (const child of started) if (child.exitCode === null) child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}

main().then(cleanup, (err) => { console.error(err); cleanup(); process.exit(1); });
process.on("SIGINT", () => { cleanup(); process.exit(130); });
