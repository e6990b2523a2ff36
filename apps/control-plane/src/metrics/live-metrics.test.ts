import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricsPoint } from "@switchyard/api";
import { databaseTargets, type DatabaseSetup } from "@switchyard/db/testing";
import { startControlPlane, type ControlPlane } from "../start-control-plane.ts";
import { httpClient, login, wsClient, type ApiClient } from "../testing/test-clients.ts";

const DP_TOKEN = "metrics-test-token";
const GATEWAY_MAIN = fileURLToPath(new URL("../../../gateway/src/main.ts", import.meta.url));

interface LiveEvent { full: boolean; points: MetricsPoint[] }

/** The real gateway as its own process (black box: env in, HTTP out), on free ports. */
async function spawnGateway(cpUrl: string, cacheDir: string): Promise<{ child: ChildProcess; proxyPort: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    env: {
      ...process.env,
      SWITCHYARD_CP_URL: cpUrl,
      SWITCHYARD_DP_TOKEN: DP_TOKEN,
      SWITCHYARD_PROXY_PORT: "0",
      SWITCHYARD_PROXY_HOST: "127.0.0.1",
      SWITCHYARD_ADMIN_PORT: "0",
      SWITCHYARD_WORKERS: "1",
      SWITCHYARD_CACHE_DIR: cacheDir,
      SWITCHYARD_ACCESS_LOG: "off",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const proxyPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 15_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /proxy listening on [^:]+:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stderr!.on("data", onData);
    child.stdout!.on("data", onData);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`gateway exited with ${code}:\n${out}`)); });
  });
  return {
    child,
    proxyPort,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}

describe("live metrics through the real control plane", () => {
  let setup: DatabaseSetup;
  let cp: ControlPlane;
  let admin: ApiClient;
  let cookie: string;
  let upstream: Server;
  let gateway: Awaited<ReturnType<typeof spawnGateway>>;
  let cacheDir: string;

  beforeAll(async () => {
    setup = await databaseTargets()[0]!.setup();
    cp = await startControlPlane({ port: 0, dataDir: setup.dataDir, databaseUrl: setup.databaseUrl, dpToken: DP_TOKEN, adminPassword: "metrics-admin-pw", seed: "none", log: () => {} });
    cookie = await login(cp.url, "admin", "metrics-admin-pw");
    admin = httpClient(cp.url, { cookie });
    upstream = createServer((req, res) => { req.resume(); res.end("ok"); });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
    const port = (upstream.address() as AddressInfo).port;
    await admin.config.replace.mutate({
      config: {
        services: [{ name: "echo", targets: [{ host: "127.0.0.1", port, labels: { version: "v1" } }, { host: "127.0.0.1", port, labels: { version: "v2" } }], subsets: [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }] }],
        routes: [{ name: "live", path: { type: "prefix", value: "/live" }, rules: [{ destinations: [{ service: "echo", subset: "v1", weight: 50 }, { service: "echo", subset: "v2", weight: 50 }] }] }],
      },
    });
    cacheDir = await mkdtemp(path.join(os.tmpdir(), "sy-gw-cache-"));
    gateway = await spawnGateway(cp.url, cacheDir);
    // Wait until the gateway serves the route.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${gateway.proxyPort}/live/warmup`).catch(() => null);
      if (res?.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 40_000);

  afterAll(async () => {
    await gateway?.stop();
    await cp?.stop();
    await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
    await setup?.cleanup();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it("shows a request sent to the gateway in the live series within 2 seconds", async () => {
    const { api, close } = wsClient(cp.url, cookie);
    const seen: { at: number; points: MetricsPoint[] }[] = [];
    const sub = api.metrics.live.subscribe({ route: "live", windowSeconds: 30 }, { onData: (e) => seen.push({ at: Date.now(), points: (e as LiveEvent).points }) });
    try {
      const until = async (check: () => boolean, ms: number) => {
        const end = Date.now() + ms;
        while (!check()) {
          if (Date.now() > end) return false;
          await new Promise((r) => setTimeout(r, 10));
        }
        return true;
      };
      expect(await until(() => seen.length > 0, 5_000)).toBe(true);
      // Let the warm-up traffic drain out of the newest seconds.
      await new Promise((r) => setTimeout(r, 3_500));
      const count = (points: MetricsPoint[], after: number) => points.filter((p) => p.t >= after).reduce((n, p) => n + p.requests, 0);

      const sentAt = Date.now();
      const after = Math.floor(sentAt / 1000) * 1000;
      const res = await fetch(`http://127.0.0.1:${gateway.proxyPort}/live/now`, { method: "POST", body: "x" });
      expect(res.status).toBe(200);
      const shown = await until(() => seen.some((e) => count(e.points, after) >= 1), 2_000);
      const latency = Date.now() - sentAt;
      expect(shown, `not in the live series ${latency} ms after the request`).toBe(true);
      expect(latency).toBeLessThanOrEqual(2_050);
      const point = seen.map((e) => e.points.find((p) => p.t >= after && p.requests > 0)).find(Boolean)!;
      expect(point.byClass["2xx"]).toBe(1);
      expect(point.p50).not.toBeNull();
      expect(Object.keys(point.bySubset).length).toBe(1);
    } finally {
      sub.unsubscribe();
      close();
    }
  });

  it("rolls the traffic up per minute into the history", async () => {
    const n = 20;
    for (let i = 0; i < n; i++) expect((await fetch(`http://127.0.0.1:${gateway.proxyPort}/live/h${i}`)).status).toBe(200);
    // Wait until the control plane has the stats (live), then write the minute out.
    const { api, close } = wsClient(cp.url, cookie);
    let total = 0;
    const sub = api.metrics.live.subscribe({ route: "live", windowSeconds: 60 }, {
      onData: (e) => {
        const ev = e as LiveEvent;
        if (ev.full) total = 0;
        // Count each second once: keep the newest value per t.
        for (const p of ev.points) seenByT.set(p.t, p.requests);
        total = [...seenByT.values()].reduce((a, b) => a + b, 0);
      },
    });
    const seenByT = new Map<number, number>();
    const end = Date.now() + 5_000;
    // All requests so far: warm-up (≥1), 1 live, n here.
    while (total < n + 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    close();
    expect(total).toBeGreaterThanOrEqual(n + 2);
    await cp.metrics.flush();
    const history = await admin.metrics.history.query({ range: "1h", route: "live" });
    expect(history.points.length).toBe(60);
    const inHistory = history.points.reduce((a, p) => a + p.requests, 0);
    // Rollups are written every few seconds and added to, so the history holds every request of
    // this suite (all within the live window) exactly once.
    expect(inHistory).toBe(total);
    const day = await admin.metrics.history.query({ range: "24h", route: "live" });
    expect(day.points.reduce((a, p) => a + p.requests, 0)).toBe(inHistory);
    expect(history.points.some((p) => p.p95 !== null)).toBe(true);
  }, 20_000);
});
