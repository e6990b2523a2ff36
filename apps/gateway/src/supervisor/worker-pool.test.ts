import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../log.ts";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { demoConfig, proxyClient, send, startUpstreams, waitUntil, type Upstreams } from "../testing/fixtures.ts";
import { WorkerPool } from "./worker-pool.ts";

describe("WorkerPool", () => {
  let up: Upstreams;
  beforeAll(async () => { up = await startUpstreams(); });
  afterAll(async () => { await up?.close(); });

  it("replaces a worker that dies; the replacement serves the current config", async () => {
    const pool = new WorkerPool({ count: 2, port: 0, host: "127.0.0.1", statsIntervalMs: 500, log: silentLogger, onStats: () => {} });
    await pool.start(null);
    await pool.apply(makeSnapshot(1, demoConfig(up, { v1: 100, v2: 0 })));
    const client = proxyClient(pool.proxyPort, 4);
    try {
      await pool.killWorker(0);
      await waitUntil(() => pool.liveWorkers === 2, 5_000, "replacement worker");
      // Fresh connections land on both workers; every one must see the config.
      for (let i = 0; i < 40; i++) {
        const res = await send(client, "/api/users/1", { headers: { connection: "close" } });
        expect(res.json.version).toBe("v1");
      }
    } finally {
      await client.close();
      await pool.stop(1_000);
    }
  });

  it("drains in-flight requests on stop and stops accepting", async () => {
    const pool = new WorkerPool({ count: 2, port: 0, host: "127.0.0.1", statsIntervalMs: 500, log: silentLogger, onStats: () => {} });
    await pool.start(makeSnapshot(1, demoConfig(up)));
    const client = proxyClient(pool.proxyPort, 4);
    const slow = send(client, "/api/orders/1?delay_ms=400");
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await pool.stop(5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect((await slow).status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${pool.proxyPort}/api/orders/1`)).rejects.toThrow();
    await client.close();
  });

  it("a drain waits for a request a fault delay holds back", async () => {
    const config = demoConfig(up);
    config.routes![1]!.rules[0]!.fault = { delay: { fixedDelayMs: 400 } };
    const pool = new WorkerPool({ count: 1, port: 0, host: "127.0.0.1", statsIntervalMs: 500, log: silentLogger, onStats: () => {} });
    await pool.start(makeSnapshot(1, config));
    const client = proxyClient(pool.proxyPort, 1);
    const held = send(client, "/api/orders/1");
    await new Promise((r) => setTimeout(r, 100));
    await pool.stop(5_000);
    expect((await held).status).toBe(200);
    await client.close();
  });

  it("refuses a port another gateway already serves instead of sharing it through SO_REUSEPORT", async () => {
    const first = new WorkerPool({ count: 1, port: 0, host: "127.0.0.1", statsIntervalMs: 500, log: silentLogger, onStats: () => {} });
    await first.start(null);
    try {
      const second = new WorkerPool({ count: 1, port: first.proxyPort, host: "127.0.0.1", statsIntervalMs: 500, log: silentLogger, onStats: () => {} });
      await expect(second.start(null)).rejects.toThrow(`127.0.0.1:${first.proxyPort} is already in use`);
      expect(second.liveWorkers).toBe(0);
    } finally {
      await first.stop(1_000);
    }
  });
});
