import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import type { GatewayConfigInput } from "@switchyard/config";
import type { RunningGateway } from "../start-gateway.ts";
import type { FakeControlPlane } from "../testing/fake-control-plane.ts";
import { startPushedGateway, type PushedGateway } from "../testing/pushed-gateway.ts";
import { startFaultServer, type FaultServer } from "../testing/fault-server.ts";
import { closedPort, demoConfig, send, startUpstreams, waitUntil, type Upstreams } from "../testing/fixtures.ts";

type RouteInput = NonNullable<GatewayConfigInput["routes"]>[number];

describe("routing conformance (real loopback upstreams)", () => {
  let up: Upstreams;
  let pushed: PushedGateway;
  let cp: FakeControlPlane;
  let gw: RunningGateway;
  let client: Pool;

  async function apply(routes: RouteInput[], extraServices: NonNullable<GatewayConfigInput["services"]> = []): Promise<void> {
    const config = demoConfig(up);
    config.routes = routes;
    config.services = [...config.services!, ...extraServices];
    await pushed.apply(config);
  }

  /** Sends `total` requests, `concurrency` at a time; returns how many went to v2. */
  async function countV2(total: number, headers: (i: number) => Record<string, string> = () => ({})): Promise<number> {
    let v2 = 0, next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < total) {
        const i = next++;
        const res = await send(client, "/api/users/1", { headers: headers(i) });
        expect(res.status).toBe(200);
        if (res.json.version === "v2") v2++;
      }
    }));
    return v2;
  }

  const split = (extra: Partial<RouteInput["rules"][number]> = {}): RouteInput => ({
    name: "users", path: { type: "prefix", value: "/api/users" },
    rules: [{ destinations: [{ service: "user-service", subset: "v1", weight: 90 }, { service: "user-service", subset: "v2", weight: 10 }], ...extra }],
  });

  beforeAll(async () => {
    up = await startUpstreams();
    pushed = await startPushedGateway({ workers: 2, connections: 32 });
    ({ cp, gw, client } = pushed);
  });
  afterAll(async () => {
    await pushed?.close();
    await up?.close();
  });

  it("a 90/10 split holds within ±1 pp over 10,000 requests", async () => {
    await apply([split()]);
    const v2 = await countV2(10_000);
    expect(Math.abs(v2 / 10_000 - 0.1)).toBeLessThan(0.01);
  }, 60_000);

  it("a sticky split keeps each user on one side while 10,000 users split 90/10 within ±1 pp", async () => {
    await apply([split({ stickySplit: { header: "x-user" } })]);
    const v2 = await countV2(10_000, (i) => ({ "x-user": `user-${i}` }));
    expect(Math.abs(v2 / 10_000 - 0.1)).toBeLessThan(0.01);
    for (let u = 0; u < 40; u++) {
      const sides = new Set<string>();
      for (let k = 0; k < 5; k++) sides.add((await send(client, "/api/users/1", { headers: { "x-user": `user-${u}` } })).json.version!);
      expect(sides.size).toBe(1);
    }
  }, 60_000);

  it("a cookie canary rule before the weighted default sends matching users to v2", async () => {
    await apply([{
      name: "users", path: { type: "prefix", value: "/api/users" },
      rules: [
        { match: [{ cookies: { canary: { exact: "always" } } }], destinations: [{ service: "user-service", subset: "v2" }] },
        { destinations: [{ service: "user-service", subset: "v1" }] },
      ],
    }]);
    expect((await send(client, "/api/users/1", { headers: { cookie: "a=1; canary=always" } })).json.version).toBe("v2");
    expect((await send(client, "/api/users/1", { headers: { cookie: "canary=never" } })).json.version).toBe("v1");
    expect((await send(client, "/api/users/1")).json.version).toBe("v1");
  });

  it("rewrites the path by prefix and by regex, and the Host", async () => {
    await apply([
      { name: "prefix", path: { type: "prefix", value: "/old" }, rules: [{ rewrite: { uri: "/new", authority: "internal.example" }, destinations: [{ service: "order-service" }] }] },
      { name: "regex", path: { type: "prefix", value: "/v1/items" }, rules: [{ rewrite: { uriRegexRewrite: { match: "^/v1/items/(\\d+)$", rewrite: "/items?id=\\1" } }, destinations: [{ service: "order-service" }] }] },
    ]);
    const a = await send(client, "/old/x/y?q=1");
    expect([a.json.path, a.json.query, a.json.headers?.host]).toEqual(["/new/x/y", { q: "1" }, "internal.example"]);
    const b = await send(client, "/v1/items/42");
    expect([b.json.path, b.json.query]).toEqual(["/items", { id: "42" }]);
  });

  it("adds, sets and removes request and response headers", async () => {
    await apply([{
      name: "h", path: { type: "prefix", value: "/h" },
      rules: [{
        headers: {
          request: { set: { "x-env": "prod" }, add: { "x-tag": "gw" }, remove: ["x-secret"] },
          response: { set: { "cache-control": "no-store" }, remove: ["x-demo-version"] },
        },
        destinations: [{ service: "order-service" }],
      }],
    }]);
    const res = await send(client, "/h", { headers: { "x-env": "dev", "x-tag": "client", "x-secret": "s" } });
    expect(res.json.headers?.["x-env"]).toBe("prod");
    expect(res.json.headers?.["x-tag"]).toBe("client, gw");
    expect(res.json.headers?.["x-secret"]).toBeUndefined();
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["x-demo-version"]).toBeUndefined();
  });

  it("redirects and answers directly without touching an upstream", async () => {
    await apply([
      { name: "moved", path: { type: "prefix", value: "/moved" }, rules: [{ redirect: { uri: "/new-home", redirectCode: 308 }, destinations: [] }] },
      { name: "secure", path: { type: "prefix", value: "/secure" }, rules: [{ redirect: { scheme: "https" }, destinations: [] }] },
      { name: "teapot", path: { type: "exact", value: "/teapot" }, rules: [{ directResponse: { status: 418, body: "short and stout" }, destinations: [] }] },
    ]);
    const before = up.orders.requests + up.v1.requests + up.v2.requests;
    const moved = await send(client, "/moved/x?y=1", { headers: { host: "api.example.com:8080" } });
    expect([moved.status, moved.headers.location]).toEqual([308, "http://api.example.com:8080/new-home?y=1"]);
    const secure = await send(client, "/secure/a", { headers: { host: "api.example.com:8080" } });
    expect([secure.status, secure.headers.location]).toEqual([301, "https://api.example.com/secure/a"]);
    const res = await client.request({ path: "/teapot", method: "GET" });
    expect([res.statusCode, await res.body.text()]).toEqual([418, "short and stout"]);
    expect(up.orders.requests + up.v1.requests + up.v2.requests).toBe(before);
  });

  describe("mirroring", () => {
    let slow: FaultServer;
    beforeAll(async () => { slow = await startFaultServer("mirror", { delayMs: 1_500, failAll: true, failStatus: 500 }); });
    afterAll(async () => { await slow?.close(); });

    it("copies the chosen share to the mirror without slowing or failing the real request", async () => {
      const dead = await closedPort();
      await apply([
        { name: "m", path: { type: "prefix", value: "/m" }, rules: [{ mirror: { service: "mirror" }, destinations: [{ service: "order-service" }] }] },
        { name: "half", path: { type: "prefix", value: "/half" }, rules: [{ mirror: { service: "mirror", percentage: 50 }, destinations: [{ service: "order-service" }] }] },
        { name: "dead", path: { type: "prefix", value: "/dead-mirror" }, rules: [{ mirror: { service: "dead" }, destinations: [{ service: "order-service" }] }] },
      ], [
        { name: "mirror", targets: [{ host: "127.0.0.1", port: slow.port }] },
        { name: "dead", targets: [{ host: "127.0.0.1", port: dead }] },
      ]);
      const t0 = performance.now();
      const res = await send(client, "/m/1", { method: "POST", body: "payload" });
      expect(res.status).toBe(200);
      expect(res.json.service).toBe("order-service");
      expect(performance.now() - t0).toBeLessThan(500);
      await waitUntil(() => slow.hits === 1, 2_000, "the mirror copy");
      for (let i = 0; i < 5; i++) expect((await send(client, "/dead-mirror")).status).toBe(200);
      for (let i = 0; i < 400; i++) await send(client, "/half");
      await waitUntil(() => slow.hits > 100, 3_000, "mirror copies");
      await new Promise((r) => setTimeout(r, 100));
      expect(Math.abs((slow.hits - 1) / 400 - 0.5)).toBeLessThan(0.1);
    }, 20_000);
  });
  it("fault injection (Istio fault): aborts answer the rule's status with flag FI and never reach the upstream; a share holds within ±3 pp; delays hold requests back", async () => {
    const orders = (fault: NonNullable<RouteInput["rules"][number]["fault"]>): RouteInput => ({
      name: "orders", path: { type: "prefix", value: "/api/orders" }, rules: [{ destinations: [{ service: "order-service" }], fault }],
    });
    await apply([orders({ abort: { httpStatus: 418 } })]);
    const before = up.orders.requests;
    const aborted = await send(client, "/api/orders/1");
    expect([aborted.status, aborted.headers["x-switchyard-flag"], (aborted.json.error as { code?: string } | undefined)?.code]).toEqual([418, "FI", "SY_ERR_FAULT_INJECTED"]);
    // Counted as the route's, with its flag.
    await waitUntil(async () => (await (await fetch(`http://127.0.0.1:${gw.adminPort}/metrics`)).text())
      .split("\n").some((l) => l.startsWith("switchyard_http_requests_total{") && l.includes('route="orders"') && l.includes('flag="FI"')), 5_000, "the abort in the route's metrics");
    // A gRPC-status abort: a call that isn't gRPC gets the HTTP status it stands for.
    await apply([orders({ abort: { grpcStatus: "UNAVAILABLE" } })]);
    expect((await send(client, "/api/orders/1")).status).toBe(503);
    expect(up.orders.requests).toBe(before);

    await apply([orders({ abort: { httpStatus: 503, percentage: 30 } })]);
    let failed = 0;
    const total = 2_000;
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < total) {
        next++;
        const res = await send(client, "/api/orders/1");
        if (res.status === 503) failed++;
        else expect(res.status).toBe(200);
      }
    }));
    expect(Math.abs(failed / total - 0.3)).toBeLessThan(0.03);
    expect(up.orders.requests - before).toBe(total - failed);

    await apply([orders({ delay: { fixedDelayMs: 150 } })]);
    const started = performance.now();
    expect((await send(client, "/api/orders/1")).status).toBe(200);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(145);
    expect(took).toBeLessThan(600);
    // Delay and abort together: delayed first, then aborted.
    await apply([orders({ delay: { fixedDelayMs: 100 }, abort: { httpStatus: 500 } })]);
    const t0 = performance.now();
    expect((await send(client, "/api/orders/1")).status).toBe(500);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
  }, 60_000);
});
