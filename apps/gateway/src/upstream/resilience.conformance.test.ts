import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import type { GatewayConfigInput, ServiceInput } from "@switchyard/config";
import type { RunningGateway } from "../start-gateway.ts";
import type { FakeControlPlane } from "../testing/fake-control-plane.ts";
import { startPushedGateway, type PushedGateway } from "../testing/pushed-gateway.ts";
import { startFaultServer, type FaultServer } from "../testing/fault-server.ts";
import { closedPort, send, waitUntil } from "../testing/fixtures.ts";

type Policy = NonNullable<ServiceInput["trafficPolicy"]>;
type RuleInput = NonNullable<GatewayConfigInput["routes"]>[number]["rules"][number];

/** One service over the given upstreams (or raw ports), one route `/r` to it. */
function config(targets: (FaultServer | number)[], policy: Policy = {}, rule: Partial<RuleInput> = {}, extra: Partial<ServiceInput> = {}): GatewayConfigInput {
  return {
    services: [{
      name: "svc",
      targets: targets.map((t) => ({ host: "127.0.0.1", port: typeof t === "number" ? t : t.port })),
      trafficPolicy: policy,
      ...extra,
    }],
    routes: [{ name: "r", path: { type: "prefix", value: "/r" }, rules: [{ destinations: [{ service: "svc" }], ...rule }] }],
  };
}

describe("resilience conformance (one worker, real loopback upstreams)", () => {
  let pushed: PushedGateway;
  let cp: FakeControlPlane;
  let gw: RunningGateway;
  let client: Pool;
  const servers: FaultServer[] = [];

  async function apply(input: GatewayConfigInput): Promise<void> {
    await pushed.apply(input);
  }
  async function server(name: string, mode: Parameters<typeof startFaultServer>[1] = {}): Promise<FaultServer> {
    const s = await startFaultServer(name, mode);
    servers.push(s);
    return s;
  }

  beforeAll(async () => {
    pushed = await startPushedGateway({ workers: 1, connections: 16 });
    ({ cp, gw, client } = pushed);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await pushed?.close();
  });

  describe("retries", () => {
    it("retries 5xx up to `attempts` and returns the first success", async () => {
      const up = await server("a", { failNext: 2 });
      await apply(config([up], {}, { retries: { attempts: 2, retryOn: ["5xx"] } }));
      const res = await send(client, "/r");
      expect(res.status).toBe(200);
      expect(up.hits).toBe(3);
    });

    it("relays the last failure with flag URX when attempts are exhausted", async () => {
      const up = await server("a", { failAll: true, failStatus: 502 });
      await apply(config([up], {}, { retries: { attempts: 2, retryOn: ["gateway-error"] } }));
      const res = await send(client, "/r");
      expect([res.status, res.headers["x-switchyard-flag"]]).toEqual([502, "URX"]);
      expect(up.hits).toBe(3);
    });

    it("retries listed codes only", async () => {
      const up = await server("a", { failAll: true, failStatus: 500 });
      await apply(config([up], {}, { retries: { attempts: 2, retryOn: ["503"] } }));
      expect((await send(client, "/r")).status).toBe(500);
      expect(up.hits).toBe(1);
      up.mode.failStatus = 503;
      expect((await send(client, "/r")).status).toBe(503);
      expect(up.hits).toBe(4);
    });

    it("never retries a non-idempotent method unless retryNonIdempotent, and replays a small body", async () => {
      const up = await server("a", { failAll: true, failStatus: 503 });
      await apply(config([up], {}, { retries: { attempts: 2, retryOn: ["5xx"] } }));
      expect((await send(client, "/r", { method: "POST", body: "hello" })).status).toBe(503);
      expect(up.hits).toBe(1);
      await apply(config([up], {}, { retries: { attempts: 2, retryOn: ["5xx"], retryNonIdempotent: true } }));
      up.mode.failAll = false;
      up.mode.failNext = 1;
      const ok = await send(client, "/r", { method: "POST", body: "hello" });
      expect(ok.status).toBe(200);
      expect(up.hits).toBe(3);
    });

    it("retries a connect failure on another target", async () => {
      const up = await server("live");
      const dead = await closedPort();
      await apply(config([dead, up], {}, { retries: { attempts: 1, retryOn: ["connect-failure"] } }));
      for (let i = 0; i < 10; i++) expect((await send(client, "/r")).status).toBe(200);
      expect(up.hits).toBe(10);
    });

    it("retries reset connections only when retryOn has reset; exhausted → 503 URX", async () => {
      const up = await server("reset", { reset: true });
      await apply(config([up], {}, { retries: { attempts: 2, retryOn: ["connect-failure"] } }));
      const once = await send(client, "/r");
      expect([once.status, once.headers["x-switchyard-flag"]]).toEqual([503, "UC"]);
      expect(up.hits).toBe(1);
      await apply(config([up], {}, { retries: { attempts: 2, retryOn: ["reset"] } }));
      const res = await send(client, "/r");
      expect([res.status, res.headers["x-switchyard-flag"]]).toEqual([503, "URX"]);
      expect(up.hits).toBe(4);
    });

    it("per-try timeouts: 3 tries of 100 ms plus backoff, then 504 URX (±50 ms)", async () => {
      const up = await server("slow", { delayMs: 400 });
      await apply(config([up], {}, { timeoutMs: "2s", retries: { attempts: 2, perTryTimeoutMs: "100ms", retryOn: ["reset"] } }));
      const t0 = performance.now();
      const res = await send(client, "/r");
      const elapsed = performance.now() - t0;
      expect([res.status, res.headers["x-switchyard-flag"]]).toEqual([504, "URX"]);
      expect(up.hits).toBe(3);
      // 3 × 100 ms + backoffs in [25, 37.5) and [50, 75).
      expect(elapsed).toBeGreaterThan(375 - 50);
      expect(elapsed).toBeLessThan(412 + 50);
    });

    it("the route timeout bounds all tries (504 UT at the route timeout ±50 ms)", async () => {
      const up = await server("slow", { delayMs: 1_000 });
      await apply(config([up], {}, { timeoutMs: "450ms", retries: { attempts: 5, perTryTimeoutMs: "200ms", retryOn: ["reset"] } }));
      const t0 = performance.now();
      const res = await send(client, "/r");
      const elapsed = performance.now() - t0;
      expect(res.status).toBe(504);
      expect(["UT", "URX"]).toContain(res.headers["x-switchyard-flag"]);
      expect(up.hits).toBe(2);
      expect(Math.abs(elapsed - 450)).toBeLessThan(50);
    });

    it("a retry budget of zero stops retries so an outage can't multiply load", async () => {
      const up = await server("a", { failAll: true });
      await apply(config([up], { retryBudget: { budgetPercent: 0, minRetryConcurrency: 0 } }, { retries: { attempts: 3, retryOn: ["5xx"] } }));
      const res = await send(client, "/r");
      expect([res.status, res.headers["x-switchyard-flag"]]).toEqual([503, "URX"]);
      expect(up.hits).toBe(1);
    });
  });

  describe("circuit breaking", () => {
    it("http2MaxRequests: overflow answered at once with 503 UO, nothing sent upstream", async () => {
      const up = await server("slow", { delayMs: 300 });
      await apply(config([up], { connectionPool: { http: { http2MaxRequests: 2 } } }));
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: 5 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i === 0 || i === 1 ? 0 : 50));
        const res = await send(client, "/r");
        return { status: res.status, flag: res.headers["x-switchyard-flag"], ms: performance.now() - t0 };
      }));
      const overflow = results.filter((r) => r.status === 503);
      expect(results.filter((r) => r.status === 200)).toHaveLength(2);
      expect(overflow).toHaveLength(3);
      for (const r of overflow) { expect(r.flag).toBe("UO"); expect(r.ms).toBeLessThan(250); }
      expect(up.hits).toBe(2);
    });

    it("tcp.maxConnections + http1MaxPendingRequests: one connection, one waiting, the rest UO", async () => {
      const up = await server("slow", { delayMs: 150 });
      await apply(config([up], { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } } }));
      const results = await Promise.all(Array.from({ length: 4 }, (_, i) =>
        new Promise((r) => setTimeout(r, i * 10)).then(() => send(client, "/r"))));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 503, 503]);
      expect(results.filter((r) => r.status === 503).every((r) => r.headers["x-switchyard-flag"] === "UO")).toBe(true);
      expect(up.hits).toBe(2);
      expect(up.maxConcurrent).toBe(1);
    });
  });

  describe("outlier detection", () => {
    const od = { consecutive5xxErrors: 3, baseEjectionTimeMs: 400, intervalMs: 10_000, maxEjectionPercent: 50 };

    it("ejects after consecutive 5xx inline, for base × n, then takes the host back", async () => {
      const bad = await server("bad", { failAll: true, failStatus: 500 });
      const good = await server("good");
      await apply(config([bad, good], { outlierDetection: od }));
      for (let i = 0; i < 20; i++) await send(client, "/r");
      expect(bad.hits).toBe(3);
      const ejectedAt = performance.now();
      // Back after 400 ms: the next requests reach it again.
      await waitUntil(async () => { await send(client, "/r"); return bad.hits > 3; }, 2_000, "the ejected host to come back");
      expect(Math.abs(performance.now() - ejectedAt - 400)).toBeLessThan(60);
      // Still failing: ejected again after 3 more, now for 2 × 400 ms.
      await waitUntil(async () => { await send(client, "/r"); return bad.hits >= 6; }, 2_000, "the second ejection");
      const second = performance.now();
      await waitUntil(async () => { await send(client, "/r"); return bad.hits > 6; }, 3_000, "the second return");
      expect(Math.abs(performance.now() - second - 800)).toBeLessThan(60);
      // Recovered: answers 200 and keeps its share.
      bad.mode.failAll = false;
      await new Promise((r) => setTimeout(r, 850));
      const before = bad.hits;
      for (let i = 0; i < 20; i++) expect((await send(client, "/r")).status).toBe(200);
      expect(bad.hits - before).toBe(10);
    });

    it("maxEjectionPercent 10% still ejects one host, never more", async () => {
      const a = await server("a", { failAll: true, failStatus: 503 });
      const b = await server("b", { failAll: true, failStatus: 503 });
      await apply(config([a, b], { outlierDetection: { ...od, maxEjectionPercent: 10, baseEjectionTimeMs: 5_000 } }));
      for (let i = 0; i < 20; i++) expect((await send(client, "/r")).status).toBe(503);
      // One host ejected after its 3rd error; the other took the rest.
      expect([a.hits, b.hits].sort((x, y) => x - y)).toEqual([3, 17]);
    });

    it("below minHealthPercent, ejections are ignored (panic) and every host takes traffic", async () => {
      const bad = await server("bad", { failAll: true, failStatus: 500 });
      const good = await server("good");
      await apply(config([bad, good], { outlierDetection: { ...od, baseEjectionTimeMs: 5_000, minHealthPercent: 60 } }));
      for (let i = 0; i < 20; i++) await send(client, "/r");
      expect(bad.hits).toBe(10);
    });

    it("counts connect failures as gateway errors (consecutiveGatewayErrors)", async () => {
      const good = await server("good");
      const dead = await closedPort();
      await apply(config([dead, good], { outlierDetection: { consecutive5xxErrors: 0, consecutiveGatewayErrors: 2, baseEjectionTimeMs: 5_000, maxEjectionPercent: 50 } }));
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await send(client, "/r")).status);
      expect(statuses.filter((s) => s === 503)).toHaveLength(2);
      expect(good.hits).toBe(8);
    });
  });

  describe("load balancing through the proxy", () => {
    it("consistent hash on a cookie or query parameter keeps each user on one target", async () => {
      const ups = await Promise.all(["a", "b", "c"].map((n) => server(n)));
      for (const key of [{ httpCookie: { name: "uid" } }, { httpQueryParameterName: "uid" }]) {
        await apply(config(ups, { loadBalancer: { type: "consistent-hash", consistentHash: key } }));
        const seen = new Map<string, Set<string>>();
        for (let round = 0; round < 3; round++) {
          for (let u = 0; u < 30; u++) {
            const res = "httpCookie" in key
              ? await send(client, "/r", { headers: { cookie: `theme=dark; uid=user-${u}` } })
              : await send(client, `/r?x=1&uid=user-${u}`);
            const set = seen.get(`user-${u}`) ?? new Set<string>();
            set.add(res.json.name as string);
            seen.set(`user-${u}`, set);
          }
        }
        expect([...seen.values()].every((s) => s.size === 1)).toBe(true);
        expect(new Set([...seen.values()].map((s) => [...s][0])).size).toBe(3);
      }
    });
  });
});
