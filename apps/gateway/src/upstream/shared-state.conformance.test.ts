import { createServer as createH2Server, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GatewayConfigInput, ServiceInput } from "@switchyard/config";
import { silentLogger } from "../log.ts";
import type { WorkerStats } from "../messages.ts";
import { WorkerPool } from "../supervisor/worker-pool.ts";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { startFaultServer, type FaultServer } from "../testing/fault-server.ts";
import { rawRequest, waitUntil, type ProxyResponse } from "../testing/fixtures.ts";

type Policy = NonNullable<ServiceInput["trafficPolicy"]>;

function config(targets: FaultServer[], policy: Policy): GatewayConfigInput {
  return {
    services: [{ name: "svc", targets: targets.map((t) => ({ host: "127.0.0.1", port: t.port })), trafficPolicy: policy }],
    routes: [{ name: "r", path: { type: "prefix", value: "/r" }, rules: [{ destinations: [{ service: "svc" }] }] }],
  };
}

/**
 * Circuit breakers and outlier detection are per gateway process, as in Envoy: two workers
 * (SO_REUSEPORT) share them. Every request here opens a fresh connection, so the kernel spreads
 * them over both workers; the workers' own request counts show that it did.
 */
describe("upstream state shared by all workers of a process (two workers)", () => {
  let pool: WorkerPool;
  let version = 0;
  /** Requests each worker counted (from its stats reports). */
  const served = [0, 0];
  const servers: FaultServer[] = [];

  beforeAll(async () => {
    pool = new WorkerPool({
      count: 2, port: 0, host: "127.0.0.1", statsIntervalMs: 100, log: silentLogger,
      onStats: (stats: WorkerStats, worker: number) => { for (const r of stats.rows) served[worker]! += r.count; },
    });
    await pool.start(null);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await pool?.stop(1_000);
  });

  async function server(name: string, mode: Parameters<typeof startFaultServer>[1] = {}): Promise<FaultServer> {
    const s = await startFaultServer(name, mode);
    servers.push(s);
    return s;
  }
  async function apply(input: GatewayConfigInput): Promise<void> {
    await pool.apply(makeSnapshot(++version, input));
  }
  /** One request on its own connection (so the kernel picks the worker). */
  function request(): Promise<ProxyResponse> {
    return rawRequest(pool.proxyPort, "/r", { connection: "close" });
  }
  async function servedSince(before: number[]): Promise<number[]> {
    await pool.flushStats(1_000);
    return [served[0]! - before[0]!, served[1]! - before[1]!];
  }

  it("http2MaxRequests 3: exactly 3 requests reach the upstream from both workers together, the rest 503 UO", async () => {
    const up = await server("slow", { delayMs: 400 });
    await apply(config([up], { connectionPool: { http: { http2MaxRequests: 3 } } }));
    const before = [...served];
    const results = await Promise.all(Array.from({ length: 16 }, () => request()));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    const overflow = results.filter((r) => r.status === 503);
    expect(overflow).toHaveLength(13);
    expect(overflow.every((r) => r.headers["x-switchyard-flag"] === "UO")).toBe(true);
    expect(up.hits).toBe(3);
    expect(up.maxConcurrent).toBe(3);
    const perWorker = await servedSince(before);
    expect(perWorker[0]! + perWorker[1]!).toBe(16);
    expect(Math.min(...perWorker)).toBeGreaterThan(0);
    expect(pool.upstream.clusterCounts("svc")).toEqual({ active: 0, retries: 0 });
  });

  it("tcp.maxConnections 2 + http1MaxPendingRequests 2: concurrency 2 at the upstream, 2 wait (in either worker), the rest UO", async () => {
    const up = await server("slow", { delayMs: 300 });
    await apply(config([up], { connectionPool: { tcp: { maxConnections: 2 }, http: { http1MaxPendingRequests: 2 } } }));
    const before = [...served];
    const results = await Promise.all(Array.from({ length: 16 }, () => request()));
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    expect(results.filter((r) => r.status === 503 && r.headers["x-switchyard-flag"] === "UO")).toHaveLength(12);
    expect(up.hits).toBe(4);
    expect(up.maxConcurrent).toBe(2);
    const perWorker = await servedSince(before);
    expect(Math.min(...perWorker)).toBeGreaterThan(0);
    expect(pool.upstream.targetCounts(`http://127.0.0.1:${up.port}`)).toEqual({ active: 0, queued: 0, h2Sessions: 0, h2Queued: 0 });
  });

  it("HTTP/2: tcp.maxConnections and http1MaxPendingRequests count both workers' sessions and waiting requests", async () => {
    // h2c upstream: /slow answers after 300 ms, anything else at once; sessions and concurrent streams counted.
    const sessions: Http2Session[] = [];
    let active = 0, maxActive = 0, hits = 0;
    const h2 = createH2Server();
    h2.on("session", (s: Http2Session) => sessions.push(s));
    h2.on("request", (req, res) => {
      hits++;
      active++;
      maxActive = Math.max(maxActive, active);
      res.on("close", () => { active--; });
      setTimeout(() => res.end("ok"), req.url.endsWith("/slow") ? 300 : 0);
    });
    await new Promise<void>((resolve) => h2.listen(0, "127.0.0.1", resolve));
    const port = (h2.address() as AddressInfo).port;
    try {
      await apply({
        services: [{
          name: "svc", targets: [{ host: "127.0.0.1", port }],
          trafficPolicy: { connectionPool: { tcp: { maxConnections: 2 }, http: { h2UpgradePolicy: "UPGRADE", maxConcurrentStreams: 1, http1MaxPendingRequests: 2 } } },
        }],
        routes: [{ name: "r", path: { type: "prefix", value: "/r" }, rules: [{ destinations: [{ service: "svc" }] }] }],
      });
      // Each worker opens its session (one each: a worker's first opens whatever the others hold).
      const before = [...served];
      await waitUntil(async () => {
        expect((await request()).status).toBe(200);
        return Math.min(...await servedSince(before)) > 0;
      }, 5_000, "both workers to have served a request");
      expect(sessions).toHaveLength(2);
      hits = 0;
      maxActive = 0;
      // Per worker, each could have opened a second session and queued 2: up to 8 would get through.
      const results = await Promise.all(Array.from({ length: 16 }, () => rawRequest(pool.proxyPort, "/r/slow", { connection: "close" })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(4);
      expect(results.filter((r) => r.status === 503 && r.headers["x-switchyard-flag"] === "UO")).toHaveLength(12);
      expect(hits).toBe(4);
      expect(maxActive).toBe(2);
      expect(sessions).toHaveLength(2);
      const origin = `http://127.0.0.1:${port}`;
      // The last stream's close may follow its response by a moment.
      await waitUntil(() => pool.upstream.targetCounts(origin)!.active === 0, 1_000, "the streams to close");
      expect(pool.upstream.targetCounts(origin)).toEqual({ active: 0, queued: 0, h2Sessions: 2, h2Queued: 0 });
      // Workers that die with their sessions open give them back.
      await pool.killWorker(0);
      await pool.killWorker(1);
      await waitUntil(() => pool.liveWorkers === 2, 5_000, "replacement workers");
      expect(pool.upstream.targetCounts(origin)).toEqual({ active: 0, queued: 0, h2Sessions: 0, h2Queued: 0 });
    } finally {
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => h2.close(() => resolve()));
    }
  });

  it("an ejection one worker makes routes the other worker's requests away too; back after base, then 2 × base", async () => {
    const bad = await server("bad", { failAll: true, failStatus: 500 });
    const good = await server("good");
    await apply(config([bad, good], { outlierDetection: { consecutive5xxErrors: 3, baseEjectionTimeMs: 400, intervalMs: 10_000, maxEjectionPercent: 50 } }));
    // The streak is the host's, whichever worker saw each error: 3 errors in all eject it.
    let ejectedAt = 0;
    while (bad.hits < 3) {
      await request();
      ejectedAt = performance.now();
    }
    const before = [...served];
    for (let i = 0; i < 30; i++) expect((await request()).status).toBe(200);
    expect(bad.hits).toBe(3);
    const perWorker = await servedSince(before);
    expect(Math.min(...perWorker)).toBeGreaterThan(0);

    // Back after 400 ms, for every worker: the next requests reach it again.
    await waitUntil(async () => { await request(); return bad.hits > 3; }, 2_000, "the ejected host to come back");
    expect(Math.abs(performance.now() - ejectedAt - 400)).toBeLessThan(80);
    // Still failing: 3 more errors (from any worker) eject it again, now for 2 × 400 ms.
    while (bad.hits < 6) {
      await request();
      ejectedAt = performance.now();
    }
    await waitUntil(async () => { await request(); return bad.hits > 6; }, 3_000, "the second return");
    expect(Math.abs(performance.now() - ejectedAt - 800)).toBeLessThan(80);
  });

  it("a worker that dies holding requests in flight leaks none of them: the limit is whole again", async () => {
    const up = await server("slow", { delayMs: 1_500 });
    await apply(config([up], { connectionPool: { http: { http2MaxRequests: 4 } } }));
    const first = Promise.all(Array.from({ length: 12 }, () => request().catch(() => null)));
    await waitUntil(() => up.hits === 4, 2_000, "4 requests in flight");
    expect(pool.upstream.clusterCounts("svc")!.active).toBe(4);
    // Both workers die with their requests in flight (whichever holds them); replacements start.
    await pool.killWorker(0);
    await pool.killWorker(1);
    await first;
    await waitUntil(() => pool.liveWorkers === 2, 5_000, "replacement workers");
    expect(pool.upstream.clusterCounts("svc")!.active).toBe(0);
    up.mode.delayMs = 300;
    const again = await Promise.all(Array.from({ length: 8 }, () => request()));
    expect(again.filter((r) => r.status === 200)).toHaveLength(4);
    expect(again.filter((r) => r.status === 503)).toHaveLength(4);
  });
});
