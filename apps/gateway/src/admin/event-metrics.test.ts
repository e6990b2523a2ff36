import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pool } from "undici";
import type { GatewayConfigInput } from "@switchyard/config";
import { hashApiKey } from "@switchyard/config/credential-hashing";
import { startGateway, type RunningGateway } from "../start-gateway.ts";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { startFaultServer, type FaultServer } from "../testing/fault-server.ts";
import { captureLogger, send } from "../testing/fixtures.ts";

const hasPromtool = spawnSync("promtool", ["--version"]).status === 0;
const KEY = "alice-secret-key-1234567890";

/** Sum of the samples of `name` whose labels include all of `match`. */
function sample(text: string, name: string, match: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
    if (!Object.entries(match).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

function config(failing: FaultServer, bad: FaultServer, good: FaultServer, echo: FaultServer): GatewayConfigInput {
  const to = (service: string) => [{ destinations: [{ service }] }];
  return {
    services: [
      { name: "failing", targets: [{ host: "127.0.0.1", port: failing.port }] },
      {
        name: "pair",
        targets: [{ host: "127.0.0.1", port: bad.port }, { host: "127.0.0.1", port: good.port }],
        // One error ejects, for far longer than the test.
        trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1, baseEjectionTimeMs: 60_000, maxEjectionPercent: 50 } },
      },
      { name: "echo", targets: [{ host: "127.0.0.1", port: echo.port }] },
    ],
    routes: [
      { name: "retry", path: { type: "prefix", value: "/retry" }, rules: [{ destinations: [{ service: "failing" }], retries: { attempts: 2, retryOn: ["5xx"] } }] },
      { name: "pair", path: { type: "prefix", value: "/pair" }, rules: to("pair") },
      { name: "limited", path: { type: "prefix", value: "/limited" }, rules: to("echo") },
      { name: "keyed", path: { type: "prefix", value: "/keyed" }, rules: to("echo") },
    ],
    consumers: [{ username: "alice", credentials: { key_auth: [{ key_hash: hashApiKey(KEY) }] } }],
    policies: [
      { type: "rate-limit", name: "five-a-minute", scope: { kind: "route", name: "limited" }, config: { minute: 5, limit_by: "ip" } },
      { type: "key-auth", name: "keys", scope: { kind: "route", name: "keyed" } },
      { type: "rate-limit", name: "per-consumer", scope: { kind: "route", name: "keyed" }, config: { minute: 2, limit_by: "consumer" } },
    ],
  };
}

describe("/metrics counts retries, ejections, rate-limited and auth-rejected requests of all workers", () => {
  let failing: FaultServer, bad: FaultServer, good: FaultServer, echo: FaultServer;
  let gw: RunningGateway;
  let client: Pool;

  beforeAll(async () => {
    [failing, bad, good, echo] = await Promise.all([
      startFaultServer("failing", { failAll: true, failStatus: 503 }),
      startFaultServer("bad", { failAll: true, failStatus: 500 }),
      startFaultServer("good"),
      startFaultServer("echo"),
    ]);
    gw = await startGateway({
      proxyPort: 0, adminPort: 0, proxyHost: "127.0.0.1", workers: 2, cacheDir: null, logger: captureLogger(),
      snapshot: makeSnapshot(1, config(failing, bad, good, echo)),
    });
    // Many connections, so SO_REUSEPORT spreads the requests over both workers.
    client = new Pool(`http://127.0.0.1:${gw.proxyPort}`, { connections: 16, pipelining: 1 });
  });
  afterAll(async () => {
    await client?.close();
    await gw?.stop();
    await Promise.all([failing, bad, good, echo].map((s) => s?.close()));
  });

  async function scrape(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${gw.adminPort}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  }

  it("retries: N forced retries against a failing upstream → the counter is N", async () => {
    // One at a time, so the retry budget (min 3 in flight) never cuts a retry.
    const requests = 8;
    for (let i = 0; i < requests; i++) expect((await send(client, "/retry")).status).toBe(503);
    const retries = failing.hits - requests;
    expect(retries).toBe(requests * 2);
    const text = await scrape();
    expect(sample(text, "switchyard_upstream_retries_total", { route: "retry", service: "failing", subset: "" })).toBe(retries);
    expect(sample(text, "switchyard_upstream_retries_total")).toBe(retries);
  });

  it("ejections: the counter equals the ejections that happened; the gauge shows the ejected target", async () => {
    for (let i = 0; i < 30; i++) await send(client, "/pair");
    // Outlier state is the process's: the first error ejects the target for every worker, once.
    expect(bad.hits).toBe(1);
    const text = await scrape();
    expect(sample(text, "switchyard_outlier_ejections_total", { service: "pair", target: `127.0.0.1:${bad.port}` })).toBe(bad.hits);
    expect(sample(text, "switchyard_outlier_ejections_total", { target: `127.0.0.1:${good.port}` })).toBe(0);
    expect(sample(text, "switchyard_outlier_ejected", { service: "pair", subset: "", target: `127.0.0.1:${bad.port}` })).toBe(1);
    expect(text).toContain(`switchyard_outlier_ejected{service="pair",subset="",target="127.0.0.1:${good.port}"} 0`);
  });

  it("rate-limited: the counter equals the 429s sent, by route, policy and consumer", async () => {
    const before = echo.hits;
    const statuses = await Promise.all(Array.from({ length: 14 }, async () => (await send(client, "/limited")).status));
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused).toBe(9);
    expect(echo.hits - before).toBe(5);
    // Per consumer: alice has 2 a minute on /keyed.
    const alice = [];
    for (let i = 0; i < 5; i++) alice.push((await send(client, "/keyed", { headers: { apikey: KEY } })).status);
    expect(alice.filter((s) => s === 429)).toHaveLength(3);
    const text = await scrape();
    expect(sample(text, "switchyard_rate_limited_total", { route: "limited", policy: "five-a-minute", consumer: "" })).toBe(refused);
    expect(sample(text, "switchyard_rate_limited_total", { route: "keyed", policy: "per-consumer", consumer: "alice" })).toBe(3);
    expect(sample(text, "switchyard_rate_limited_total")).toBe(refused + 3);
  });

  it("auth-rejected: missing and invalid credentials, by route and policy", async () => {
    for (let i = 0; i < 3; i++) expect((await send(client, "/keyed")).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await send(client, "/keyed", { headers: { apikey: "wrong-key-000000000000" } })).status).toBe(401);
    const text = await scrape();
    expect(sample(text, "switchyard_auth_rejected_total", { route: "keyed", policy: "keys", reason: "missing" })).toBe(3);
    expect(sample(text, "switchyard_auth_rejected_total", { route: "keyed", policy: "keys", reason: "invalid" })).toBe(2);
    // The request counters agree.
    expect(sample(text, "switchyard_http_requests_total", { route: "keyed", code: "401", flag: "UAEX" })).toBe(5);
  });

  it("a later scrape shows the same totals (nothing counted twice)", async () => {
    const a = await scrape();
    const b = await scrape();
    for (const name of ["switchyard_upstream_retries_total", "switchyard_outlier_ejections_total", "switchyard_rate_limited_total", "switchyard_auth_rejected_total"]) {
      expect(sample(b, name)).toBe(sample(a, name));
      expect(sample(b, name)).toBeGreaterThan(0);
    }
  });

  it.runIf(hasPromtool)("passes promtool check metrics", async () => {
    const r = spawnSync("promtool", ["check", "metrics"], { input: await scrape(), encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.status).toBe(0);
  });
});
