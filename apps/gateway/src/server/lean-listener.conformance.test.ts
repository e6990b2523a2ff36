import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect as connectTcp, type AddressInfo, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpServerKind } from "../messages.ts";
import { startGateway, type RunningGateway } from "../start-gateway.ts";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { captureLogger, waitUntil } from "../testing/fixtures.ts";
import { makeTestCertificate } from "@switchyard/config/testing";

interface Seen { method: string; url: string; body: string; headers: IncomingMessage["headers"] }

/** An upstream that records what reached it: /chunked answers without a length, /slow after 2 s. */
function startRecorder(): Promise<{ server: Server; port: number; seen: Seen[]; aborted: string[] }> {
  const seen: Seen[] = [];
  const aborted: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("latin1");
    req.on("data", (d: string) => { body += d; });
    req.on("close", () => { if (!req.complete) aborted.push(req.url!); });
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, body, headers: req.headers });
      if (req.url === "/chunked") {
        res.write("first,");
        setTimeout(() => res.end("second"), 20);
        return;
      }
      if (req.url === "/slow") {
        const timer = setTimeout(() => res.end("late"), 2_000);
        res.on("close", () => { if (!res.writableFinished) { clearTimeout(timer); aborted.push(req.url!); } });
        return;
      }
      const text = `${req.method} ${req.url} ${body}`;
      res.writeHead(200, { "content-type": "text/plain", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port, seen, aborted })));
}

interface RawResponse { status: number; headers: Record<string, string>; body: string }

/** Splits what a connection received into responses (`heads`: which requests were HEAD). */
function parseResponses(data: string, heads: boolean[]): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf("\r\n\r\n", at);
    if (end === -1) throw new Error(`partial head: ${JSON.stringify(data.slice(at))}`);
    const [statusLine, ...lines] = data.slice(at, end).split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine!.split(" ")[1]);
    at = end + 4;
    let body = "";
    if (heads[out.length] || status === 204 || status === 304) {
      // no body
    } else if (headers["transfer-encoding"] === "chunked") {
      for (;;) {
        const eol = data.indexOf("\r\n", at);
        const size = parseInt(data.slice(at, eol), 16);
        at = eol + 2;
        if (size === 0) { at = data.indexOf("\r\n", at) + 2; break; }
        body += data.slice(at, at + size);
        at += size + 2;
      }
    } else {
      const n = Number(headers["content-length"] ?? 0);
      body = data.slice(at, at + n);
      at += n;
    }
    out.push({ status, headers, body });
  }
  return out;
}

type Wire = "plain" | "tls";

/** A client connection to the listener under test: TCP, or TLS (SNI gw.test, the test certificate not checked). */
function connectOn(wire: Wire, port: number): Socket {
  if (wire === "plain") return connectTcp(port, "127.0.0.1");
  const socket = connectTls({ host: "127.0.0.1", port, servername: "gw.test", rejectUnauthorized: false });
  // Callers wait for 'connect'; over TLS, requests may go once the handshake is done.
  socket.once("secureConnect", () => socket.emit("connect"));
  return socket;
}

/** Sends raw bytes (in pieces, with a pause between) and collects everything until the server closes. */
function exchangeOn(wire: Wire, port: number, pieces: string[], pauseMs = 30): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectOn(wire, port);
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => { data += d; });
    socket.on("error", reject);
    socket.on("close", () => resolve(data));
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no close; got ${JSON.stringify(data)}`)));
    let i = 0;
    const next = (): void => {
      if (i < pieces.length) socket.write(pieces[i++]!, "latin1");
      if (i < pieces.length) setTimeout(next, pauseMs);
    };
    socket.on("connect", next);
  });
}

const get = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: gw.test\r\n${extra}\r\n`;
const close = "Connection: close\r\n";

describe.each<[Wire, HttpServerKind]>([["plain", "lean"], ["plain", "node"], ["tls", "lean"], ["tls", "node"]])("%s listener, HTTP/1.1 on the wire (%s)", (wire, httpServer) => {
  let up: Awaited<ReturnType<typeof startRecorder>>;
  let gw: RunningGateway;
  let port: number;
  const exchange = (p: number, pieces: string[], pauseMs?: number) => exchangeOn(wire, p, pieces, pauseMs);
  const connect = (p: number) => connectOn(wire, p);

  beforeAll(async () => {
    up = await startRecorder();
    const cert = makeTestCertificate("gw.test");
    gw = await startGateway({
      proxyPort: 0, adminPort: 0, workers: 1, cacheDir: null, logger: captureLogger(), httpServer, httpsPort: wire === "tls" ? 0 : null,
      snapshot: makeSnapshot(1, {
        certificates: [{ name: "gw", hosts: ["gw.test"], cert: cert.cert, key: cert.key }],
        services: [{ name: "rec", targets: [{ host: "127.0.0.1", port: up.port }] }],
        routes: [
          { name: "small", path: { type: "prefix", value: "/small" }, maxRequestBodyBytes: 10, rules: [{ destinations: [{ service: "rec" }] }] },
          { name: "all", path: { type: "prefix", value: "/" }, rules: [{ destinations: [{ service: "rec" }] }] },
        ],
      }),
    });
  });
  beforeAll(() => { port = wire === "tls" ? gw.httpsPort! : gw.proxyPort; });
  afterAll(async () => {
    await gw?.stop();
    await new Promise((r) => up?.server.close(r));
  });

  it("answers pipelined requests in order on one connection, then honours Connection: close", async () => {
    const data = await exchange(port, [get("/one") + get("/two") + get("/three", close)]);
    const responses = parseResponses(data, [false, false, false]);
    expect(responses.map((r) => r.body)).toEqual(["GET /one ", "GET /two ", "GET /three "]);
    expect(responses[0]!.headers.connection).toBe("keep-alive");
    expect(responses[2]!.headers.connection).toBe("close");
  });

  it("serves a body-carrying request between plain ones on the same connection", async () => {
    const post = "POST /upload HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 11\r\n\r\nhello world";
    const data = await exchange(port, [get("/before"), post, get("/after", close)]);
    expect(parseResponses(data, [false, false, false]).map((r) => r.body)).toEqual(["GET /before ", "POST /upload hello world", "GET /after "]);
  });

  it("refuses a request with both Content-Length and Transfer-Encoding, and nothing smuggled reaches the upstream", async () => {
    const before = up.seen.length;
    const smuggle = "POST /front HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: gw.test\r\n\r\n";
    const data = await exchange(port, [get("/plain") + smuggle]);
    // node:http answers the parse error at once, ahead of the pending /plain; the lean path in order.
    const responses = parseResponses(data, [false, false]);
    expect(responses.map((r) => r.status)).toContain(400);
    if (httpServer === "lean") expect(responses.map((r) => r.body)[0]).toBe("GET /plain ");
    expect(up.seen.slice(before).map((s) => s.url).filter((u) => u !== "/plain")).toEqual([]);
  });

  it("refuses a header value with a bare LF (no header injection upstream)", async () => {
    const before = up.seen.length;
    const data = await exchange(port, ["GET /inject HTTP/1.1\r\nHost: gw.test\r\nX-A: 1\nX-Consumer-Username: admin\r\n\r\n"]);
    expect(data.startsWith("HTTP/1.1 400")).toBe(true);
    expect(up.seen.length).toBe(before);
  });

  it("answers 431 to a head over 16 KB", async () => {
    const data = await exchange(port, [get("/big", `X-Big: ${"b".repeat(17 * 1024)}\r\n`)]);
    expect(data.startsWith("HTTP/1.1 431")).toBe(true);
  });

  it("keeps a repeated Host to Node's rule (first one wins)", async () => {
    const data = await exchange(port, ["GET /twice HTTP/1.1\r\nHost: first.test\r\nHost: second.test\r\nConnection: close\r\n\r\n"]);
    expect(parseResponses(data, [false])[0]!.status).toBe(200);
    expect(up.seen.at(-1)!.headers["x-forwarded-host"]).toBe("first.test");
  });

  it("tells the upstream which scheme the client used", async () => {
    await exchange(port, [get("/scheme", close)]);
    expect(up.seen.at(-1)!.headers["x-forwarded-proto"]).toBe(wire === "tls" ? "https" : "http");
  });

  it("reads a head that arrives in pieces", async () => {
    const data = await exchange(port, ["GET /pie", "ces HTTP/1.1\r\nHo", "st: gw.test\r\nConnection: close\r\n", "\r\n"]);
    expect(parseResponses(data, [false])[0]!.body).toBe("GET /pieces ");
  });

  it("answers HEAD without a body and keeps the connection usable", async () => {
    const data = await exchange(port, [`HEAD /h HTTP/1.1\r\nHost: gw.test\r\n\r\n${get("/after-head", close)}`]);
    const [head, after] = parseResponses(data, [true, false]);
    expect(head!.status).toBe(200);
    expect(head!.headers["content-length"]).toBe(String("HEAD /h ".length));
    expect(after!.body).toBe("GET /after-head ");
  });

  it("relays a response without a length as chunked", async () => {
    const data = await exchange(port, [get("/chunked") + get("/next", close)]);
    const [chunked, next] = parseResponses(data, [false, false]);
    expect(chunked!.headers["transfer-encoding"]).toBe("chunked");
    expect(chunked!.body).toBe("first,second");
    expect(next!.body).toBe("GET /next ");
  });

  it("answers the gateway's own errors with a Date and its flag", async () => {
    const data = await exchange(port, ["GET /%zz HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n"]);
    const [res] = parseResponses(data, [false]);
    expect(res!.status).toBe(400);
    expect(res!.headers.date).toMatch(/GMT$/);
    expect(res!.headers["x-switchyard-flag"]).toBeTruthy();
  });

  it("takes request bodies by Content-Length: pipelined, in pieces, and large", async () => {
    const post = (path: string, body: string, extra = "") => `POST ${path} HTTP/1.1\r\nHost: gw.test\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;
    const pipelined = await exchange(port, [post("/p1", "first body") + get("/between") + post("/p2", "second", close)]);
    expect(parseResponses(pipelined, [false, false, false]).map((r) => r.body)).toEqual(["POST /p1 first body", "GET /between ", "POST /p2 second"]);
    const head = "PUT /pieces HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 12\r\nConnection: close\r\n\r\n";
    const pieces = await exchange(port, [head, "hel", "lo ", "world!"]);
    expect(parseResponses(pieces, [false])[0]!.body).toBe("PUT /pieces hello world!");
    const big = "x".repeat(1_000_000);
    const large = await exchange(port, [post("/big", big, close)]);
    expect(parseResponses(large, [false])[0]!.body).toBe(`POST /big ${big}`);
  });

  it("refuses a body over the route's limit from its length, then serves the next request on the connection", async () => {
    const before = up.seen.length;
    const tooLong = "POST /small HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 20\r\n\r\n01234567890123456789";
    const data = await exchange(port, [tooLong + get("/after-413", close)]);
    const [refused, after] = parseResponses(data, [false, false]);
    expect(refused!.status).toBe(413);
    expect(after!.body).toBe("GET /after-413 ");
    expect(up.seen.slice(before).map((s) => s.url)).toEqual(["/after-413"]);
  });

  it("stops the upstream request when the client goes away mid-body, and keeps serving", async () => {
    const before = up.aborted.length;
    const socket = connect(port);
    await new Promise((r) => socket.on("connect", r));
    socket.write("POST /upload-cut HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 100000\r\n\r\n");
    socket.write("y".repeat(20_000));
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    await waitUntil(() => up.aborted.length > before, 2_000, "upstream saw the upload cut");
    const data = await exchange(port, [get("/still-serving", close)]);
    expect(parseResponses(data, [false])[0]!.body).toBe("GET /still-serving ");
  });

  it("stops the upstream request when the client goes away mid-response", async () => {
    const before = up.aborted.length;
    const socket = connect(port);
    await new Promise((r) => socket.on("connect", r));
    socket.write(get("/slow"));
    await waitUntil(() => up.seen.some((s) => s.url === "/slow"), 2_000, "upstream got /slow");
    socket.destroy();
    await waitUntil(() => up.aborted.length > before, 1_500, "upstream request aborted");
  });
});
