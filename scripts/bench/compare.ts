// `npm run bench:compare`: gateway variants on the bench config, measured interleaved: each round
// saturates every variant in turn with wrk (the order alternating), and per variant the proxy's
// CPU time per request and req/s are printed for every round, with the median. Short interleaved
// rounds are what let a difference of a few percent show on a machine whose speed drifts by more
// than that from one minute to the next; the paired rounds say how often one variant beat the
// other. With taskset and two or more CPUs, the gateways run on CPU 1 and the load generator and
// the upstream on CPU 0, so what a variant costs isn't mixed with how the scheduler shared a core
// (COMPARE_PIN=0 turns that off). Default: the lean HTTP/1.1 path against node:http alone.
// A variant may run from another checkout with its own node_modules ("root"): that is how a change
// is measured against the commit before it.
// Env: COMPARE_VARIANTS (JSON list of {name, gatewayArgs?, nodeArgs?, env?, root?}), COMPARE_ROUNDS (12),
// COMPARE_SECONDS (3), COMPARE_CONNECTIONS (32), COMPARE_PORT (first of a block of ports, 13100),
// COMPARE_BODY (POST this JSON text instead of GETs), COMPARE_PROTOCOL (http1, or h2c: HTTP/2 in plain
// text by h2load, one stream at a time per connection).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { benchConfig, benchToken } from "./bench-config.ts";
import { treeCpuSeconds } from "./cpu.ts";
import { saturate, saturateH2c, type SaturateOptions } from "./load.ts";
import { hasNginx, startNginx, upstreamBody } from "./nginx.ts";
import { canPin, onCpu, pinSelf } from "./pin.ts";
import { median } from "./median.ts";

interface Variant { name: string; gatewayArgs?: string[]; nodeArgs?: string[]; env?: Record<string, string>; root?: string }
const DEFAULT_VARIANTS: Variant[] = [
  { name: "node:http only", gatewayArgs: ["--http-server", "node"] },
  { name: "lean HTTP/1.1 path", gatewayArgs: ["--http-server", "lean"] },
];

const root = path.resolve(import.meta.dirname, "../..");
const variants: Variant[] = process.env.COMPARE_VARIANTS ? JSON.parse(process.env.COMPARE_VARIANTS) : DEFAULT_VARIANTS;
const rounds = Number(process.env.COMPARE_ROUNDS ?? 12);
const seconds = Number(process.env.COMPARE_SECONDS ?? 3);
const connections = Number(process.env.COMPARE_CONNECTIONS ?? 32);
const base = Number(process.env.COMPARE_PORT ?? 13100);
const body = process.env.COMPARE_BODY;
const protocol = process.env.COMPARE_PROTOCOL ?? "http1";
if (protocol !== "http1" && protocol !== "h2c") throw new Error(`COMPARE_PROTOCOL: http1 or h2c, not ${protocol}`);
const load = (url: string, opts: SaturateOptions) => (protocol === "h2c" ? Promise.resolve(saturateH2c(url, opts)) : saturate(url, opts));
const headers: Record<string, string> = { authorization: `Bearer ${benchToken()}`, ...(body === undefined ? {} : { "content-type": "application/json" }) };
const dir = mkdtempSync(path.join(os.tmpdir(), "sy-compare-"));
const started: ChildProcess[] = [];
const pin = process.env.COMPARE_PIN !== "0" && canPin;
if (pin) pinSelf(0); // this process, wrk and the upstream: CPU 0

async function waitFor(url: string) {
  for (let i = 0; i < 200; i++) {
    try { const res = await fetch(url); await res.arrayBuffer(); if (res.status < 500) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/**
 * A variant from another checkout must load that checkout's packages: with its node_modules
 * linked to this one's, @switchyard/gateway would resolve here and both variants would run the
 * same code.
 */
function checkOwnPackages(v: Variant): void {
  if (v.root === undefined) return;
  const own = realpathSync(v.root);
  let gateway: string;
  try {
    gateway = realpathSync(path.join(v.root, "node_modules/@switchyard/gateway"));
  } catch {
    throw new Error(`variant "${v.name}": ${v.root} has no node_modules/@switchyard/gateway; run npm ci there first`);
  }
  if (!gateway.startsWith(`${own}${path.sep}`)) {
    throw new Error(`variant "${v.name}": ${v.root}'s @switchyard/gateway resolves to ${gateway}, outside that checkout; give it its own npm ci`);
  }
}

async function main() {
  variants.forEach(checkOwnPackages);
  const upstream = base;
  if (hasNginx) started.push(startNginx(path.join(dir, "upstream"), 1, upstreamBody(upstream)));
  else started.push(spawn(process.execPath, [path.join(root, "scripts/bench/node-peers.ts"), "upstream", String(upstream)], { stdio: "inherit" }));
  await waitFor(`http://127.0.0.1:${upstream}/`);
  const configFile = path.join(dir, "switchyard.yaml");
  writeFileSync(configFile, stringify(benchConfig(upstream)));
  const runs = await Promise.all(variants.map(async (v, i) => {
    const port = base + 1 + 2 * i;
    const command = [process.execPath, ...(v.nodeArgs ?? []), path.join(v.root ?? root, "packages/cli/bin/switchyard.js"), "gateway", "--config", configFile,
      "--port", String(port), "--admin-port", String(port + 1), "--workers", "1", ...(v.gatewayArgs ?? [])];
    const [file, args] = onCpu(pin ? 1 : null, command[0]!, command.slice(1));
    const child = spawn(file, args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...v.env } });
    started.push(child);
    await waitFor(`http://127.0.0.1:${port + 1}/ready`);
    return { variant: v, pid: child.pid!, url: `http://127.0.0.1:${port}/bench/measured`, cpu: [] as number[], rps: [] as number[] };
  }));
  for (const r of runs) await load(r.url, { connections, seconds: 2, headers, body }); // warm-up: JIT, pools
  console.log(`compare: ${runs.length} variants, ${rounds} interleaved rounds of ${seconds}s, ${connections} connections, 1 proxy worker, ${protocol === "h2c" ? "h2c by h2load" : "HTTP/1.1"}, ${body === undefined ? "GET" : `POST of ${Buffer.byteLength(body)} bytes`}, upstream ${hasNginx ? "nginx" : "Node"}${pin ? ", gateways on CPU 1, load and upstream on CPU 0" : ""}`);
  for (let round = 0; round < rounds; round++) {
    for (const r of round % 2 === 0 ? runs : [...runs].reverse()) {
      const before = treeCpuSeconds(r.pid);
      const result = await load(r.url, { connections, seconds, headers, body });
      if (result.errors > 0) console.log(`  ${r.variant.name}: ${result.errors} errors in round ${round + 1}`);
      r.cpu.push(((treeCpuSeconds(r.pid) - before) * 1e6) / result.requests);
      r.rps.push(result.rps);
    }
  }
  for (const r of runs) {
    console.log(`\n${r.variant.name}\n  CPU µs/req ${r.cpu.map((x) => x.toFixed(1)).join(" ")}  median ${median(r.cpu).toFixed(1)}` +
      `\n  req/s      ${r.rps.map((x) => Math.round(x)).join(" ")}  median ${Math.round(median(r.rps))}`);
  }
  const [a, b] = runs;
  if (a && b) {
    const wins = a.cpu.filter((x, i) => b.cpu[i]! < x).length;
    console.log(`\n${b.variant.name} vs ${a.variant.name}: median CPU per request ${((median(b.cpu) / median(a.cpu) - 1) * 100).toFixed(1)}%, ` +
      `median req/s ${((median(b.rps) / median(a.rps) - 1) * 100).toFixed(1)}%, less CPU in ${wins} of ${rounds} paired rounds`);
  }
}

function cleanup() {
  for (const child of started) if (child.exitCode === null) child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}

main().then(cleanup, (err) => { console.error(err); cleanup(); process.exit(1); });
process.on("SIGINT", () => { cleanup(); process.exit(130); });
