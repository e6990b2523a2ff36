import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import type { GatewayConfigInput } from "@switchyard/config";
import { hashApiKey } from "@switchyard/config/credential-hashing";
import { startGateway, type RunningGateway } from "../../start-gateway.ts";
import { makeSnapshot } from "../../testing/fake-control-plane.ts";
import { captureLogger, proxyClient } from "../../testing/fixtures.ts";

/** Loopback upstream that counts what reaches it, per method and path, and answers per path. */
function startCountingUpstream(): Promise<{ server: Server; port: number; hits: (method: string, path: string) => number }> {
  const counts = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const id = `${req.method} ${path}`;
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    req.resume();
    const headers: Record<string, string | string[]> = { "content-type": "application/json; charset=utf-8" };
    if (path.endsWith("/no-store")) headers["cache-control"] = "no-store";
    if (path.endsWith("/max-age-0")) headers["cache-control"] = "public, max-age=0";
    if (path.endsWith("/cookie")) headers["set-cookie"] = ["session=abc; HttpOnly"];
    if (path.endsWith("/html")) headers["content-type"] = "text/html";
    if (path.endsWith("/vary-encoding")) headers.vary = "Accept-Encoding";
    if (path.endsWith("/big")) {
      // Chunked, no Content-Length: the gateway learns the size only while streaming.
      res.writeHead(200, headers);
      const chunk = Buffer.alloc(16 * 1024, 0x61);
      for (let i = 0; i < 8; i++) res.write(chunk);
      res.end(JSON.stringify({ n }));
      return;
    }
    const body = JSON.stringify({ n, path, query: (req.url ?? "").split("?")[1] ?? "", consumer: req.headers["x-consumer-username"] ?? null, lang: req.headers["accept-language"] ?? null });
    headers["content-length"] = String(Buffer.byteLength(body));
    res.writeHead(path.endsWith("/missing") ? 404 : path.endsWith("/created") ? 201 : 200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    server, port: (server.address() as AddressInfo).port, hits: (method, path) => counts.get(`${method} ${path}`) ?? 0,
  })));
}

const ALICE = "alice-cache-key-1234567890";
const BOB = "bob-cache-key-0987654321";
const route = (name: string, prefix: string) => ({ name, path: { type: "prefix" as const, value: prefix }, rules: [{ destinations: [{ service: "up" }] }] });

function config(port: number): GatewayConfigInput {
  return {
    services: [{ name: "up", targets: [{ host: "127.0.0.1", port }] }],
    routes: [route("cached", "/c"), route("short", "/ttl"), route("keyed", "/k"), route("plain", "/plain")],
    consumers: [
      { username: "alice", credentials: { key_auth: [{ key_hash: hashApiKey(ALICE) }] } },
      { username: "bob", credentials: { key_auth: [{ key_hash: hashApiKey(BOB) }] } },
    ],
    policies: [
      { type: "proxy-cache", name: "cache", scope: { kind: "route", name: "cached" }, config: { cache_control: true, vary_headers: ["Accept-Language"], max_body_bytes: 65_536 } },
      { type: "proxy-cache", name: "cache-short", scope: { kind: "route", name: "short" }, config: { cache_ttl: 0.4 } },
      { type: "key-auth", name: "keys", scope: { kind: "route", name: "keyed" } },
      { type: "proxy-cache", name: "cache-keyed", scope: { kind: "route", name: "keyed" } },
    ],
  };
}

interface Answer { status: number; cache: string | undefined; age: string | undefined; length: string | undefined; body: string; json: Record<string, unknown> }

describe("proxy-cache through the proxy (loopback upstream counting hits)", () => {
  let upstream: Awaited<ReturnType<typeof startCountingUpstream>>;
  let gw: RunningGateway;
  let client: Pool;

  const get = async (path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Answer> => {
    const res = await client.request({ path, method: method as "GET", headers });
    const body = await res.body.text();
    let json: Record<string, unknown> = {};
    try { json = JSON.parse(body) as Record<string, unknown>; } catch { /* not JSON */ }
    const h = (n: string) => res.headers[n] as string | undefined;
    return { status: res.statusCode, cache: h("x-cache-status"), age: h("age"), length: h("content-length"), body, json };
  };

  beforeAll(async () => {
    upstream = await startCountingUpstream();
    gw = await startGateway({ proxyPort: 0, adminPort: 0, proxyHost: "127.0.0.1", workers: 1, cacheDir: null, logger: captureLogger(), snapshot: makeSnapshot(1, config(upstream.port)) });
    client = proxyClient(gw.proxyPort, 2);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.stop();
    await new Promise((r) => upstream?.server.close(r));
  });

  it("miss, then hit from memory with Age and the same body; one upstream request; query order does not matter", async () => {
    const first = await get("/c/item?b=2&a=1");
    expect(first.status).toBe(200);
    expect(first.cache).toBe("Miss");
    const second = await get("/c/item?a=1&b=2");
    expect(second.cache).toBe("Hit");
    expect(second.age).toMatch(/^\d+$/);
    expect(second.body).toBe(first.body);
    expect(second.length).toBe(String(Buffer.byteLength(first.body)));
    expect(upstream.hits("GET", "/c/item")).toBe(1);
    expect((await get("/c/item?a=1&b=3")).cache).toBe("Miss");
    expect(upstream.hits("GET", "/c/item")).toBe(2);
    // 404 is cacheable by default, 201 is not.
    await get("/c/missing");
    expect((await get("/c/missing")).cache).toBe("Hit");
    expect((await get("/c/created")).cache).toBe("Bypass");
    expect((await get("/c/created")).cache).toBe("Bypass");
    expect(upstream.hits("GET", "/c/created")).toBe(2);
  });

  it("expires after cache_ttl: served again from upstream as Refresh", async () => {
    expect((await get("/ttl/x")).cache).toBe("Miss");
    expect((await get("/ttl/x")).cache).toBe("Hit");
    expect(upstream.hits("GET", "/ttl/x")).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    const after = await get("/ttl/x");
    expect(after.cache).toBe("Refresh");
    expect(after.json.n).toBe(2);
    expect((await get("/ttl/x")).cache).toBe("Hit");
    expect(upstream.hits("GET", "/ttl/x")).toBe(2);
  });

  it("varies by the configured headers", async () => {
    const en = await get("/c/lang", { "accept-language": "en" });
    const de = await get("/c/lang", { "accept-language": "de" });
    expect([en.cache, de.cache]).toEqual(["Miss", "Miss"]);
    const enAgain = await get("/c/lang", { "accept-language": "en" });
    expect(enAgain.cache).toBe("Hit");
    expect(enAgain.json.lang).toBe("en");
    expect((await get("/c/lang", { "accept-language": "de" })).json.lang).toBe("de");
    expect(upstream.hits("GET", "/c/lang")).toBe(2);
  });

  it("honours Cache-Control: response no-store / max-age=0 are not stored; request no-cache refreshes, no-store bypasses", async () => {
    for (const path of ["/c/no-store", "/c/max-age-0"]) {
      expect((await get(path)).cache).toBe("Bypass");
      expect((await get(path)).cache).toBe("Bypass");
      expect(upstream.hits("GET", path)).toBe(2);
    }
    expect((await get("/c/fresh")).cache).toBe("Miss");
    const refreshed = await get("/c/fresh", { "cache-control": "no-cache" });
    expect(refreshed.cache).toBe("Refresh");
    expect(refreshed.json.n).toBe(2);
    const hit = await get("/c/fresh");
    expect(hit.cache).toBe("Hit");
    expect(hit.json.n).toBe(2); // the refresh replaced the entry
    expect((await get("/c/fresh", { "cache-control": "no-store" })).cache).toBe("Bypass");
    expect(upstream.hits("GET", "/c/fresh")).toBe(3);
  });

  it("never stores a response with Set-Cookie, a content type not listed, or a Vary outside vary_headers", async () => {
    for (const path of ["/c/cookie", "/c/html", "/c/vary-encoding"]) {
      expect((await get(path)).cache).toBe("Bypass");
      expect((await get(path)).cache).toBe("Bypass");
      expect(upstream.hits("GET", path)).toBe(2);
    }
  });

  it("POST goes upstream every time (Bypass) and does not touch the GET entry", async () => {
    await get("/c/post");
    const post = await get("/c/post", {}, "POST");
    expect(post.cache).toBe("Bypass");
    await get("/c/post", {}, "POST");
    expect(upstream.hits("POST", "/c/post")).toBe(2);
    expect((await get("/c/post")).cache).toBe("Hit");
    expect(upstream.hits("GET", "/c/post")).toBe(1);
  });

  it("HEAD is cached on its own: a hit has the headers (Content-Length) and no body", async () => {
    const first = await get("/c/head", {}, "HEAD");
    expect(first.cache).toBe("Miss");
    const second = await get("/c/head", {}, "HEAD");
    expect(second.cache).toBe("Hit");
    expect(second.body).toBe("");
    expect(Number(second.length)).toBeGreaterThan(0);
    expect(upstream.hits("HEAD", "/c/head")).toBe(1);
    expect((await get("/c/head")).cache).toBe("Miss");
    expect(upstream.hits("GET", "/c/head")).toBe(1);
  });

  it("a body past max_body_bytes streams through whole and is not stored", async () => {
    const first = await get("/c/big");
    expect(first.status).toBe(200);
    expect(first.body.length).toBe(8 * 16 * 1024 + JSON.stringify({ n: 1 }).length);
    const second = await get("/c/big");
    expect(second.cache).not.toBe("Hit");
    expect(second.body.endsWith('{"n":2}')).toBe(true);
    expect(upstream.hits("GET", "/c/big")).toBe(2);
  });

  it("keys by the authenticated consumer: one consumer's response is never served to another", async () => {
    const alice = await get("/k/me", { apikey: ALICE });
    const bob = await get("/k/me", { apikey: BOB });
    expect([alice.cache, bob.cache]).toEqual(["Miss", "Miss"]);
    const aliceAgain = await get("/k/me", { apikey: ALICE });
    const bobAgain = await get("/k/me", { apikey: BOB });
    expect([aliceAgain.cache, bobAgain.cache]).toEqual(["Hit", "Hit"]);
    expect(aliceAgain.json.consumer).toBe("alice");
    expect(bobAgain.json.consumer).toBe("bob");
    expect((await get("/k/me")).status).toBe(401);
    expect(upstream.hits("GET", "/k/me")).toBe(2);
    // Credentials the gateway did not check: never cached, never served from the cache.
    expect((await get("/c/auth", { authorization: "Bearer x" })).cache).toBe("Bypass");
    expect((await get("/c/auth", { authorization: "Bearer y" })).cache).toBe("Bypass");
    expect(upstream.hits("GET", "/c/auth")).toBe(2);
  });

  it("routes without a cache policy are untouched (no X-Cache-Status)", async () => {
    const a = await get("/plain/x");
    const b = await get("/plain/x");
    expect([a.cache, b.cache]).toEqual([undefined, undefined]);
    expect(upstream.hits("GET", "/plain/x")).toBe(2);
  });
});
