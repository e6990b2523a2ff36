import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import { startGateway, type RunningGateway } from "../start-gateway.ts";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { captureLogger, demoConfig, proxyClient, send, startUpstreams, tempDir, waitUntil, type Upstreams } from "../testing/fixtures.ts";

const hasPromtool = spawnSync("promtool", ["--version"]).status === 0;

function sample(text: string, name: string, match: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
    if (!Object.entries(match).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

function promtool(text: string): { status: number | null; output: string } {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("/metrics and the access log", () => {
  let up: Upstreams;
  let gw: RunningGateway;
  let istio: RunningGateway;
  let client: Pool;
  let logDir: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    up = await startUpstreams();
    logDir = await tempDir();
    const snapshot = makeSnapshot(3, demoConfig(up, { v1: 50, v2: 50 }));
    gw = await startGateway({
      proxyPort: 0, adminPort: 0, workers: 2, cacheDir: null, logger: captureLogger(), snapshot,
      accessLog: { destination: join(logDir.path, "access.log"), sampleRate: 1 },
    });
    istio = await startGateway({ proxyPort: 0, adminPort: 0, workers: 1, cacheDir: null, logger: captureLogger(), snapshot, istioMetrics: true });
    client = proxyClient(gw.proxyPort, 8);
  });

  afterAll(async () => {
    await client?.close();
    await gw?.stop();
    await istio?.stop();
    await up?.close();
    await logDir?.remove();
  });

  it("counts every request once, by route, subset, code and flag, with matching histograms", async () => {
    const users = 60;
    const unrouted = 7;
    for (let i = 0; i < users; i++) expect((await send(client, `/api/users/${i}`, { method: "POST", body: "hello" })).status).toBe(200);
    for (let i = 0; i < unrouted; i++) expect((await send(client, "/nowhere")).status).toBe(404);

    let text = "";
    await waitUntil(async () => {
      text = await scrape(gw.adminPort);
      return sample(text, "switchyard_http_requests_total") >= users + unrouted;
    }, 3_000, "all requests counted");
    expect(sample(text, "switchyard_http_requests_total")).toBe(users + unrouted);
    expect(sample(text, "switchyard_http_requests_total", { route: "users", code: "200", flag: "" })).toBe(users);
    const v1 = sample(text, "switchyard_http_requests_total", { route: "users", subset: "v1" });
    const v2 = sample(text, "switchyard_http_requests_total", { route: "users", subset: "v2" });
    expect(v1 + v2).toBe(users);
    expect(v1).toBeGreaterThan(0);
    expect(v2).toBeGreaterThan(0);
    expect(sample(text, "switchyard_http_requests_total", { route: "", code: "404", flag: "NR" })).toBe(unrouted);
    expect(sample(text, "switchyard_http_request_duration_seconds_count")).toBe(users + unrouted);
    expect(sample(text, "switchyard_http_request_duration_seconds_bucket", { le: "+Inf" })).toBe(users + unrouted);
    expect(sample(text, "switchyard_upstream_duration_seconds_count")).toBe(users);
    expect(sample(text, "switchyard_http_request_bytes_total", { route: "users" })).toBe(users * 5);
    expect(sample(text, "switchyard_http_response_bytes_total", { route: "users" })).toBeGreaterThan(users * 50);
    expect(sample(text, "switchyard_config_version")).toBe(3);
    expect(sample(text, "switchyard_control_plane_connected")).toBe(0);
    expect(sample(text, "switchyard_worker_restarts_total")).toBe(0);

    // A scrape later (nothing new sent) shows the same totals: nothing is counted twice.
    expect(sample(await scrape(gw.adminPort), "switchyard_http_requests_total")).toBe(users + unrouted);
  });

  it.runIf(hasPromtool)("passes promtool check metrics", async () => {
    const result = promtool(await scrape(gw.adminPort));
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("exposes Istio-compatible series when enabled, and promtool finds nothing else to object to", async () => {
    const c = proxyClient(istio.proxyPort, 2);
    for (let i = 0; i < 5; i++) await send(c, "/api/orders/1");
    await c.close();
    let text = "";
    await waitUntil(async () => {
      text = await scrape(istio.adminPort);
      return sample(text, "istio_requests_total") >= 5;
    }, 3_000, "istio series");
    expect(sample(text, "istio_requests_total", { destination_service_name: "order-service", response_code: "200", response_flags: "-", reporter: "source" })).toBe(5);
    expect(sample(text, "istio_request_duration_milliseconds_count")).toBe(5);
    expect(sample(text, "istio_response_bytes_count")).toBe(5);
    if (hasPromtool) {
      // Istio's own name carries milliseconds; that is the one lint finding expected.
      const lines = promtool(text).output.split("\n").filter(Boolean);
      expect(lines).toEqual(['istio_request_duration_milliseconds use base unit "seconds" instead of "milliseconds"']);
    }
  });

  it("writes one JSON access-log line per request with route, destination and timings", async () => {
    await send(client, "/api/users/log-me", { headers: { "x-request-id": "req-12345678" } });
    const file = join(logDir.path, "access.log");
    let entry: Record<string, unknown> | undefined;
    await waitUntil(async () => {
      const text = await readFile(file, "utf8").catch(() => "");
      entry = text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.requestId === "req-12345678");
      return entry !== undefined;
    }, 5_000, "access log line");
    expect(entry).toMatchObject({ route: "users", service: "user-service", status: 200, flag: "", path: "/api/users/log-me", method: "GET", rule: 0 });
    expect(["v1", "v2"]).toContain(entry!.subset);
    expect(entry!.target).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(typeof entry!.durationMs).toBe("number");
    expect(entry!.upstreamMs as number).toBeLessThanOrEqual(entry!.durationMs as number);
    expect(entry!.responseBytes as number).toBeGreaterThan(0);
  });
});
