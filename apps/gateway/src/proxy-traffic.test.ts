import { once } from "node:events";
import { connect } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import type { GatewayConfigInput } from "@switchyard/config";
import type { RunningGateway } from "./start-gateway.ts";
import type { FakeControlPlane } from "./testing/fake-control-plane.ts";
import { startPushedGateway, type PushedGateway } from "./testing/pushed-gateway.ts";
import { closedPort, demoConfig, rawRequest, send, startUpstreams, type Upstreams } from "./testing/fixtures.ts";

describe("proxying", () => {
  let up: Upstreams;
  let pushed: PushedGateway;
  let cp: FakeControlPlane;
  let gw: RunningGateway;
  let client: Pool;

  async function apply(config: GatewayConfigInput): Promise<void> {
    await pushed.apply(config);
  }

  beforeAll(async () => {
    up = await startUpstreams();
    pushed = await startPushedGateway({ workers: 2, connections: 16 });
    ({ cp, gw, client } = pushed);
  });

  afterAll(async () => {
    await pushed?.close();
    await up?.close();
  });

  it("splits 90/10 within ±3 percentage points over 2,000 requests", async () => {
    await apply(demoConfig(up, { v1: 90, v2: 10 }));
    const total = 2_000;
    let v2 = 0;
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < total) {
        next++;
        const res = await send(client, "/api/users/1");
        expect(res.status).toBe(200);
        if (res.json.version === "v2") v2++;
      }
    }));
    const share = v2 / total;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
  });

  it("fails no request during 200 config pushes under steady keep-alive load", async () => {
    await apply(demoConfig(up));
    const before = { v1: up.v1.connections, v2: up.v2.connections };
    let running = true;
    let ok = 0;
    const failures: string[] = [];
    const load = Promise.all(Array.from({ length: 8 }, async () => {
      while (running) {
        try {
          const res = await send(client, "/api/users/1", { method: "POST", body: "x".repeat(512), headers: { "content-type": "text/plain" } });
          if (res.status === 200 && res.json.bodyBytes === 512) ok++;
          else failures.push(`status ${res.status} ${JSON.stringify(res.json)}`);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    }));
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      // Alternate splits and add/remove a route, so each push really changes the table.
      const config = demoConfig(up, i % 2 === 0 ? { v1: 50, v2: 50 } : { v1: 90, v2: 10 });
      if (i % 3 === 0) config.routes!.push({ name: `extra-${i}`, path: { type: "exact", value: `/extra/${i}` }, rules: [{ destinations: [{ service: "order-service" }] }] });
      await apply(config);
    }
    const pushMs = Date.now() - started;
    running = false;
    await load;
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(200);
    expect(pushMs).toBeLessThan(20_000);
    // Pools survive pushes: connections to the upstreams were reused, not re-opened per push.
    expect(up.v1.connections - before.v1 + up.v2.connections - before.v2).toBeLessThan(64);
  });

  it("answers with flags from the error table: UF, UT, UH", async () => {
    const dead = await closedPort();
    const config = demoConfig(up);
    config.services!.push({ name: "dead", targets: [{ host: "127.0.0.1", port: dead }] });
    config.services!.push({ name: "empty", targets: [{ host: "127.0.0.1", port: up.v1.port, labels: { version: "v1" } }], subsets: [{ name: "none", labels: { version: "v9" } }] });
    config.routes!.push(
      { name: "dead", path: { type: "prefix", value: "/dead" }, rules: [{ destinations: [{ service: "dead" }] }] },
      { name: "slow", path: { type: "prefix", value: "/slow" }, rules: [{ timeoutMs: "200ms", destinations: [{ service: "order-service" }] }] },
      { name: "empty", path: { type: "prefix", value: "/empty" }, rules: [{ destinations: [{ service: "empty", subset: "none" }] }] },
    );
    await apply(config);

    const uf = await send(client, "/dead");
    expect([uf.status, uf.headers["x-switchyard-flag"], (uf.json.error as { code: string }).code]).toEqual([503, "UF", "SY_ERR_UPSTREAM_CONNECT_FAILURE"]);
    // Streamed request bodies (too large to read first, or chunked) get the same answer.
    const large = await send(client, "/dead", { method: "POST", body: Buffer.alloc(300 * 1024, 1) });
    expect([large.status, large.headers["x-switchyard-flag"]]).toEqual([503, "UF"]);
    const chunked = await send(client, "/dead", { method: "POST", body: Readable.from([Buffer.alloc(1024, 1), Buffer.alloc(1024, 2)]) });
    expect([chunked.status, chunked.headers["x-switchyard-flag"]]).toEqual([503, "UF"]);

    const t0 = Date.now();
    const ut = await send(client, "/slow?delay_ms=2000");
    expect([ut.status, ut.headers["x-switchyard-flag"], (ut.json.error as { code: string }).code]).toEqual([504, "UT", "SY_ERR_UPSTREAM_TIMEOUT"]);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect((await send(client, "/slow?delay_ms=20")).status).toBe(200);

    const uh = await send(client, "/empty");
    expect([uh.status, uh.headers["x-switchyard-flag"], (uh.json.error as { code: string }).code]).toEqual([503, "UH", "SY_ERR_NO_HEALTHY_UPSTREAM"]);

    const metrics = await (await fetch(`http://127.0.0.1:${gw.adminPort}/metrics`)).text();
    expect(metrics).toContain('switchyard_http_requests_total{route="dead",service="dead",subset="",code="503",flag="UF",consumer=""} 3');
    expect(metrics).toContain('switchyard_http_requests_total{route="slow",service="order-service",subset="",code="504",flag="UT",consumer=""} 1');
    expect(metrics).toContain('switchyard_http_requests_total{route="empty",service="empty",subset="none",code="503",flag="UH",consumer=""} 1');
  });

  it("forwards the canonical path, strips hop-by-hop headers and adds forwarding headers", async () => {
    const config = demoConfig(up);
    config.routes!.push({ name: "strip", path: { type: "prefix", value: "/svc/orders" }, stripPath: true, rules: [{ destinations: [{ service: "order-service" }] }] });
    await apply(config);

    const res = await rawRequest(gw.proxyPort, "/api/orders/x/../%2e%2e/users//7?q=1", {
      connection: "keep-alive, x-hop", "x-hop": "1", "keep-alive": "timeout=5", "x-switchyard-internal": "1", "x-forwarded-for": "6.6.6.6", "x-request-id": "abc-123", host: "api.example.com",
    });
    expect(res.status).toBe(200);
    expect(res.json.service).toBe("user-service");
    expect(res.json.path).toBe("/api/users/7");
    expect(res.json.query).toEqual({ q: "1" });
    const h = res.json.headers!;
    expect(h["x-hop"]).toBeUndefined();
    expect(h["keep-alive"]).toBeUndefined();
    expect(h["x-switchyard-internal"]).toBeUndefined();
    expect(h["x-forwarded-for"]).toBe("127.0.0.1");
    expect(h["x-forwarded-proto"]).toBe("http");
    expect(h["x-forwarded-host"]).toBe("api.example.com");
    expect(h["x-request-id"]).toBe("abc-123");

    const generated = await send(client, "/api/users/1");
    expect(generated.json.headers!["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);

    const stripped = await send(client, "/svc/orders/42?x=y");
    expect(stripped.json.path).toBe("/42");
    expect(stripped.json.query).toEqual({ x: "y" });

    const encodedSlash = await send(client, "/api/users/a%2Fb");
    expect([encodedSlash.status, encodedSlash.headers["x-switchyard-flag"]]).toEqual([400, "DPE"]);
  });

  it("counts a client that hangs up halfway through a streamed upload as DC, not as an upstream failure", async () => {
    await apply(demoConfig(up));
    const socket = connect(gw.proxyPort, "127.0.0.1");
    await once(socket, "connect");
    socket.write("PUT /api/orders/upload HTTP/1.1\r\nhost: x\r\ncontent-length: 300000\r\n\r\n");
    socket.write(Buffer.alloc(100_000, 1));
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    let line: string | undefined;
    for (let i = 0; i < 50 && line === undefined; i++) {
      await new Promise((r) => setTimeout(r, 40));
      const metrics = await (await fetch(`http://127.0.0.1:${gw.adminPort}/metrics`)).text();
      line = metrics.split("\n").find((l) => l.startsWith('switchyard_http_requests_total{route="orders"') && l.includes('flag="DC"'));
    }
    expect(line).toMatch(/ 1$/);
    expect((await send(client, "/api/orders/1")).status).toBe(200);
  });

  it("streams large bodies both ways", async () => {
    await apply(demoConfig(up));
    const body = Buffer.alloc(8 * 1024 * 1024, 7);
    const res = await send(client, "/api/orders/upload", { method: "PUT", body });
    expect(res.status).toBe(200);
    expect(res.json.bodyBytes).toBe(body.length);
  });
});
