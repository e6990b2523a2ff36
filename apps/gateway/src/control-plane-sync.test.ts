import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import { startGateway, type RunningGateway } from "./start-gateway.ts";
import { FakeControlPlane, makeSnapshot } from "./testing/fake-control-plane.ts";
import {
  captureLogger, closedPort, demoConfig, getJson, proxyClient, send, startUpstreams, tempDir, waitUntil, type Upstreams,
} from "./testing/fixtures.ts";

const backoff = { minBackoffMs: 50, maxBackoffMs: 200 };

describe("gateway and control plane", () => {
  let up: Upstreams;
  let cp: FakeControlPlane;
  let gw: RunningGateway;
  let client: Pool;
  let cache: Awaited<ReturnType<typeof tempDir>>;
  const log = captureLogger();
  const admin = (path: string) => getJson(`http://127.0.0.1:${gw.adminPort}${path}`);

  beforeAll(async () => {
    up = await startUpstreams();
    cp = await FakeControlPlane.start();
    cache = await tempDir();
    gw = await startGateway({
      proxyPort: 0, adminPort: 0, workers: 2, cacheDir: cache.path, labels: { zone: "test" }, logger: log,
      controlPlane: { url: cp.url, token: cp.token, ...backoff },
    });
    client = proxyClient(gw.proxyPort);
  });

  afterAll(async () => {
    await client?.close();
    await gw?.stop();
    await cp?.close();
    await up?.close();
    await cache?.remove();
  });

  it("is live but not ready before a config, and answers NR", async () => {
    expect((await admin("/live")).status).toBe(200);
    const ready = await admin("/ready");
    expect(ready.status).toBe(503);
    expect(ready.body.ready).toBe(false);
    expect(String(ready.body.reason)).toContain("no config");
    const res = await send(client, "/api/users");
    expect(res.status).toBe(404);
    expect(res.headers["x-switchyard-flag"]).toBe("NR");
    expect(res.json).toEqual({ error: { code: "SY_ERR_NO_ROUTE", message: expect.any(String) } });
  });

  it("says hello with its identity", async () => {
    const hello = await cp.waitForHello();
    expect(hello).toMatchObject({ type: "hello", protocol: 1, nodeId: gw.nodeId, labels: { zone: "test" }, appliedVersion: null, appliedHash: null });
  });

  it("applies a pushed snapshot, acks it, and traffic follows", async () => {
    const s1 = makeSnapshot(1, demoConfig(up, { v1: 100, v2: 0 }));
    expect(await cp.apply(s1)).toEqual({ type: "ack", version: 1, hash: s1.hash });
    expect((await admin("/ready")).status).toBe(200);
    expect((await send(client, "/api/users/1")).json.version).toBe("v1");

    const s2 = makeSnapshot(2, demoConfig(up, { v1: 0, v2: 100 }));
    expect(await cp.apply(s2)).toMatchObject({ type: "ack", version: 2 });
    for (let i = 0; i < 20; i++) expect((await send(client, "/api/users/1")).json.version).toBe("v2");
    const metrics = (await admin("/metrics")).body.text as string;
    expect(metrics).toContain("switchyard_config_version 2");
    expect(metrics).toContain("switchyard_control_plane_connected 1");
    expect(metrics).toContain("switchyard_workers 2");
    expect(metrics).toMatch(/switchyard_http_requests_total\{route="users",service="user-service",subset="v2",code="200",flag="",consumer=""\} 20/);
  });

  it("asks for gzip frames, and takes plain JSON frames too", async () => {
    const hello = cp.messages.find((m) => m.type === "hello");
    expect(hello && hello.type === "hello" && hello.accept).toEqual(["gzip"]);
    const plain = makeSnapshot(20, demoConfig(up, { v1: 100, v2: 0 }));
    expect(await cp.apply(plain, { compress: false })).toMatchObject({ type: "ack", version: 20 });
    const zipped = makeSnapshot(21, demoConfig(up, { v1: 0, v2: 100 }));
    expect(await cp.apply(zipped, { compress: true })).toMatchObject({ type: "ack", version: 21 });
    expect((await send(client, "/api/users/1")).json.version).toBe("v2");
  });

  it("applies only the newest of a burst of pushes", async () => {
    const from = cp.messages.length;
    for (let v = 30; v < 40; v++) cp.push(makeSnapshot(v, demoConfig(up, { v1: v, v2: 1 })));
    await cp.waitFor((m) => m.type === "ack" && m.version === 39, from);
    const acked = cp.messages.slice(from).filter((m) => m.type === "ack").map((m) => (m as { version: number }).version);
    expect(acked.at(-1)).toBe(39);
    // The first push starts applying at once; most of the rest are superseded while it runs.
    expect(acked.length).toBeLessThan(10);
    // Back to version 2 for the tests after this one.
    expect(await cp.apply(makeSnapshot(2, demoConfig(up, { v1: 0, v2: 100 })))).toMatchObject({ type: "ack", version: 2 });
  });

  it("nacks bad snapshots and keeps serving the old config", async () => {
    const good = makeSnapshot(3, demoConfig(up));
    const wrongHash = await cp.apply({ ...good, hash: "0".repeat(64) });
    expect(wrongHash).toMatchObject({ type: "nack", version: 3 });
    expect((wrongHash as { error: string }).error).toContain("hash mismatch");

    const schemaInvalid = await cp.apply({ version: 4, hash: "1".repeat(64), createdAt: "now", config: { routes: [{ name: "BAD NAME", rules: [] }] } });
    expect(schemaInvalid).toMatchObject({ type: "nack", version: 4 });

    const broken = demoConfig(up);
    broken.routes![0] = { ...broken.routes![0]!, path: { type: "regex", value: "/api/users/[0-9]+" }, stripPath: true };
    const compileFails = await cp.apply(makeSnapshot(5, broken));
    expect(compileFails).toMatchObject({ type: "nack", version: 5 });
    expect((compileFails as { error: string }).error).toContain("SY_COMPILE_STRIP_PATH_REGEX");

    expect((await send(client, "/api/users/1")).json.version).toBe("v2");
    expect((await admin("/ready")).body.version).toBe(2);
  });

  it("serves the cached snapshot at once after a restart, even with the control plane down", async () => {
    const port = await closedPort();
    const second = await startGateway({
      proxyPort: 0, adminPort: 0, workers: 1, cacheDir: cache.path, logger: captureLogger(),
      controlPlane: { url: `http://127.0.0.1:${port}`, token: "x", ...backoff },
    });
    try {
      const ready = await getJson(`http://127.0.0.1:${second.adminPort}/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.version).toBe(2);
      const c = proxyClient(second.proxyPort, 1);
      expect((await send(c, "/api/users/1")).json.version).toBe("v2");
      await c.close();
      expect(second.nodeId).toBe(gw.nodeId);
    } finally {
      await second.stop();
    }
  });

  it("keeps serving when the control plane goes away, then reconnects and reports what it runs", async () => {
    const port = cp.port;
    await cp.close();
    await waitUntil(async () => ((await admin("/metrics")).body.text as string).includes("switchyard_control_plane_connected 0"), 5_000, "disconnect");
    for (let i = 0; i < 10; i++) expect((await send(client, "/api/users/1")).json.version).toBe("v2");
    expect((await admin("/ready")).status).toBe(200);
    await waitUntil(() => log.lines.some((l) => l.includes("control plane unreachable at") && l.includes("retrying in")), 5_000, "retry log");

    cp = await FakeControlPlane.start({ port });
    const hello = await cp.waitForHello();
    expect(hello).toMatchObject({ appliedVersion: 2, appliedHash: makeSnapshot(2, demoConfig(up, { v1: 0, v2: 100 })).hash });
  });
});

describe("gateway stopping", () => {
  it("closes its control-plane link without warning that it lost it", async () => {
    const cp = await FakeControlPlane.start();
    const log = captureLogger();
    const gw = await startGateway({ proxyPort: 0, adminPort: 0, workers: 1, cacheDir: null, logger: log, controlPlane: { url: cp.url, token: cp.token, ...backoff } });
    try {
      await cp.waitForHello();
      await waitUntil(async () => ((await getJson(`http://127.0.0.1:${gw.adminPort}/metrics`)).body.text as string).includes("switchyard_control_plane_connected 1"), 5_000, "connected");
    } finally {
      await gw.stop();
      await cp.close();
    }
    expect(log.lines.filter((l) => l.includes("lost the control plane"))).toEqual([]);
  });
});

describe("gateway without a reachable control plane", () => {
  it("stays unready and keeps retrying", async () => {
    const log = captureLogger();
    const port = await closedPort();
    const gw = await startGateway({
      proxyPort: 0, adminPort: 0, workers: 1, cacheDir: null, logger: log,
      controlPlane: { url: `http://127.0.0.1:${port}`, token: "t", ...backoff },
    });
    try {
      await waitUntil(() => log.lines.filter((l) => l.includes("retrying in")).length >= 3, 5_000, "three retries");
      const ready = await getJson(`http://127.0.0.1:${gw.adminPort}/ready`);
      expect(ready.status).toBe(503);
      expect(String(ready.body.reason)).toContain(`control plane unreachable at ws://127.0.0.1:${port}/dp`);
    } finally {
      await gw.stop();
    }
  });

  it("is not let in with a wrong token", async () => {
    const cp = await FakeControlPlane.start({ token: "right" });
    const log = captureLogger();
    const gw = await startGateway({
      proxyPort: 0, adminPort: 0, workers: 1, cacheDir: null, logger: log,
      controlPlane: { url: cp.url, token: "wrong", ...backoff },
    });
    try {
      await waitUntil(() => cp.rejectedAuth >= 2, 5_000, "rejected attempts");
      expect(cp.messages).toEqual([]);
      expect(log.lines.some((l) => l.includes("401"))).toBe(true);
    } finally {
      await gw.stop();
      await cp.close();
    }
  });

  it("runs standalone from a snapshot", async () => {
    const up = await startUpstreams();
    const gw = await startGateway({ proxyPort: 0, adminPort: 0, workers: 1, cacheDir: null, logger: captureLogger(), snapshot: makeSnapshot(7, demoConfig(up)) });
    try {
      const ready = await getJson(`http://127.0.0.1:${gw.adminPort}/ready`);
      expect(ready.body).toMatchObject({ ready: true, version: 7, controlPlane: "standalone" });
      const c = proxyClient(gw.proxyPort, 1);
      expect((await send(c, "/api/orders/1")).json.service).toBe("order-service");
      await c.close();
    } finally {
      await gw.stop();
      await up.close();
    }
  });
});
