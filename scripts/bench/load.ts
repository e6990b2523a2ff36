import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

export interface LoadResult { requests: number; rps: number; p50Ms: number; p99Ms: number; errors: number; p999Ms?: number; maxMs?: number; clientLagP99Ms?: number }

export const hasWrk = spawnSync("wrk", ["--version"]).error === undefined;
export const hasH2load = spawnSync("h2load", ["--version"]).error === undefined;

export interface SaturateOptions {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** POST this body (Content-Length) instead of a GET. */
  body?: string;
}

/** Closed-loop load at full speed: wrk when installed, else autocannon. */
export async function saturate(url: string, opts: SaturateOptions): Promise<LoadResult> {
  return hasWrk ? runWrk(url, opts) : runAutocannon(url, opts);
}

const headerArgs = (headers: Record<string, string>) => Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);

/** Runs a load tool, `content` (a request body, a script) in a temporary file whose path `args` gets (null without one); its stdout. */
function runWithFile(command: string, content: string | undefined, args: (file: string | null) => string[]): string {
  const dir = content === undefined ? null : mkdtempSync(path.join(os.tmpdir(), `sy-${command}-`));
  const file = dir === null ? null : path.join(dir, "input");
  if (file !== null) writeFileSync(file, content!);
  try {
    return spawnSync(command, args(file), { encoding: "utf8" }).stdout;
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Closed-loop load over HTTP/2 in plain text (h2c with prior knowledge, as gRPC clients connect)
 * by h2load (Debian's nghttp2-client): one stream at a time per connection, as wrk sends one
 * request at a time. h2load prints no percentiles: p50/p99 are NaN.
 */
export function saturateH2c(url: string, { connections, seconds, headers = {}, body }: SaturateOptions): LoadResult {
  if (!hasH2load) throw new Error("h2load is not installed (Debian package nghttp2-client)");
  const out = runWithFile("h2load", body, (file) => ["-c", String(connections), "-m", "1", "-D", String(seconds), ...(file === null ? [] : ["-d", file]), ...headerArgs(headers), url]);
  const m = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(out);
  const status = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  const done = Number(m?.[2] ?? NaN);
  const non2xx = status ? Number(status[2]) + Number(status[3]) + Number(status[4]) : 0;
  return {
    requests: done,
    rps: Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out)?.[1] ?? NaN),
    p50Ms: NaN,
    p99Ms: NaN,
    errors: (m ? Number(m[4]) + Number(m[5]) + Number(m[6]) : 0) + non2xx,
  };
}

function runWrk(url: string, { connections, seconds, headers = {}, body }: SaturateOptions): LoadResult {
  const script = body === undefined ? undefined : `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\n`;
  const out = runWithFile("wrk", script, (file) => ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", ...(file === null ? [] : ["-s", file]), ...headerArgs(headers), url]);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const ms = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
  };
  const requests = num(/(\d+) requests in/);
  const errors = num(/Non-2xx or 3xx responses: (\d+)/) || 0;
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrorCount = socketErrors ? socketErrors.slice(1).reduce((s, x) => s + Number(x), 0) : 0;
  return {
    requests,
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: ms(/50%\s+([\d.]+)(us|ms|s)/),
    p99Ms: ms(/99%\s+([\d.]+)(us|ms|s)/),
    errors: errors + socketErrorCount,
  };
}

async function runAutocannon(url: string, { connections, seconds, headers = {}, body }: SaturateOptions): Promise<LoadResult> {
  const { default: autocannon } = await import("autocannon");
  const r = await autocannon({ url, connections, duration: seconds, headers, ...(body === undefined ? {} : { method: "POST" as const, body }) });
  return { requests: r.requests.total, rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.non2xx + r.errors };
}

/**
 * Open-loop load at a fixed rate in Node: the fallback for "added latency at half load" when no C
 * compiler can build pace.c. Requests are started on a schedule whatever the previous ones do, but
 * they are timed from when they actually start, and at bench rates this client both falls behind
 * its schedule and adds tens of ms of its own timer and event-loop jitter at p99: enough to swamp a
 * proxy's added tail, so its tail figures are not to be quoted.
 */
export async function paced(url: string, opts: { rps: number; seconds: number; connections: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const target = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(opts.rps * opts.seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rps;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.get({ host: target.hostname, port: target.port, path: target.pathname, agent, headers: opts.headers }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) errors++;
          latencies.push(performance.now() - t0);
          resolve();
        });
      });
      req.on("error", () => { errors++; resolve(); });
    }));
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { requests: latencies.length, rps: latencies.length / ((performance.now() - start) / 1000), p50Ms: q(0.5), p99Ms: q(0.99), errors };
}
