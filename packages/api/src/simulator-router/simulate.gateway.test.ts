import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayConfigSchema, type GatewayConfig } from "@switchyard/config";
import { hashApiKey } from "@switchyard/config/credential-hashing";
import { hashConfig } from "@switchyard/config/hash";
import { startGateway, silentLogger, type RunningGateway } from "@switchyard/gateway";
import { simulateRequest } from "./simulate-request.ts";

/** An upstream that answers with its own name, so a response says where the gateway sent it. */
function upstream(name: string): Promise<http.Server & { port: number }> {
  const server = http.createServer((_req, res) => res.end(name));
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(Object.assign(server, { port: (server.address() as AddressInfo).port }))));
}

function send(port: number, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

interface Case {
  method: string;
  host: string;
  path: string;
  headers?: Record<string, string>;
}

const cases: Case[] = [
  { method: "GET", host: "api.example.com", path: "/users/1" },
  { method: "GET", host: "api.example.com", path: "/users/1", headers: { "x-beta": "yes" } },
  { method: "GET", host: "api.example.com", path: "/users/1?preview=1" },
  { method: "DELETE", host: "api.example.com", path: "/users/1" },
  { method: "GET", host: "shop.example.com", path: "/orders/7" },
  { method: "POST", host: "shop.example.com", path: "/orders" },
  { method: "GET", host: "other.test", path: "/orders/7" },
  { method: "GET", host: "a.b.example.com", path: "/wild" },
  { method: "GET", host: "example.com", path: "/wild" },
  { method: "GET", host: "api.example.com", path: "/users/../orders/7" },
  { method: "GET", host: "anything.test", path: "/exact" },
  { method: "GET", host: "anything.test", path: "/exact/more" },
  { method: "GET", host: "anything.test", path: "/v2/items/42" },
  { method: "GET", host: "anything.test", path: "/nothing-here" },
  ...["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"].map((u) => ({ method: "GET", host: "anything.test", path: "/sticky", headers: { "x-user": u } })),
];

describe("route simulator agrees with a running gateway", () => {
  const servers: (http.Server & { port: number })[] = [];
  let gw: RunningGateway;
  let config: GatewayConfig;

  beforeAll(async () => {
    const [a1, a2, b1, c1] = await Promise.all([upstream("users/v1"), upstream("users/v2"), upstream("orders"), upstream("misc")]);
    servers.push(a1!, a2!, b1!, c1!);
    config = GatewayConfigSchema.parse({
      services: [
        { name: "users", targets: [{ host: "127.0.0.1", port: a1!.port, labels: { v: "1" } }, { host: "127.0.0.1", port: a2!.port, labels: { v: "2" } }], subsets: [{ name: "v1", labels: { v: "1" } }, { name: "v2", labels: { v: "2" } }] },
        { name: "orders", targets: [{ host: "127.0.0.1", port: b1!.port }] },
        { name: "misc", targets: [{ host: "127.0.0.1", port: c1!.port }] },
      ],
      routes: [
        {
          name: "users",
          hosts: ["api.example.com"],
          path: { type: "prefix", value: "/users" },
          methods: ["GET", "POST"],
          rules: [
            { name: "beta", match: [{ headers: { "x-beta": { exact: "yes" } } }, { query: { preview: { present: true } } }], destinations: [{ service: "users", subset: "v2" }] },
            { destinations: [{ service: "users", subset: "v1" }] },
          ],
        },
        { name: "orders", hosts: ["shop.example.com", "api.example.com"], path: { type: "prefix", value: "/orders" }, rules: [{ match: [{ methods: ["GET"] }], destinations: [{ service: "orders" }] }] },
        { name: "wild", hosts: ["*.example.com"], path: { type: "prefix", value: "/wild" }, rules: [{ destinations: [{ service: "misc" }] }] },
        { name: "exact", path: { type: "exact", value: "/exact" }, rules: [{ destinations: [{ service: "misc" }] }] },
        { name: "regex", path: { type: "regex", value: "/v[0-9]+/items/[0-9]+" }, rules: [{ destinations: [{ service: "orders" }] }] },
        { name: "sticky", path: { type: "prefix", value: "/sticky" }, rules: [{ stickySplit: { header: "x-user" }, destinations: [{ service: "users", subset: "v1", weight: 50 }, { service: "users", subset: "v2", weight: 50 }] }] },
        { name: "locked", path: { type: "prefix", value: "/locked" }, rules: [{ destinations: [{ service: "misc" }] }] },
      ],
      consumers: [{ username: "acme", credentials: { key_auth: [{ key_hash: hashApiKey("sy_test-key") }] } }],
      policies: [
        { name: "locked-keys", type: "key-auth", scope: { kind: "route", name: "locked" } },
        { name: "locked-closed", type: "request-termination", scope: { kind: "route", name: "locked" }, config: { status_code: 418, message: "closed" } },
      ],
    });
    gw = await startGateway({
      proxyPort: 0, proxyHost: "127.0.0.1", adminPort: 0, workers: 1, cacheDir: null, controlPlane: null, logger: silentLogger,
      snapshot: { version: 1, hash: hashConfig(config), createdAt: new Date().toISOString(), config },
    });
  }, 30_000);

  afterAll(async () => {
    await gw?.stop();
    for (const s of servers) s.close();
  });

  it.each(cases)("$method $host$path $headers", async (c) => {
    const sim = simulateRequest(config, { method: c.method, host: c.host, path: c.path, headers: c.headers });
    const res = await send(gw.proxyPort, c.method, c.path, { host: c.host, ...c.headers });
    if (sim.match === null) {
      expect(res.status).toBe(404);
      return;
    }
    expect(res.status).toBe(200);
    const expected = sim.sticky?.picked ?? (sim.destinations.length === 1 ? sim.destinations[0]! : null);
    expect(expected, "the table only has deterministic cases").not.toBeNull();
    expect(res.body).toBe(expected!.subset ? `${expected!.service}/${expected!.subset}` : expected!.service);
  });

  it("explains why routes didn't match", () => {
    const sim = simulateRequest(config, { method: "DELETE", host: "api.example.com", path: "/users/1" });
    expect(sim.match).toBeNull();
    const users = sim.verdicts.find((v) => v.route === "users")!;
    expect(users.reason).toBe("method DELETE is not one of GET, POST");
    const beta = simulateRequest(config, { method: "GET", host: "api.example.com", path: "/users/1" });
    expect(beta.match).toEqual({ route: "users", rule: 1, ruleName: null });
    expect(beta.verdicts.find((v) => v.route === "users")!.rules[0]!.reason).toBe('block 1: header x-beta is missing; needs: equals "yes"; block 2: query parameter preview is missing; needs: is present');
    expect(beta.verdicts.find((v) => v.route === "wild")?.outcome).toBe("not-tried");
    const split = simulateRequest(config, { method: "GET", host: "x", path: "/sticky" });
    expect(split.destinations.map((d) => d.probability)).toEqual([0.5, 0.5]);
    expect(split.sticky).toEqual({ on: "header x-user", value: null, picked: null });
  });

  it("runs the policies it lists, in the order it lists them", async () => {
    const sim = simulateRequest(config, { method: "GET", path: "/locked" });
    expect(sim.policies.map((p) => p.type)).toEqual(["key-auth", "request-termination"]);
    // Authentication runs first: without a key the gateway stops at 401, with one it reaches the termination.
    expect((await send(gw.proxyPort, "GET", "/locked", {})).status).toBe(401);
    expect((await send(gw.proxyPort, "GET", "/locked", { apikey: "sy_test-key" })).status).toBe(418);
    expect(simulateRequest(config, { method: "GET", path: "/exact" }).policies).toEqual([]);
  });

  it("sticky users land on both sides", () => {
    const sides = new Set(cases.filter((c) => c.path === "/sticky").map((c) => simulateRequest(config, c).sticky?.picked?.subset));
    expect(sides).toEqual(new Set(["v1", "v2"]));
  });
});
