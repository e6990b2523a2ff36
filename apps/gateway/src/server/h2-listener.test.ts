import type { IncomingMessage, ServerResponse } from "node:http";
import { connect, constants } from "node:http2";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { makeTestCertificate } from "@switchyard/config/testing";
import { H2Listener, HTTPS_ALPN } from "./h2-listener.ts";

const cert = makeTestCertificate("h2.test");

describe("H2Listener", () => {
  let server: Server | null = null;
  let listener: H2Listener | null = null;
  afterEach(async () => {
    listener?.closeAll();
    await new Promise<void>((resolve) => server ? server.close(() => resolve()) : resolve());
    server = null;
  });

  /** An HTTPS server whose h2 connections get `handler` (the HTTP/1.1 ones a 426). */
  async function start(handler: (req: IncomingMessage, res: ServerResponse) => void, requestTimeoutMs = 10_000): Promise<number> {
    server = createHttpsServer({ cert: cert.cert, key: cert.key, ALPNProtocols: HTTPS_ALPN }, (_req, res) => { res.writeHead(426); res.end(); });
    listener = new H2Listener(handler, { maxHeaderSize: 16 * 1024, idleTimeoutMs: 60_000, maxConcurrentStreams: 100, requestTimeoutMs });
    listener.serveTls(server);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  }

  it("cuts off a request whose body does not arrive within the request timeout (RST_STREAM CANCEL)", async () => {
    let gotEnd = false;
    const port = await start((req, res) => {
      req.on("data", () => {});
      req.on("end", () => { gotEnd = true; res.end("late"); });
    }, 200);
    const session = connect(`https://127.0.0.1:${port}`, { ca: cert.cert, servername: "h2.test" });
    try {
      const stream = session.request({ ":method": "POST", ":path": "/" }, { endStream: false });
      stream.write("a little and then nothing");
      const started = performance.now();
      const code = await new Promise<number>((resolve) => { stream.on("error", () => {}); stream.once("close", () => resolve(stream.rstCode ?? -1)); });
      expect(code).toBe(constants.NGHTTP2_CANCEL);
      expect(performance.now() - started).toBeGreaterThan(150);
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(gotEnd).toBe(false);
      // A request that arrives whole in time is answered.
      const ok = session.request({ ":method": "POST", ":path": "/" });
      ok.end("whole");
      const body = await new Promise<string>((resolve) => { let text = ""; ok.setEncoding("utf8"); ok.on("data", (c: string) => { text += c; }); ok.on("end", () => resolve(text)); });
      expect(body).toBe("late");
    } finally {
      session.destroy();
    }
  });

  it("a body the client resets midway never reads as whole: no 'end', the request is destroyed", async () => {
    const events: string[] = [];
    let reached!: () => void;
    const arrived = new Promise<void>((resolve) => { reached = resolve; });
    const port = await start((req) => {
      req.on("data", () => { events.push("data"); reached(); });
      req.on("end", () => events.push("end"));
      req.on("close", () => events.push("close"));
    });
    const session = connect(`https://127.0.0.1:${port}`, { ca: cert.cert, servername: "h2.test" });
    try {
      const stream = session.request({ ":method": "POST", ":path": "/", "content-length": "100" }, { endStream: false });
      stream.on("error", () => {});
      stream.write("only ten b");
      await arrived;
      // destroy(): RST_STREAM without END_STREAM (close() would end the body first, making it whole).
      stream.destroy();
      await new Promise((r) => setTimeout(r, 100));
      expect(events).toContain("close");
      expect(events).not.toContain("end");
    } finally {
      session.destroy();
    }
  });

  it("Rapid Reset: a connection whose streams are reset at once is closed with ENHANCE_YOUR_CALM; one that completes its streams is not", async () => {
    let handled = 0;
    // Answers after a moment, as the proxy does once its upstream has answered.
    const port = await start((req, res) => {
      handled++;
      req.resume();
      req.on("end", () => setTimeout(() => { if (!res.writableEnded) res.end("ok"); }, 20));
    });
    const attacker = connect(`https://127.0.0.1:${port}`, { ca: cert.cert, servername: "h2.test" });
    attacker.on("error", () => {});
    const goaway = new Promise<number>((resolve) => {
      attacker.once("goaway", (code: number) => resolve(code));
      setTimeout(() => resolve(-1), 10_000).unref();
    });
    let opened = 0;
    while (!attacker.destroyed && !attacker.closed && opened < 5_000) {
      for (let i = 0; i < 50 && !attacker.destroyed && !attacker.closed; i++, opened++) {
        try {
          const s = attacker.request({ ":method": "GET", ":path": "/" });
          s.on("error", () => {});
          s.close(constants.NGHTTP2_CANCEL);
        } catch { break; }
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(await goaway).toBe(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    // The client queued all 5,000; the server took about 500 of them before it closed the connection.
    expect(handled).toBeGreaterThanOrEqual(500);
    expect(handled).toBeLessThan(1_000);
    attacker.destroy();
    handled = 0;

    // The same number of streams answered in full keeps its connection.
    const honest = connect(`https://127.0.0.1:${port}`, { ca: cert.cert, servername: "h2.test" });
    try {
      for (let batch = 0; batch < 6; batch++) { // 600 streams, more than the rule's 500
        await Promise.all(Array.from({ length: 100 }, () => new Promise<void>((resolve, reject) => {
          const s = honest.request({ ":method": "GET", ":path": "/" });
          s.on("error", reject);
          s.resume();
          s.on("end", () => resolve());
        })));
      }
      expect(honest.closed).toBe(false);
      expect(handled).toBe(600);
    } finally {
      honest.destroy();
    }
  });

  it("gives each connection a 1 MiB receive window (Envoy's edge default), streams their 64 KiB", async () => {
    const port = await start((req, res) => { req.resume(); req.on("end", () => res.end()); });
    const session = connect(`https://127.0.0.1:${port}`, { ca: cert.cert, servername: "h2.test" });
    try {
      await new Promise<void>((resolve) => session.once("remoteSettings", () => resolve()));
      const s = session.request({ ":method": "GET", ":path": "/" });
      s.resume();
      await new Promise<void>((resolve) => s.on("end", () => resolve()));
      expect(session.state.remoteWindowSize).toBe(1 << 20);
      expect(session.remoteSettings.initialWindowSize).toBe(65_535);
    } finally {
      session.destroy();
    }
  });

  it("makes the request read like HTTP/1.1: method, url and host, no pseudo-headers; a body without length is chunked", async () => {
    const seen: { method?: string; url?: string; headers: Record<string, unknown> }[] = [];
    const port = await start((req, res) => {
      seen.push({ method: req.method, url: req.url, headers: Object.fromEntries(Object.entries(req.headers)) });
      req.resume();
      req.on("end", () => res.end());
    });
    const session = connect(`https://127.0.0.1:${port}`, { ca: cert.cert, servername: "h2.test" });
    try {
      const done = (s: ReturnType<typeof session.request>) => new Promise<void>((resolve) => { s.resume(); s.on("end", () => resolve()); });
      await done(session.request({ ":method": "GET", ":path": "/a?b=1", ":authority": "api.test:8443" }));
      await done(session.request({ ":method": "GET", ":path": "/c", ":authority": "right.test", host: "wrong.test" }));
      const post = session.request({ ":method": "POST", ":path": "/up" });
      post.end("x");
      await done(post);
      expect(seen[0]).toEqual({ method: "GET", url: "/a?b=1", headers: { host: "api.test:8443" } });
      expect(seen[1]!.headers.host).toBe("right.test");
      expect(seen[2]!.method).toBe("POST");
      expect(seen[2]!.headers["transfer-encoding"]).toBe("chunked");
      expect(Object.keys(seen[2]!.headers).some((h) => h.startsWith(":"))).toBe(false);
    } finally {
      session.destroy();
    }
  });
  it("Expect: 100-continue gets its 100 before the handler runs; another expectation 417; CONNECT 405", async () => {
    const port = await start((req, res) => { req.resume(); req.on("end", () => res.end(`got ${req.method}`)); });
    const session = connect(`https://127.0.0.1:${port}`, { ca: cert.cert, servername: "h2.test" });
    try {
      const answer = (s: ReturnType<typeof session.request>) => new Promise<{ status: number; body: string; continued: boolean }>((resolve, reject) => {
        let status = 0, body = "", continued = false;
        s.on("continue", () => { continued = true; });
        s.on("response", (h) => { status = Number(h[":status"]); });
        s.setEncoding("utf8");
        s.on("data", (c: string) => { body += c; });
        s.on("end", () => resolve({ status, body, continued }));
        s.on("error", reject);
      });
      const waiting = session.request({ ":method": "POST", ":path": "/", expect: "100-continue" }, { endStream: false });
      waiting.once("continue", () => waiting.end("body after the 100"));
      expect(await answer(waiting)).toEqual({ status: 200, body: "got POST", continued: true });
      expect((await answer(session.request({ ":method": "GET", ":path": "/", expect: "something-else" }))).status).toBe(417);
      expect((await answer(session.request({ ":method": "CONNECT", ":authority": "elsewhere.test:443" }, { endStream: false }))).status).toBe(405);
    } finally {
      session.destroy();
    }
  });

  it("a HEAD answer keeps its length and sends no body; trailers go to a client that said te: trailers (or a gRPC call), not to others", async () => {
    const port = await start((req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      if (req.method === "HEAD") return void res.end("twelve bytes");
      res.write("body");
      res.addTrailers({ "x-checksum": "abc" });
      res.end();
    });
    const session = connect(`https://127.0.0.1:${port}`, { ca: cert.cert, servername: "h2.test" });
    try {
      const answer = (headers: Record<string, string>) => new Promise<{ headers: Record<string, unknown>; body: string; trailers: Record<string, unknown> | null }>((resolve, reject) => {
        const s = session.request({ ":path": "/", ...headers });
        let got: Record<string, unknown> = {}, body = "", trailers: Record<string, unknown> | null = null;
        s.on("response", (h) => { got = { ...h }; });
        s.on("trailers", (t) => { trailers = { ...t }; });
        s.setEncoding("utf8");
        s.on("data", (c: string) => { body += c; });
        s.on("end", () => resolve({ headers: got, body, trailers }));
        s.on("error", reject);
      });
      const head = await answer({ ":method": "HEAD" });
      expect(head.headers["content-length"]).toBe("12");
      expect(head.body).toBe("");
      const withTe = await answer({ ":method": "GET", te: "trailers" });
      expect(withTe.body).toBe("body");
      expect(withTe.trailers).toMatchObject({ "x-checksum": "abc" });
      const grpc = await answer({ ":method": "GET", "content-type": "application/grpc" });
      expect(grpc.trailers).toMatchObject({ "x-checksum": "abc" });
      const plain = await answer({ ":method": "GET" });
      expect(plain.body).toBe("body");
      expect(plain.trailers).toBeNull();
    } finally {
      session.destroy();
    }
  });
});
