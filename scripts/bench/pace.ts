// Builds and runs pace.c, the open-loop HTTP/1.1 load generator behind the bench's "added latency
// at half load" figure. It is compiled at run time with the system C compiler (cc, or $CC) into the
// OS temp dir, keyed by a hash of its source so an edit rebuilds it; without a compiler there is
// no binary and the bench falls back to its Node client.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const source = path.join(import.meta.dirname, "pace.c");
const compiler = process.env.CC || "cc";

export const hasCompiler = spawnSync(compiler, ["--version"]).error === undefined;

/** Latency percentiles in ms. */
export interface PaceLatency { p50: number; p90: number; p99: number; p999: number; max: number; mean: number }

/** What pace prints (JSON on stdout). */
export interface PaceResult {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  /** Requests due in the measured window (rate × seconds). */
  scheduled: number;
  /** Responses received, any status. */
  requests: number;
  /** Responses per second over the measured window. */
  rps: number;
  status: { "2xx": number; non2xx: number };
  errors: { non2xx: number; connect: number; read: number; write: number; timeout: number; protocol: number; unsent: number; total: number };
  reconnects: number;
  /** From when each request was due (coordinated omission corrected): the figure to quote. */
  latencyMs: PaceLatency | null;
  /** From when each request was written to its response (what a closed-loop client reports). */
  serviceMs: PaceLatency | null;
  /** From due to written: waiting for a free connection plus the client's own lateness. */
  sendLagMs: PaceLatency | null;
  /** How late the OS woke the client for its timer: the client's own share of the latencies. */
  wakeLagMs: PaceLatency | null;
}

/** Compiles pace.c once per source version; returns the binary's path, or null without a C compiler. */
export function buildPace(outDir = path.join(os.tmpdir(), "switchyard-pace")): string | null {
  if (!hasCompiler) return null;
  const hash = createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 12);
  const binary = path.join(outDir, `pace-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(outDir, { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  const cc = spawnSync(compiler, ["-O2", "-Wall", "-o", tmp, source], { encoding: "utf8" });
  if (cc.status !== 0) throw new Error(`${compiler} could not build ${source}:\n${cc.stderr}`);
  renameSync(tmp, binary); // atomic: a concurrent build never sees half a binary
  for (const old of readdirSync(outDir)) { // builds of earlier versions of the source
    if (old.startsWith("pace-") && !old.endsWith(".tmp") && old !== path.basename(binary)) rmSync(path.join(outDir, old), { force: true });
  }
  return binary;
}

export interface PaceOptions {
  /** Requests per second, on a fixed schedule. */
  rate: number;
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  /** Run at the same rate first without recording (warms JIT and pools at this rate). */
  warmupSeconds?: number;
  /** Per-request timeout; requests still out this long after the last one was due count as timeouts. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs pace against `url` (http://host:port/path) and parses its JSON report. */
export function runPace(binary: string, url: string, opts: PaceOptions): Promise<PaceResult> {
  const args = [url, "-r", String(opts.rate), "-d", String(opts.seconds), "-c", String(opts.connections)];
  for (const [name, value] of Object.entries(opts.headers ?? {})) args.push("-H", `${name}: ${value}`);
  if (opts.warmupSeconds) args.push("-w", String(opts.warmupSeconds));
  if (opts.timeoutMs) args.push("-t", String(opts.timeoutMs));
  return new Promise((resolve, reject) => {
    // Async spawn: a test's server in this same process must keep answering while pace runs.
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => { out += d; });
    child.stderr.setEncoding("utf8").on("data", (d: string) => { err += d; });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`pace exited with ${code}: ${err.trim()}`));
      try { resolve(JSON.parse(out) as PaceResult); } catch { reject(new Error(`pace printed no JSON: ${out}${err}`)); }
    });
  });
}
