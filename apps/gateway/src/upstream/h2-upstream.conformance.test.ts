import { createHash } from "node:crypto";
import { constants, createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayConfigInput } from "@switchyard/config";
import { startPushedGateway, type PushedGateway } from "../testing/pushed-gateway.ts";
import { closedPort, rawRequest, send } from "../testing/fixtures.ts";

/** An h2c upstream (HTTP/2 with prior knowledge, as gRPC servers run) that records its sessions and streams. */
class H2Upstream {
  readonly server: Http2Server;
  readonly sessions: Http2Session[] = [];
  private readonly ids = new WeakMap<Http2Session, number>();
  active = 0;
  maxActive = 0;
  hits = new Map<string, number>();
  /** Every request: path, :authority and HTTP version. */
  seen: { path: string; authority: string; httpVersion: string }[] = [];
  private held: (() => void)[] = [];
  hold = false;
  port = 0;

  constructor(settings: { maxConcurrentStreams?: number } = {}) {
    this.server = createServer({ settings });
    this.server.on("session", (s: Http2Session) => { this.ids.set(s, this.sessions.length + 1); this.sessions.push(s); });
    this.server.on("request", (req, res) => this.handle(req, res));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  release(): void {
    this.hold = false;
    for (const go of this.held.splice(0)) go();
  }

  private count(key: string): number {
    const n = (this.hits.get(key) ?? 0) + 1;
    this.hits.set(key, n);
    return n;
  }

  private handle(req: Http2ServerRequest, res: Http2ServerResponse): void {
    const url = new URL(req.url, "http://x");
    const session = this.ids.get(req.stream.session!) ?? 0;
    this.seen.push({ path: req.url, authority: String(req.headers[":authority"]), httpVersion: req.httpVersion });
    const reply = (body: unknown) => { res.writeHead(200, { "content-type": "application/json" }); res.end(JSON.stringify(body)); };
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    res.on("close", () => { this.active--; });
    switch (url.pathname) {
      case "/echo": {
        const hash = createHash("sha256");
        let bytes = 0;
        req.on("data", (c: Buffer) => { bytes += c.length; hash.update(c); });
        req.on("end", () => reply({ httpVersion: req.httpVersion, session, headers: req.headers, bytes, sha256: hash.digest("hex") }));
        return;
      }
      case "/held":
        if (this.hold) this.held.push(() => reply({ session }));
        else reply({ session });
        return;
      case "/stream":
        // The second part is written only after the client got the first: a buffering proxy would hang here.
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("first;");
        this.held.push(() => res.end("second"));
        return;
      case "/trailers":
        res.writeHead(200, { "content-type": "application/grpc" });
        res.addTrailers({ "grpc-status": "0", "grpc-message": "ok" });
        res.end("payload");
        return;
      case "/refuse-once":
        if (this.count(req.url) === 1) { req.stream.close(constants.NGHTTP2_REFUSED_STREAM); return; }
        reply({ session, try: this.hits.get(req.url) });
        return;
      case "/reset-once":
        if (this.count(req.url) === 1) { req.stream.close(constants.NGHTTP2_INTERNAL_ERROR); return; }
        reply({ session, try: this.hits.get(req.url) });
        return;
      case "/hang":
        this.count("/hang");
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  }

  async close(): Promise<void> {
    this.release();
    for (const s of this.sessions) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const h2Policy = (extra: Record<string, unknown> = {}) => ({ connectionPool: { http: { h2UpgradePolicy: "UPGRADE" as const, ...extra } } });

describe("HTTP/2 to upstreams (h2c, node:http2 upstream on loopback)", () => {
  let up: H2Upstream;
  let limited: H2Upstream;
  let shadow: H2Upstream;
  let pushed: PushedGateway;
  let deadPort: number;

  beforeAll(async () => {
    up = new H2Upstream();
    limited = new H2Upstream({ maxConcurrentStreams: 2 });
    shadow = new H2Upstream();
    await Promise.all([up.listen(), limited.listen(), shadow.listen()]);
    deadPort = await closedPort();
    pushed = await startPushedGateway({ workers: 1, connections: 16 });
    const config: GatewayConfigInput = {
      services: [
        { name: "h2", targets: [{ host: "127.0.0.1", port: up.port }], trafficPolicy: h2Policy() },
        {
          name: "h2-limited", targets: [{ host: "127.0.0.1", port: limited.port }],
          trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { h2UpgradePolicy: "UPGRADE", http1MaxPendingRequests: 2 } } },
        },
        { name: "h2-dead", targets: [{ host: "127.0.0.1", port: deadPort }], trafficPolicy: h2Policy() },
        { name: "h2-shadow", targets: [{ host: "127.0.0.1", port: shadow.port }], trafficPolicy: h2Policy() },
      ],
      routes: [
        { name: "refused", path: { type: "prefix", value: "/refuse-once" }, rules: [{ destinations: [{ service: "h2" }], retries: { attempts: 2, retryOn: ["refused-stream"] } }] },
        { name: "reset", path: { type: "prefix", value: "/reset-once" }, rules: [{ destinations: [{ service: "h2" }], retries: { attempts: 2, retryOn: ["reset"] } }] },
        { name: "no-retry", path: { type: "prefix", value: "/nr" }, stripPath: true, rules: [{ destinations: [{ service: "h2" }], retries: { attempts: 0 } }] },
        { name: "hang", path: { type: "prefix", value: "/hang" }, rules: [{ destinations: [{ service: "h2" }], timeoutMs: 300 }] },
        { name: "limited", path: { type: "prefix", value: "/limited" }, stripPath: true, rules: [{ destinations: [{ service: "h2-limited" }] }] },
        { name: "dead", path: { type: "prefix", value: "/dead" }, rules: [{ destinations: [{ service: "h2-dead" }], retries: { attempts: 0 } }] },
        { name: "per-try", path: { type: "prefix", value: "/per-try" }, rules: [{ destinations: [{ service: "h2" }], rewrite: { uri: "/hang" }, timeoutMs: 2_000, retries: { attempts: 1, perTryTimeoutMs: 100, retryOn: ["reset"] } }] },
        { name: "mirrored", path: { type: "prefix", value: "/mirrored" }, rules: [{ destinations: [{ service: "h2" }], rewrite: { uri: "/echo" }, mirror: { service: "h2-shadow" } }] },
        { name: "h2", path: { type: "prefix", value: "/" }, rules: [{ destinations: [{ service: "h2" }] }] },
      ],
    };
    await pushed.apply(config);
  });
  afterAll(async () => {
    await pushed?.close();
    await Promise.all([up?.close(), limited?.close(), shadow?.close()]);
  });

  it("speaks HTTP/2 upstream, without connection-specific headers; te: trailers passes", async () => {
    const res = await rawRequest(pushed.gw.proxyPort, "/echo", {
      host: "api.example.com", connection: "keep-alive, x-hop", "x-hop": "1", "keep-alive": "timeout=5", te: "trailers", "x-keep": "yes",
    });
    expect(res.status).toBe(200);
    expect(res.json.httpVersion).toBe("2.0");
    const headers = res.json.headers as Record<string, string>;
    expect(headers[":authority"]).toBe(`127.0.0.1:${up.port}`);
    expect(headers.te).toBe("trailers");
    expect(headers["x-keep"]).toBe("yes");
    expect(headers["x-forwarded-proto"]).toBe("http");
    for (const h of ["connection", "keep-alive", "x-hop", "host", "transfer-encoding", "upgrade"]) expect(headers[h]).toBeUndefined();
  });

  it("mirrors to an HTTP/2 service over HTTP/2 (Host + -shadow), the real answer unchanged", async () => {
    const res = await rawRequest(pushed.gw.proxyPort, "/mirrored", {});
    expect([res.status, res.json.httpVersion]).toEqual([200, "2.0"]);
    await waitFor(() => shadow.seen.length > 0);
    expect(shadow.seen[0]).toEqual({ path: "/echo", authority: `127.0.0.1:${shadow.port}-shadow`, httpVersion: "2.0" });
  });

  it("multiplexes concurrent requests over one session", async () => {
    const before = up.sessions.length;
    up.maxActive = 0;
    up.hold = true;
    const all = Promise.all(Array.from({ length: 12 }, () => send(pushed.client, "/held")));
    await waitFor(() => up.active === 12);
    up.release();
    const results = await all;
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(up.maxActive).toBe(12);
    // One session for all of them (at most the one opened by the first test before).
    expect(new Set(results.map((r) => r.json.session)).size).toBe(1);
    expect(up.sessions.length - before).toBeLessThanOrEqual(1);
  });

  it("streams request and response bodies both ways", async () => {
    const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(16 * 1024, i));
    const expected = createHash("sha256").update(Buffer.concat(chunks)).digest("hex");
    const upload = await send(pushed.client, "/echo", { method: "POST", body: Readable.from(chunks) as unknown as Buffer });
    expect(upload.status).toBe(200);
    expect(upload.json).toMatchObject({ bytes: 1024 * 1024, sha256: expected });

    const res = await pushed.client.request({ path: "/stream", method: "GET" });
    expect(res.statusCode).toBe(200);
    let text = "";
    for await (const chunk of res.body) {
      text += String(chunk);
      // The first part arrived while the upstream still holds the rest.
      if (text === "first;") up.release();
    }
    expect(text).toBe("first;second");
  });

  it("relays upstream trailers to a chunked HTTP/1.1 response", async () => {
    const res = await pushed.client.request({ path: "/trailers", method: "GET", headers: { te: "trailers" } });
    expect(await res.body.text()).toBe("payload");
    expect(res.trailers).toMatchObject({ "grpc-status": "0", "grpc-message": "ok" });
  });

  it("retries a refused stream (refused-stream) and a reset stream (reset)", async () => {
    const refused = await send(pushed.client, "/refuse-once?k=a");
    expect(refused.status).toBe(200);
    expect(refused.json.try).toBe(2);
    const reset = await send(pushed.client, "/reset-once?k=a");
    expect(reset.status).toBe(200);
    expect(reset.json.try).toBe(2);
    // Without retries the reset is the answer.
    const once = await send(pushed.client, "/nr/reset-once?k=b");
    expect(once.status).toBe(503);
    expect(once.headers["x-switchyard-flag"]).toBe("UC");
  });

  it("answers 504 UT at the route timeout, 504 URX when every per-try timeout ran out, 503 UF when it can't connect", async () => {
    const started = Date.now();
    const res = await send(pushed.client, "/hang");
    expect(res.status).toBe(504);
    expect(res.headers["x-switchyard-flag"]).toBe("UT");
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    const hangsBefore = up.hits.get("/hang") ?? 0;
    const perTry = await send(pushed.client, "/per-try");
    expect([perTry.status, perTry.headers["x-switchyard-flag"]]).toEqual([504, "URX"]);
    expect((up.hits.get("/hang") ?? 0) - hangsBefore).toBe(2);
    const dead = await send(pushed.client, "/dead");
    expect([dead.status, dead.headers["x-switchyard-flag"]]).toEqual([503, "UF"]);
  });

  it("opens a new session after GOAWAY and keeps serving", async () => {
    const first = await send(pushed.client, "/echo");
    const sessions = up.sessions.length;
    for (const s of up.sessions) if (!s.closed) s.goaway(constants.NGHTTP2_NO_ERROR);
    // Let the GOAWAY frame arrive before the next request.
    await new Promise((r) => setTimeout(r, 50));
    const second = await send(pushed.client, "/echo");
    expect(second.status).toBe(200);
    expect(second.json.session).not.toBe(first.json.session);
    expect(up.sessions.length).toBe(sessions + 1);
  });

  it("keeps to the upstream's maxConcurrentStreams on one connection; beyond the pending limit answers 503 UO", async () => {
    await send(pushed.client, "/limited/held"); // the session is up and its SETTINGS known
    limited.maxActive = 0;
    limited.hold = true;
    const done: Awaited<ReturnType<typeof send>>[] = [];
    const all = Array.from({ length: 6 }, () => send(pushed.client, "/limited/held").then((r) => { done.push(r); return r; }));
    // 2 on streams, 2 waiting for one, 2 over the pending limit: answered at once.
    await waitFor(() => limited.active === 2 && done.length === 2, "two streams busy and two overflows");
    expect(done.map((r) => [r.status, r.headers["x-switchyard-flag"]])).toEqual([[503, "UO"], [503, "UO"]]);
    limited.release();
    const results = await Promise.all(all);
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    expect(limited.maxActive).toBe(2);
    expect(limited.sessions.length).toBe(1);
  });
});

async function waitFor(check: () => boolean, what = "condition"): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
