import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import { startGateway, type RunningGateway } from "../start-gateway.ts";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { HEALTH_PATH, startFaultServer, type FaultServer } from "../testing/fault-server.ts";
import { captureLogger, proxyClient, send, waitUntil } from "../testing/fixtures.ts";

describe("active health checks (two workers, one checker per process)", () => {
  let a: FaultServer;
  let b: FaultServer;
  let gw: RunningGateway;
  let client: Pool;
  const log = captureLogger();

  beforeAll(async () => {
    [a, b] = await Promise.all([startFaultServer("a"), startFaultServer("b")]);
    gw = await startGateway({
      proxyPort: 0, adminPort: 0, workers: 2, cacheDir: null, logger: log,
      snapshot: makeSnapshot(1, {
        services: [{
          name: "svc",
          targets: [{ host: "127.0.0.1", port: a.port }, { host: "127.0.0.1", port: b.port }],
          healthCheck: { path: HEALTH_PATH, intervalMs: 50, timeoutMs: 200, unhealthyThreshold: 2, healthyThreshold: 2 },
        }],
        routes: [{ name: "r", path: { type: "prefix", value: "/r" }, rules: [{ destinations: [{ service: "svc" }] }] }],
      }),
    });
    client = proxyClient(gw.proxyPort, 8);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.stop();
    await Promise.all([a?.close(), b?.close()]);
  });

  async function spread(n: number): Promise<{ a: number; b: number; statuses: number[] }> {
    const before = { a: a.hits, b: b.hits };
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await send(client, "/r")).status);
    return { a: a.hits - before.a, b: b.hits - before.b, statuses };
  }

  it("probes each target once per interval for the whole process, not once per worker", async () => {
    const start = { a: a.healthHits, t: performance.now() };
    await new Promise((r) => setTimeout(r, 500));
    const probes = a.healthHits - start.a;
    const intervals = (performance.now() - start.t) / 50;
    expect(probes).toBeGreaterThan(intervals * 0.5);
    expect(probes).toBeLessThanOrEqual(intervals + 1);
  });

  it("takes a target out after unhealthyThreshold failures and back after healthyThreshold passes", async () => {
    a.mode.healthy = false;
    await waitUntil(() => log.lines.some((l) => l.includes(`:${a.port} failed 2 health checks`)), 2_000, "a to be marked unhealthy");
    await new Promise((r) => setTimeout(r, 20));
    const out = await spread(20);
    expect(out).toMatchObject({ a: 0, b: 20 });
    const metrics = await (await fetch(`http://127.0.0.1:${gw.adminPort}/metrics`)).text();
    expect(metrics).toContain(`switchyard_upstream_target_healthy{target="127.0.0.1:${a.port}"} 0`);
    expect(metrics).toContain(`switchyard_upstream_target_healthy{target="127.0.0.1:${b.port}"} 1`);

    a.mode.healthy = true;
    await waitUntil(() => log.lines.some((l) => l.includes(`:${a.port} passed 2 health checks`)), 2_000, "a to be back");
    await new Promise((r) => setTimeout(r, 20));
    const back = await spread(20);
    expect(back.a).toBeGreaterThan(0);
  });

  it("answers 503 UH when no target is healthy", async () => {
    a.mode.healthy = false;
    b.mode.healthy = false;
    await waitUntil(async () => (await send(client, "/r")).status === 503, 2_000, "no healthy target");
    const res = await send(client, "/r");
    expect([res.status, res.headers["x-switchyard-flag"]]).toEqual([503, "UH"]);
    const hits = a.hits + b.hits;
    await spread(5);
    expect(a.hits + b.hits).toBe(hits);
    a.mode.healthy = true;
    b.mode.healthy = true;
  });
});
