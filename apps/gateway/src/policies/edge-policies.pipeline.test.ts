import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import type { GatewayConfigInput, PolicyInput } from "@switchyard/config";
import { hashApiKey, hashPassword } from "@switchyard/config/credential-hashing";
import { startEchoServer, type EchoServer } from "@switchyard/demo-services";
import { startGateway, type RunningGateway } from "../start-gateway.ts";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { captureLogger, proxyClient, rawRequest, send } from "../testing/fixtures.ts";

const KEY = "alice-secret-key-1234567890";
/** Unique per run: local counters live in this process only, but keep names distinct anyway. */
const run = Math.random().toString(36).slice(2, 8);
const route = (name: string, prefix: string) => ({ name, path: { type: "prefix" as const, value: prefix }, rules: [{ destinations: [{ service: "echo" }] }] });
const policy = (p: PolicyInput) => p;

function config(upstream: EchoServer): GatewayConfigInput {
  return {
    services: [{ name: "echo", targets: [{ host: "127.0.0.1", port: upstream.port }] }],
    routes: [
      route("keyed", "/keyed"), route("hidden", "/hidden"), route("basic", "/basic"), route("acl", "/acl"), route("anon", "/anon"),
      route("cors", "/cors"), route("ipdeny", "/ipdeny"), route("ipallow", "/ipallow"), route("size", "/size"),
      route("transform", "/transform"), route("closed", "/closed"), route("open", "/open"), route("tiered", "/tiered"),
    ],
    consumers: [
      { username: "alice", custom_id: "a-1", groups: ["gold"], credentials: { key_auth: [{ id: "alice-key", key_hash: hashApiKey(KEY) }], basic_auth: [{ username: "alice", password_hash: hashPassword("wonderland") }] } },
      { username: "bob", groups: ["silver"], credentials: { key_auth: [{ key_hash: hashApiKey("bob-key-0987654321") }] } },
      { username: "guest" },
      { username: "carol", credentials: { key_auth: [{ key_hash: hashApiKey("carol-key-5555555555") }] } },
    ],
    policies: [
      policy({ type: "key-auth", name: "keys", scope: { kind: "route", name: "keyed" }, config: { key_names: ["apikey", "x-api-key"] } }),
      policy({ type: "key-auth", name: "keys-hidden", scope: { kind: "route", name: "hidden" }, config: { hide_credentials: true } }),
      policy({ type: "basic-auth", name: "basic", scope: { kind: "route", name: "basic" } }),
      policy({ type: "key-auth", name: "keys-acl", scope: { kind: "route", name: "acl" } }),
      policy({ type: "acl", name: "gold-only", scope: { kind: "route", name: "acl" }, config: { allow: ["gold"] } }),
      policy({ type: "key-auth", name: "keys-anon", scope: { kind: "route", name: "anon" }, config: { anonymous: "guest" } }),
      policy({ type: "cors", name: "cors", scope: { kind: "route", name: "cors" }, config: { origins: ["https://app.example.com"], credentials: true, max_age: 600 } }),
      policy({ type: "ip-restriction", name: "deny-loopback", scope: { kind: "route", name: "ipdeny" }, config: { deny: ["127.0.0.0/8", "::1/128"] } }),
      policy({ type: "ip-restriction", name: "allow-loopback", scope: { kind: "route", name: "ipallow" }, config: { allow: ["127.0.0.1", "::1"] } }),
      policy({ type: "request-size-limit", name: "small", scope: { kind: "route", name: "size" }, config: { allowed_payload_size: 1, size_unit: "kilobytes" } }),
      policy({ type: "request-transformer", name: "req-t", scope: { kind: "route", name: "transform" }, config: { headers: { add: { "x-added": "yes" }, remove: ["x-remove-me"], rename: { "x-old": "x-new" } } } }),
      policy({ type: "response-transformer", name: "res-t", scope: { kind: "route", name: "transform" }, config: { headers: { set: { "x-served-by": "switchyard" }, remove: ["x-demo-version"] } } }),
      policy({ type: "key-auth", name: "keys-tiered", scope: { kind: "route", name: "tiered" } }),
      policy({ type: "rate-limit", name: `tier-basic-${run}`, scope: { kind: "route", name: "tiered" }, config: { hour: 2 } }),
      policy({ type: "rate-limit", name: `tier-gold-${run}`, scope: { kind: "consumer", name: "carol" }, config: { hour: 4 } }),
      policy({ type: "request-termination", name: "maintenance", scope: { kind: "route", name: "closed" }, config: { status_code: 503, message: "Down for maintenance" } }),
    ],
  };
}

describe("edge policies through the proxy", () => {
  let upstream: EchoServer;
  let gw: RunningGateway;
  let client: Pool;

  beforeAll(async () => {
    upstream = await startEchoServer({ service: "echo", version: "v1", port: 0 });
    gw = await startGateway({ proxyPort: 0, adminPort: 0, proxyHost: "127.0.0.1", workers: 1, cacheDir: null, logger: captureLogger(), snapshot: makeSnapshot(1, config(upstream)) });
    client = proxyClient(gw.proxyPort);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.stop();
    await upstream?.close();
  });

  it("key-auth: header or query key → consumer identity upstream; missing or wrong key → 401 UAEX without echoing it", async () => {
    const ok = await send(client, "/keyed/x", { headers: { apikey: KEY, "x-consumer-username": "mallory", "x-consumer-id": "mallory" } });
    expect(ok.status).toBe(200);
    expect(ok.json.headers!["x-consumer-username"]).toBe("alice");
    expect(ok.json.headers!["x-consumer-id"]).toBe("alice");
    expect(ok.json.headers!["x-consumer-custom-id"]).toBe("a-1");
    expect(ok.json.headers!["x-credential-identifier"]).toBe("alice-key");
    expect(ok.json.headers!.apikey).toBe(KEY); // not hidden on this route
    const viaQuery = await send(client, `/keyed/x?apikey=${KEY}&a=1`);
    expect(viaQuery.json.headers!["x-consumer-username"]).toBe("alice");
    const second = await send(client, "/keyed/x", { headers: { "x-api-key": "bob-key-0987654321" } });
    expect(second.json.headers!["x-consumer-username"]).toBe("bob");

    const missing = await send(client, "/keyed/x");
    expect(missing.status).toBe(401);
    expect(missing.headers["www-authenticate"]).toMatch(/^Key/);
    expect(missing.headers["x-switchyard-flag"]).toBe("UAEX");
    const wrong = await rawRequest(gw.proxyPort, "/keyed/x", { apikey: "guessed-key-123" });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.json)).not.toContain("guessed-key-123");
  });

  it("key-auth hide_credentials removes the key from headers and query before forwarding", async () => {
    const h = await send(client, "/hidden/x", { headers: { apikey: KEY } });
    expect(h.status).toBe(200);
    expect(h.json.headers!.apikey).toBeUndefined();
    const q = await send(client, `/hidden/x?keep=1&apikey=${KEY}`);
    expect(q.status).toBe(200);
    expect(q.json.query).toEqual({ keep: "1" });
  });

  it("client-sent identity headers never reach the upstream, even on routes without auth", async () => {
    const res = await send(client, "/open/x", { headers: { "x-consumer-username": "admin", "x-credential-identifier": "forged", "x-consumer-groups": "root" } });
    expect(res.status).toBe(200);
    expect(res.json.headers!["x-consumer-username"]).toBeUndefined();
    expect(res.json.headers!["x-credential-identifier"]).toBeUndefined();
    expect(res.json.headers!["x-consumer-groups"]).toBeUndefined();
  });

  it("basic-auth: scrypt-hashed password accepted, wrong one → 401 with a Basic challenge", async () => {
    const good = await send(client, "/basic/x", { headers: { authorization: `Basic ${Buffer.from("alice:wonderland").toString("base64")}` } });
    expect(good.status).toBe(200);
    expect(good.json.headers!["x-consumer-username"]).toBe("alice");
    const again = await send(client, "/basic/x", { headers: { authorization: `Basic ${Buffer.from("alice:wonderland").toString("base64")}` } });
    expect(again.status).toBe(200);
    const bad = await send(client, "/basic/x", { headers: { authorization: `Basic ${Buffer.from("alice:nope").toString("base64")}` } });
    expect(bad.status).toBe(401);
    expect(bad.headers["www-authenticate"]).toBe('Basic realm="service"');
  });

  it("acl: allowed group passes with X-Consumer-Groups, other groups get 403", async () => {
    const gold = await send(client, "/acl/x", { headers: { apikey: KEY } });
    expect(gold.status).toBe(200);
    expect(gold.json.headers!["x-consumer-groups"]).toBe("gold");
    const silver = await send(client, "/acl/x", { headers: { apikey: "bob-key-0987654321" } });
    expect(silver.status).toBe(403);
    expect(silver.headers["x-switchyard-flag"]).toBe("UAEX");
  });

  it("anonymous consumer when no credential is sent; a wrong credential is still 401", async () => {
    const anon = await send(client, "/anon/x");
    expect(anon.status).toBe(200);
    expect(anon.json.headers!["x-consumer-username"]).toBe("guest");
    expect(anon.json.headers!["x-anonymous-consumer"]).toBe("true");
    const wrong = await send(client, "/anon/x", { headers: { apikey: "not-a-key" } });
    expect(wrong.status).toBe(401);
  });

  it("cors: preflight answered at the edge, actual responses carry the allow headers, other origins get none", async () => {
    const before = upstream.requests;
    const pre = await send(client, "/cors/x", { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "PUT", "access-control-request-headers": "x-token" } });
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(pre.headers["access-control-allow-headers"]).toBe("x-token");
    expect(pre.headers["access-control-allow-credentials"]).toBe("true");
    expect(pre.headers["access-control-max-age"]).toBe("600");
    expect(upstream.requests).toBe(before);
    const actual = await send(client, "/cors/x", { headers: { origin: "https://app.example.com" } });
    expect(actual.status).toBe(200);
    expect(actual.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    const other = await send(client, "/cors/x", { headers: { origin: "https://evil.example" } });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("ip-restriction: deny and allow lists on the peer address; a spoofed X-Forwarded-For changes nothing", async () => {
    const denied = await send(client, "/ipdeny/x", { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(denied.status).toBe(403);
    expect(denied.headers["x-switchyard-flag"]).toBe("RBAC");
    const allowed = await send(client, "/ipallow/x", { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(allowed.status).toBe(200);
  });

  it("request-size-limit: 413 on a declared length over the limit without reading it; chunked bodies cut off at the limit", async () => {
    const before = upstream.requests;
    const big = await send(client, "/size/x", { method: "POST", body: "x".repeat(2048) });
    expect(big.status).toBe(413);
    expect(upstream.requests).toBe(before);
    const small = await send(client, "/size/x", { method: "POST", body: "x".repeat(512) });
    expect(small.status).toBe(200);
    // A chunked upload (no Content-Length) is counted as it streams and answered 413 past 1 KiB.
    const status = await new Promise<number | string>((resolve) => {
      const req = httpRequest({ host: "127.0.0.1", port: gw.proxyPort, path: "/size/x", method: "POST", headers: { "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", (e) => resolve(e.message));
      let sent = 0;
      const tick = () => { if (sent++ < 8) { req.write(Buffer.alloc(512, 120)); setTimeout(tick, 20); } else req.end(); };
      tick();
    });
    expect(status).toBe(413);
  });

  it("request and response transformers edit headers both ways", async () => {
    const res = await send(client, "/transform/x", { headers: { "x-remove-me": "1", "x-old": "v" } });
    expect(res.status).toBe(200);
    expect(res.json.headers!["x-added"]).toBe("yes");
    expect(res.json.headers!["x-remove-me"]).toBeUndefined();
    expect(res.json.headers!["x-new"]).toBe("v");
    expect(res.json.headers!["x-old"]).toBeUndefined();
    expect(res.headers["x-served-by"]).toBe("switchyard");
    expect(res.headers["x-demo-version"]).toBeUndefined();
  });

  it("a consumer's own policy replaces the route's policy of the same type once it is authenticated", async () => {
    const carol = await Promise.all(Array.from({ length: 6 }, () => send(client, "/tiered/x", { headers: { apikey: "carol-key-5555555555" } })));
    expect(carol.filter((r) => r.status === 200).length).toBe(4);
    expect(carol.find((r) => r.status === 429)!.headers["x-ratelimit-limit-hour"]).toBe("4");
    const bob = await Promise.all(Array.from({ length: 6 }, () => send(client, "/tiered/x", { headers: { apikey: "bob-key-0987654321" } })));
    expect(bob.filter((r) => r.status === 200).length).toBe(2);
  });

  it("request-termination answers with the configured status and message", async () => {
    const res = await send(client, "/closed/x");
    expect(res.status).toBe(503);
    expect(res.headers["x-switchyard-flag"]).toBe("TERM");
    expect(JSON.stringify(res.json)).toContain("Down for maintenance");
  });
});
