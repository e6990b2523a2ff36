import { connect as connectH2, createServer as createH2Server, type ClientHttp2Session, type Http2Server, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";
import { createServer as createHttpServer, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { connect as connectTls } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayConfigInput } from "@switchyard/config";
import { hashApiKey } from "@switchyard/config/credential-hashing";
import { makeTestCertificate, type TestCertificate } from "@switchyard/config/testing";
import { startPushedGateway, type PushedGateway } from "../testing/pushed-gateway.ts";
import { rawRequest, startUpstreams, tempDir, waitUntil, type Upstreams } from "../testing/fixtures.ts";

interface H2Response { status: number; headers: IncomingHttpHeaders; body: Buffer; trailers: IncomingHttpHeaders | null }

/** One request on an HTTP/2 session; `body` chunks are written one by one (no content-length unless given). */
function h2Request(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body: Buffer[] = []): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body.length === 0, waitForTrailers: false });
    let status = 0;
    let resHeaders: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders | null = null;
    const chunks: Buffer[] = [];
    stream.on("response", (h) => { status = Number(h[":status"]); resHeaders = h; });
    stream.on("trailers", (t) => { trailers = t; });
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve({ status, headers: resHeaders, body: Buffer.concat(chunks), trailers }));
    stream.on("error", reject);
    if (body.length > 0) {
      for (const chunk of body.slice(0, -1)) stream.write(chunk);
      stream.end(body[body.length - 1]);
    }
  });
}

/** The ALPN protocol the HTTPS listener picks when a client offers `offered`. */
function negotiated(port: number, offered: string[]): Promise<string | false> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: "127.0.0.1", port, servername: "api.example.com", rejectUnauthorized: false, ALPNProtocols: offered }, () => {
      const protocol = socket.alpnProtocol ?? false;
      socket.destroy();
      resolve(protocol);
    });
    socket.once("error", reject);
  });
}

/**
 * A gRPC-style h2c upstream: reads the whole request body, then answers with a body that
 * reports what it got and `grpc-status` trailers; records the request headers it saw.
 */
async function startGrpcLikeUpstream(): Promise<{ server: Http2Server; port: number; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createH2Server();
  server.on("stream", (stream, headers) => {
    seen.push(headers);
    let bytes = 0;
    stream.on("data", (c: Buffer) => { bytes += c.length; });
    stream.on("end", () => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "grpc-message": "ok" }));
      stream.end(JSON.stringify({ bytes, path: headers[":path"] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

describe("HTTP/2 from clients on the HTTPS listener (ALPN h2)", () => {
  let up: Upstreams;
  let grpc: Awaited<ReturnType<typeof startGrpcLikeUpstream>>;
  let pushed: PushedGateway;
  let cert: TestCertificate;
  let httpsPort: number;
  let session: ClientHttp2Session;
  let big: Server;
  let slowClosed = 0;
  let logDir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    // An HTTP/1.1 upstream: /big answers 1 MB, /slow never answers (counts the connections the gateway gives up).
    big = createHttpServer((req, res) => {
      if (req.url === "/big") { res.writeHead(200, { "content-type": "application/octet-stream" }); res.end(Buffer.alloc(1 << 20, 0x7a)); return; }
      if (req.url === "/early") { res.writeHead(200, { "content-type": "text/plain" }); res.end("answered before the body"); return; }
      if (req.url === "/cookies") { res.writeHead(200, [["set-cookie", "a=1"], ["set-cookie", "b=2"], ["content-length", "0"]].flat()); res.end(); return; }
      req.socket.once("close", () => { slowClosed++; });
    });
    await new Promise<void>((resolve) => big.listen(0, "127.0.0.1", resolve));
    cert = makeTestCertificate("api.example.com");
    up = await startUpstreams();
    grpc = await startGrpcLikeUpstream();
    logDir = await tempDir();
    pushed = await startPushedGateway({ workers: 1, connections: 2, httpsPort: 0, accessLog: { destination: join(logDir.path, "access.log"), sampleRate: 1 } });
    httpsPort = pushed.gw.httpsPort!;
    const config: GatewayConfigInput = {
      certificates: [{ name: "api", hosts: ["api.example.com"], ...cert }],
      services: [
        { name: "echo", targets: [{ host: "127.0.0.1", port: up.orders.port }] },
        { name: "big", targets: [{ host: "127.0.0.1", port: (big.address() as AddressInfo).port }] },
        { name: "gone", targets: [{ host: "127.0.0.1", port: 1 }] },
        { name: "greeter", targets: [{ host: "127.0.0.1", port: grpc.port }], trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: "UPGRADE" } } } },
      ],
      routes: [
        { name: "grpc", path: { type: "prefix", value: "/helloworld.Greeter/" }, rules: [{ destinations: [{ service: "greeter" }] }] },
        { name: "teapot", path: { type: "exact", value: "/teapot" }, rules: [{ destinations: [], directResponse: { status: 418, body: "short and stout" } }] },
        { name: "echo", path: { type: "prefix", value: "/api" }, rules: [{ destinations: [{ service: "echo" }] }] },
        { name: "keyed", path: { type: "prefix", value: "/keyed" }, rules: [{ destinations: [{ service: "echo" }] }] },
        { name: "big", path: { type: "exact", value: "/big" }, rules: [{ destinations: [{ service: "big" }] }] },
        { name: "slow", path: { type: "exact", value: "/slow" }, rules: [{ destinations: [{ service: "big" }] }] },
        { name: "cookies", path: { type: "exact", value: "/cookies" }, rules: [{ destinations: [{ service: "big" }] }] },
        { name: "early", path: { type: "exact", value: "/early" }, rules: [{ destinations: [{ service: "big" }] }] },
        { name: "gone", path: { type: "prefix", value: "/gone" }, rules: [{ destinations: [{ service: "gone" }] }] },
        { name: "tls-only", path: { type: "prefix", value: "/tls-only" }, httpsRedirect: { status: 426 }, rules: [{ destinations: [{ service: "echo" }] }] },
        { name: "transformed", path: { type: "prefix", value: "/transformed" }, rules: [{ destinations: [{ service: "echo" }] }] },
      ],
      consumers: [{ username: "alice", credentials: { key_auth: [{ key_hash: hashApiKey("alice-key-1234567890") }] } }],
      policies: [
        { type: "key-auth", name: "keys", scope: { kind: "route", name: "keyed" }, config: {} },
        // Connection-specific names mean nothing in HTTP/2 (node:http2 would throw on them): left out there.
        { type: "response-transformer", name: "conn", scope: { kind: "route", name: "transformed" }, config: { headers: { set: { connection: "close", "proxy-connection": "x", "x-kept": "yes" } } } },
      ],
    };
    await pushed.apply(config);
    session = connectH2(`https://127.0.0.1:${httpsPort}`, { servername: "api.example.com", ca: cert.cert });
    await new Promise<void>((resolve, reject) => { session.once("connect", () => resolve()); session.once("error", reject); });
  });
  afterAll(async () => {
    session?.destroy();
    await pushed?.close();
    await up?.close();
    await new Promise<void>((resolve) => grpc ? grpc.server.close(() => resolve()) : resolve());
    await logDir?.remove();
    big?.closeAllConnections();
    await new Promise<void>((resolve) => big ? big.close(() => resolve()) : resolve());
  });

  it("offers h2 and http/1.1 in ALPN; a client offering only http/1.1 gets HTTP/1.1 as before", async () => {
    expect(await negotiated(httpsPort, ["h2", "http/1.1"])).toBe("h2");
    expect(await negotiated(httpsPort, ["http/1.1"])).toBe("http/1.1");
    expect(session.alpnProtocol).toBe("h2");
  });

  it("proxies an HTTP/2 request to an HTTP/1.1 upstream: pseudo-headers become method, path and Host, none is forwarded", async () => {
    const res = await h2Request(session, { ":method": "GET", ":path": "/api/orders/7?x=1", ":authority": "api.example.com", "x-test": "yes" });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body.toString()) as { method: string; path: string; query: Record<string, string>; headers: Record<string, string> };
    expect(seen).toMatchObject({ method: "GET", path: "/api/orders/7", query: { x: "1" } });
    expect(seen.headers["x-test"]).toBe("yes");
    expect(seen.headers["x-forwarded-proto"]).toBe("https");
    expect(seen.headers["x-forwarded-host"]).toBe("api.example.com");
    expect(Object.keys(seen.headers).filter((h) => h.startsWith(":"))).toEqual([]);
    // No connection-specific header reaches an HTTP/2 client (it would be a protocol error).
    expect(res.headers.connection).toBeUndefined();
    expect(res.headers["x-demo-service"]).toBe("order-service");
  });

  it("request bodies: with content-length (buffered) and without (streamed, as gRPC sends them)", async () => {
    const body = Buffer.alloc(50_000, 0x61);
    const sized = await h2Request(session, { ":method": "POST", ":path": "/api/upload", ":authority": "api.example.com", "content-length": String(body.length) }, [body]);
    expect(JSON.parse(sized.body.toString())).toMatchObject({ method: "POST", bodyBytes: 50_000 });
    const parts = [Buffer.alloc(30_000, 0x62), Buffer.alloc(30_000, 0x63), Buffer.alloc(10, 0x64)];
    const streamed = await h2Request(session, { ":method": "POST", ":path": "/api/stream", ":authority": "api.example.com" }, parts);
    expect(streamed.status).toBe(200);
    expect(JSON.parse(streamed.body.toString())).toMatchObject({ method: "POST", bodyBytes: 60_010 });
  });

  it("gRPC end to end: HTTP/2 client → gateway → h2c upstream, body both ways, te: trailers passed, grpc-status trailers relayed", async () => {
    const message = Buffer.from([0, 0, 0, 0, 5, 0x0a, 0x03, 0x62, 0x6f, 0x62]);
    const res = await h2Request(session, {
      ":method": "POST", ":path": "/helloworld.Greeter/SayHello", ":authority": "api.example.com",
      "content-type": "application/grpc", te: "trailers",
    }, [message.subarray(0, 4), message.subarray(4)]);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/grpc");
    expect(JSON.parse(res.body.toString())).toEqual({ bytes: message.length, path: "/helloworld.Greeter/SayHello" });
    expect(res.trailers).toMatchObject({ "grpc-status": "0", "grpc-message": "ok" });
    const upstreamSaw = grpc.seen.at(-1)!;
    expect(upstreamSaw.te).toBe("trailers");
    expect(upstreamSaw[":authority"]).toBe(`127.0.0.1:${grpc.port}`);
  });

  it("the gateway's own answers go out over HTTP/2 too: direct response, 404 NR with its flag", async () => {
    const teapot = await h2Request(session, { ":method": "GET", ":path": "/teapot", ":authority": "api.example.com" });
    expect([teapot.status, teapot.body.toString()]).toEqual([418, "short and stout"]);
    const none = await h2Request(session, { ":method": "GET", ":path": "/nowhere", ":authority": "api.example.com" });
    expect([none.status, none.headers["x-switchyard-flag"]]).toEqual([404, "NR"]);
  });

  it("policies and upstream failures answer over HTTP/2: 401 without a key, 200 with it, 503 UF for a dead target, HEAD without a body", async () => {
    const denied = await h2Request(session, { ":method": "GET", ":path": "/keyed/a", ":authority": "api.example.com" });
    expect(denied.status).toBe(401);
    const allowed = await h2Request(session, { ":method": "GET", ":path": "/keyed/a", ":authority": "api.example.com", apikey: "alice-key-1234567890" });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body.toString()).headers["x-consumer-username"]).toBe("alice");
    const gone = await h2Request(session, { ":method": "GET", ":path": "/gone", ":authority": "api.example.com" });
    expect([gone.status, gone.headers["x-switchyard-flag"]]).toEqual([503, "UF"]);
    const head = await h2Request(session, { ":method": "HEAD", ":path": "/api/orders/1", ":authority": "api.example.com" });
    expect([head.status, head.body.length]).toEqual([200, 0]);
  });

  it("a 1 MB response crosses HTTP/2 flow control whole; a stream the client cancels ends its upstream request", async () => {
    const res = await h2Request(session, { ":method": "GET", ":path": "/big", ":authority": "api.example.com" });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(1 << 20);
    expect(res.body.every((b) => b === 0x7a)).toBe(true);
    const stream = session.request({ ":method": "GET", ":path": "/slow", ":authority": "api.example.com" }, { endStream: true });
    stream.on("error", () => {});
    await new Promise((r) => setTimeout(r, 100));
    const before = slowClosed;
    stream.close();
    const deadline = Date.now() + 2_000;
    while (slowClosed === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(slowClosed).toBe(before + 1);
    // Counted as the client's doing (DC), not as an upstream failure.
    let line: string | undefined;
    for (let i = 0; i < 50 && line === undefined; i++) {
      await new Promise((r) => setTimeout(r, 40));
      const metrics = await (await fetch(`http://127.0.0.1:${pushed.gw.adminPort}/metrics`)).text();
      line = metrics.split("\n").find((l) => l.startsWith('switchyard_http_requests_total{route="slow"'));
    }
    expect(line).toContain('flag="DC"');
    expect(line).toMatch(/ 1$/);
    // The connection serves on.
    expect((await h2Request(session, { ":method": "GET", ":path": "/api/orders/2", ":authority": "api.example.com" })).status).toBe(200);
  });

  it("a response complete before the request body: the client gets all of it, then RST_STREAM NO_ERROR tells it to stop sending", async () => {
    const total = 4 << 20;
    const stream = session.request({ ":method": "POST", ":path": "/early", ":authority": "api.example.com", "content-length": String(total) }, { endStream: false });
    let sent = 0;
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    const pump = () => {
      while (sent < total && !stream.closed) {
        sent += chunk.length;
        if (!stream.write(chunk)) return void stream.once("drain", pump);
      }
      if (!stream.closed) stream.end();
    };
    stream.on("error", () => {});
    const chunks: Buffer[] = [];
    let status = 0;
    stream.on("response", (h) => { status = Number(h[":status"]); });
    stream.on("data", (c: Buffer) => chunks.push(c));
    const closed = new Promise<number | undefined>((resolve) => stream.once("close", () => resolve(stream.rstCode)));
    pump();
    expect(await closed).toBe(0); // NGHTTP2_NO_ERROR
    expect(status).toBe(200);
    expect(Buffer.concat(chunks).toString()).toBe("answered before the body");
    // Stopped well before all 4 MB went out (the gateway would otherwise read and drop the rest).
    expect(sent).toBeLessThan(total);
    expect((await h2Request(session, { ":method": "GET", ":path": "/api/orders/2", ":authority": "api.example.com" })).status).toBe(200);
  });

  it("every Set-Cookie of an upstream response arrives", async () => {
    const res = await h2Request(session, { ":method": "GET", ":path": "/cookies", ":authority": "api.example.com" });
    expect(res.status).toBe(200);
    expect(res.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
  });

  it("many concurrent streams on one connection all get their own answer", async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      h2Request(session, { ":method": "GET", ":path": `/api/orders/${i}?delay_ms=${i % 5 * 10}`, ":authority": "api.example.com" })));
    expect(results.map((r) => JSON.parse(r.body.toString()).path)).toEqual(Array.from({ length: 40 }, (_, i) => `/api/orders/${i}`));
  });

  it("h2c with prior knowledge on the plain port: HTTP/2 requests and gRPC, proto http; HTTP/1.1 there as before", async () => {
    const plain = connectH2(`http://127.0.0.1:${pushed.gw.proxyPort}`);
    try {
      const res = await h2Request(plain, { ":method": "GET", ":path": "/api/orders/3", ":authority": "orders.internal" });
      expect(res.status).toBe(200);
      const seen = JSON.parse(res.body.toString()) as { path: string; headers: Record<string, string> };
      expect(seen.path).toBe("/api/orders/3");
      expect(seen.headers["x-forwarded-proto"]).toBe("http");
      expect(seen.headers["x-forwarded-host"]).toBe("orders.internal");
      const message = Buffer.from([0, 0, 0, 0, 3, 0x0a, 0x01, 0x78]);
      const call = await h2Request(plain, {
        ":method": "POST", ":path": "/helloworld.Greeter/SayHello", ":authority": "orders.internal", "content-type": "application/grpc", te: "trailers",
      }, [message]);
      expect(JSON.parse(call.body.toString())).toEqual({ bytes: message.length, path: "/helloworld.Greeter/SayHello" });
      expect(call.trailers).toMatchObject({ "grpc-status": "0" });
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => h2Request(plain, { ":method": "GET", ":path": `/api/orders/${i}`, ":authority": "x" })));
      expect(many.every((r) => r.status === 200)).toBe(true);
    } finally {
      plain.destroy();
    }
    expect((await rawRequest(pushed.gw.proxyPort, "/api/orders/1", {})).status).toBe(200);
  });

  it("connection-specific headers the gateway would send an HTTP/1.1 client are left out over HTTP/2: 426 Upgrade, a transformer's Connection", async () => {
    const plain = connectH2(`http://127.0.0.1:${pushed.gw.proxyPort}`);
    try {
      const upgrade = await h2Request(plain, { ":method": "GET", ":path": "/tls-only/a", ":authority": "api.example.com" });
      expect(upgrade.status).toBe(426);
      expect(JSON.parse(upgrade.body.toString())).toEqual({ message: "Please use HTTPS protocol" });
      expect(upgrade.headers.upgrade).toBeUndefined();
      const transformed = await h2Request(session, { ":method": "GET", ":path": "/transformed/a", ":authority": "api.example.com" });
      expect(transformed.status).toBe(200);
      expect(transformed.headers["x-kept"]).toBe("yes");
      expect(transformed.headers.connection).toBeUndefined();
      expect(transformed.headers["proxy-connection"]).toBeUndefined();
    } finally {
      plain.destroy();
    }
    // The same answers to HTTP/1.1 keep them.
    const h1 = await rawRequest(pushed.gw.proxyPort, "/tls-only/a", {});
    expect([h1.status, h1.headers.upgrade]).toEqual([426, "TLS/1.2, HTTP/1.1"]);
  });

  it("HTTP/1.1 over TLS is served as before, on both listeners", async () => {
    const version = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest({ host: "127.0.0.1", port: httpsPort, path: "/api/orders/1", servername: "api.example.com", ca: cert.cert, agent: false }, (res) => {
        res.resume();
        res.once("end", () => resolve(`${res.statusCode} HTTP/${res.httpVersion}`));
      });
      req.once("error", reject);
      req.end();
    });
    expect(version).toBe("200 HTTP/1.1");
    expect((await rawRequest(pushed.gw.proxyPort, "/api/orders/1", {})).status).toBe(200);
  });

  it("the access log names each request's protocol", async () => {
    await h2Request(session, { ":method": "GET", ":path": "/api/orders/logged-h2", ":authority": "api.example.com" });
    await rawRequest(pushed.gw.proxyPort, "/api/orders/logged-h1", {});
    const lines = async () => (await readFile(join(logDir.path, "access.log"), "utf8").catch(() => "")).split("\n").filter(Boolean)
      .map((l) => JSON.parse(l) as { path: string; protocol: string });
    await waitUntil(async () => (await lines()).filter((l) => l.path.includes("/logged-")).length === 2, 5_000, "access-log lines");
    const byPath = new Map((await lines()).map((l) => [l.path, l.protocol]));
    expect(byPath.get("/api/orders/logged-h2")).toBe("HTTP/2");
    expect(byPath.get("/api/orders/logged-h1")).toBe("HTTP/1.1");
  });
});
