import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pool } from "undici";
import type { GatewayConfigInput, PolicyInput } from "@switchyard/config";
import { startEchoServer, type EchoServer } from "@switchyard/demo-services";
import { startGateway, type RunningGateway } from "../../start-gateway.ts";
import { makeSnapshot } from "../../testing/fake-control-plane.ts";
import { captureLogger, closedPort, send } from "../../testing/fixtures.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** Unique per run, so counts left in Redis by an earlier run (same window) don't matter. */
const run = randomBytes(4).toString("hex");
const route = (name: string) => ({ name, path: { type: "prefix" as const, value: `/${name}` }, rules: [{ destinations: [{ service: "echo" }] }] });

/** Waits for the next window when fewer than `margin` ms are left in this one, so a burst stays in one window. */
async function awayFromEdge(windowMs: number, margin: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < margin) await new Promise((r) => setTimeout(r, left + 50));
}

describe("rate limiting through the proxy", () => {
  let upstream: EchoServer;
  let gw: RunningGateway;
  let pool: Pool;
  const log = captureLogger();

  beforeAll(async () => {
    upstream = await startEchoServer({ service: "echo", version: "v1", port: 0 });
    const dead = await closedPort();
    const policies: PolicyInput[] = [
      { type: "rate-limit", name: `exact-${run}`, scope: { kind: "route", name: "exact" }, config: { hour: 150, limit_by: "ip" } },
      { type: "rate-limit", name: `multi-${run}`, scope: { kind: "route", name: "multi" }, config: { second: 1000, minute: 5, hour: 100, limit_by: "ip" } },
      { type: "rate-limit", name: `hidden-${run}`, scope: { kind: "route", name: "hidden" }, config: { minute: 1, hide_client_headers: true, limit_by: "ip" } },
      { type: "rate-limit", name: `hdr-${run}`, scope: { kind: "route", name: "byheader" }, config: { minute: 2, limit_by: "header", header_name: "x-tenant" } },
      // The Kong plugin config as users write it (limit_by consumer, no consumer: the client IP).
      { type: "rate-limit", name: `kong-${run}`, scope: { kind: "route", name: "kong" }, config: { minute: 100, policy: "redis" } },
      { type: "rate-limit", name: `open-${run}`, scope: { kind: "route", name: "failopen" }, config: { minute: 1, policy: "redis", redis: { url: `redis://127.0.0.1:${dead}`, timeout: 100 } } },
      { type: "rate-limit", name: `closed-${run}`, scope: { kind: "route", name: "failclosed" }, config: { minute: 1, policy: "redis", fault_tolerant: false, redis: { url: `redis://127.0.0.1:${dead}`, timeout: 100 } } },
    ];
    const config: GatewayConfigInput = {
      services: [{ name: "echo", targets: [{ host: "127.0.0.1", port: upstream.port }] }],
      routes: ["exact", "multi", "hidden", "byheader", "kong", "failopen", "failclosed"].map(route),
      policies,
    };
    gw = await startGateway({ proxyPort: 0, adminPort: 0, proxyHost: "127.0.0.1", workers: 3, cacheDir: null, logger: log, redisUrl: REDIS_URL, snapshot: makeSnapshot(1, config) });
    // Many connections, so SO_REUSEPORT spreads them over all three workers.
    pool = new Pool(`http://127.0.0.1:${gw.proxyPort}`, { connections: 48, pipelining: 1 });
  });
  afterAll(async () => {
    await pool?.close();
    await gw?.stop();
    await upstream?.close();
  });

  async function burst(path: string, n: number, headers: Record<string, string> = {}): Promise<number[]> {
    return Promise.all(Array.from({ length: n }, async () => (await send(pool, path, { headers })).status));
  }

  it("local policy is exact across 3 worker threads: 150/hour allows exactly 150 of 400 concurrent requests", async () => {
    await awayFromEdge(3_600_000, 10_000);
    const statuses = await burst("/exact/x", 400);
    expect(statuses.filter((s) => s === 200).length).toBe(150);
    expect(statuses.filter((s) => s === 429).length).toBe(250);
  });

  it("several limits at once; RateLimit-* and X-RateLimit-*-<Period> headers; 429 with Retry-After and flag RL", async () => {
    await awayFromEdge(60_000, 5_000);
    const first = await send(pool, "/multi/x");
    expect(first.status).toBe(200);
    expect(first.headers["ratelimit-limit"]).toBe("5");
    expect(first.headers["ratelimit-remaining"]).toBe("4");
    expect(Number(first.headers["ratelimit-reset"])).toBeGreaterThan(0);
    expect(first.headers["x-ratelimit-limit-second"]).toBe("1000");
    expect(first.headers["x-ratelimit-limit-minute"]).toBe("5");
    expect(first.headers["x-ratelimit-remaining-minute"]).toBe("4");
    expect(first.headers["x-ratelimit-limit-hour"]).toBe("100");
    expect(first.headers["x-ratelimit-remaining-hour"]).toBe("99");
    for (let i = 0; i < 4; i++) expect((await send(pool, "/multi/x")).status).toBe(200);
    const limited = await send(pool, "/multi/x");
    expect(limited.status).toBe(429);
    expect(limited.headers["x-switchyard-flag"]).toBe("RL");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.headers["ratelimit-remaining"]).toBe("0");
    // Refused requests consumed nothing: the hour limit still counts 5.
    expect(limited.headers["x-ratelimit-remaining-hour"]).toBe("95");
  });

  it("hide_client_headers removes the rate-limit headers", async () => {
    const res = await send(pool, "/hidden/x");
    expect(res.headers["ratelimit-limit"]).toBeUndefined();
    expect(res.headers["x-ratelimit-limit-minute"]).toBeUndefined();
  });

  it("limit_by ip ignores a spoofed X-Forwarded-For from an untrusted peer; limit_by header keys on the header", async () => {
    await awayFromEdge(60_000, 5_000);
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => send(pool, "/exact/x", { headers: { "x-forwarded-for": `198.51.100.${i}` } })));
    // The exact route's hour budget was used up above: every spoofed address is the same client.
    expect(statuses.every((r) => r.status === 429)).toBe(true);
    expect((await burst("/byheader/x", 4, { "x-tenant": "t1" })).filter((s) => s === 200).length).toBe(2);
    expect((await burst("/byheader/x", 4, { "x-tenant": "t2" })).filter((s) => s === 200).length).toBe(2);
  });

  it("the Kong example { minute: 100, policy: redis } works as written", async () => {
    await awayFromEdge(60_000, 10_000);
    const statuses = await burst("/kong/x", 130);
    expect(statuses.filter((s) => s === 200).length).toBe(100);
    expect(statuses.filter((s) => s === 429).length).toBe(30);
  });

  it("an unreachable Redis: fault_tolerant lets requests through, otherwise 503; both logged and counted", async () => {
    for (let i = 0; i < 3; i++) expect((await send(pool, "/failopen/x")).status).toBe(200);
    const closed = await send(pool, "/failclosed/x");
    expect(closed.status).toBe(503);
    expect(closed.headers["x-switchyard-flag"]).toBe("RLSE");
    const metrics = await (await fetch(`http://127.0.0.1:${gw.adminPort}/metrics`)).text();
    expect(Number(/switchyard_rate_limit_store_errors_total\{outcome="allowed"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
    expect(Number(/switchyard_rate_limit_store_errors_total\{outcome="refused"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
  });
});
