// `node scripts/bench/alloc.ts`: what one request on the bench route costs the proxy worker, in
// figures that survive a busy machine better than req/s: bytes allocated on the V8 heap and
// young-generation collections per request, measured inside the worker (alloc-probe.ts), plus the
// worker thread's CPU time per request. Starts an nginx upstream (else the Node one) and a
// 1-worker gateway on the bench config, warms up, then runs wrk in measured rounds.
// ALLOC_SAMPLE=<bytes> also records a sampling heap profile per round and prints the top
// allocation sites (sampling slows the worker: its CPU figures are then not comparable).
// Env: ALLOC_SECONDS (5), ALLOC_ROUNDS (3), ALLOC_CONNECTIONS (32), ALLOC_PORT (first of three ports, 12800),
// ALLOC_NODE_ARGS (extra node flags for the gateway, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
// ALLOC_GATEWAY_ARGS (extra `switchyard gateway` options, e.g. "--http-server node").
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { benchConfig, benchToken } from "./bench-config.ts";
import { saturate } from "./load.ts";
import { hasNginx, startNginx, upstreamBody } from "./nginx.ts";
import { median } from "./median.ts";

const root = path.resolve(import.meta.dirname, "../..");
const seconds = Number(process.env.ALLOC_SECONDS ?? 5);
const rounds = Number(process.env.ALLOC_ROUNDS ?? 3);
const connections = Number(process.env.ALLOC_CONNECTIONS ?? 32);
const sample = Number(process.env.ALLOC_SAMPLE ?? 0);
const base = Number(process.env.ALLOC_PORT ?? 12800);
const ports = { upstream: base, gateway: base + 1, admin: base + 2 };
const dir = mkdtempSync(path.join(os.tmpdir(), "sy-alloc-"));
const ctl = path.join(dir, "ctl");
const outPrefix = path.join(dir, "out");
const headers = { authorization: `Bearer ${benchToken()}` };
const started: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Probe { thread: number; allocatedBytes: number; minorGcs: number; majorGcs: number; cpuUs: number; userUs: number; elu: number; loopDelayMaxMs: number; loopDelayP99Ms: number; gcPauseTotalMs: number; gcPauseMaxMs: number }

async function main() {
  writeFileSync(ctl, "");
  if (hasNginx) started.push(startNginx(path.join(dir, "upstream"), 1, upstreamBody(ports.upstream)));
  else started.push(spawn(process.execPath, [path.join(root, "scripts/bench/node-peers.ts"), "upstream", String(ports.upstream)], { stdio: "inherit" }));
  await waitFor(`http://127.0.0.1:${ports.upstream}/`);
  const configFile = path.join(dir, "switchyard.yaml");
  writeFileSync(configFile, stringify(benchConfig(ports.upstream)));
  started.push(spawn(process.execPath, [
    ...(process.env.ALLOC_NODE_ARGS ?? "").split(" ").filter(Boolean),
    "--import", path.join(import.meta.dirname, "alloc-probe.ts"),
    path.join(root, "packages/cli/bin/switchyard.js"), "gateway", "--config", configFile,
    "--port", String(ports.gateway), "--admin-port", String(ports.admin), "--workers", "1",
    ...(process.env.ALLOC_GATEWAY_ARGS ?? "").split(" ").filter(Boolean),
  ], { stdio: ["ignore", process.env.ALLOC_STDOUT ? "inherit" : "ignore", "inherit"], env: { ...process.env, ALLOC_CTL: ctl, ALLOC_OUT: outPrefix, ALLOC_SAMPLE: String(sample) } }));
  await waitFor(`http://127.0.0.1:${ports.admin}/ready`);
  const url = `http://127.0.0.1:${ports.gateway}/bench/measured`;
  const check = await fetch(url, { headers });
  await check.arrayBuffer();
  if (check.status !== 200) throw new Error(`bench route answered ${check.status}`);

  await saturate(url, { connections, seconds: 3, headers }); // warm-up: JIT, pools
  const rows: (Probe & { requests: number; rps: number })[] = [];
  const profiles: string[] = [];
  for (let round = 0; round < rounds; round++) {
    writeFileSync(ctl, `start ${round}`);
    await sleep(150);
    const load = await saturate(url, { connections, seconds, headers });
    writeFileSync(ctl, `stop ${round}`);
    const probe = await readProbe(round);
    rows.push({ ...probe, requests: load.requests, rps: load.rps });
    const profile = `${outPrefix}.${probe.thread}.${round}.heapprofile`;
    if (existsSync(profile)) profiles.push(profile);
    const r = rows[rows.length - 1]!;
    console.log(`round ${round + 1}: ${Math.round(r.rps)} req/s, ${fmt(r)}`);
  }
  const med = (f: (r: (typeof rows)[number]) => number) => median(rows.map(f));
  console.log(`\nmedian of ${rounds} rounds (${seconds}s, ${connections} connections, upstream ${hasNginx ? "nginx" : "Node"}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}):`);
  console.log(`  heap allocated ${med((r) => r.allocatedBytes / r.requests).toFixed(0)} B/request, ` +
    `${med((r) => (r.minorGcs * 1e5) / r.requests).toFixed(1)} scavenges per 100k requests, ` +
    `worker CPU ${med((r) => r.cpuUs / r.requests).toFixed(1)} µs/request (user ${med((r) => r.userUs / r.requests).toFixed(1)}), ${Math.round(med((r) => r.rps))} req/s`);
  if (profiles.length > 0) reportProfiles(profiles, rows.reduce((s, r) => s + r.requests, 0));
}

function fmt(r: Probe & { requests: number }): string {
  return `${(r.allocatedBytes / r.requests).toFixed(0)} B/req, ${((r.minorGcs * 1e5) / r.requests).toFixed(1)} scavenges/100k (${r.minorGcs} minor, ${r.majorGcs} major), ` +
    `GC pause ${r.gcPauseTotalMs.toFixed(0)} ms total / ${r.gcPauseMaxMs.toFixed(2)} ms max, worker CPU ${(r.cpuUs / r.requests).toFixed(1)} µs/req (user ${(r.userUs / r.requests).toFixed(1)}), ` +
    `ELU ${r.elu.toFixed(2)}, loop delay p99 ${r.loopDelayP99Ms.toFixed(2)} / max ${r.loopDelayMaxMs.toFixed(2)} ms`;
}

async function readProbe(round: number): Promise<Probe> {
  for (let i = 0; i < 200; i++) {
    const file = readdirSync(dir).find((f) => f.startsWith("out.") && f.endsWith(`.${round}.json`));
    if (file) return JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Probe;
    await sleep(50);
  }
  throw new Error("the worker wrote no measurement (is alloc-probe.ts loaded?)");
}

interface ProfileNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: ProfileNode[] }

/** Top allocation sites over all rounds, in bytes per request, by function and by function + caller. */
function reportProfiles(files: string[], requests: number) {
  const self = new Map<string, number>();
  const withCaller = new Map<string, number>();
  const name = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(apps|packages|node_modules)\//, "$1/").replace(/^node:/, "")}:${n.callFrame.lineNumber + 1}`;
  const walk = (n: ProfileNode, parent: string) => {
    const me = name(n);
    if (n.selfSize > 0) {
      self.set(me, (self.get(me) ?? 0) + n.selfSize);
      const key = `${me}  <-  ${parent}`;
      withCaller.set(key, (withCaller.get(key) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, me);
  };
  for (const f of files) walk((JSON.parse(readFileSync(f, "utf8")) as { head: ProfileNode }).head, "(root)");
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, v]) => `  ${(v / requests).toFixed(1).padStart(7)} B/req  ${k}`).join("\n");
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\nsampled allocation sites (${(total / requests).toFixed(0)} B/request sampled):\n${top(self, 30)}\n\nwith caller:\n${top(withCaller, 40)}`);
}

async function waitFor(url: string) {
  for (let i = 0; i < 200; i++) {
    try { const res = await fetch(url); await res.arrayBuffer(); if (res.status < 500) return; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

async function cleanup() {
  for (const child of started) if (child.exitCode === null) child.kill("SIGTERM");
  // The gateway drains and exits (writing any --cpu-prof profiles) before its files go.
  for (let i = 0; i < 50 && started.some((c) => c.exitCode === null && c.signalCode === null); i++) await sleep(100);
  rmSync(dir, { recursive: true, force: true });
}

main().then(cleanup, async (err) => { console.error(err); await cleanup(); process.exit(1); });
process.on("SIGINT", () => { void cleanup().then(() => process.exit(130)); });
