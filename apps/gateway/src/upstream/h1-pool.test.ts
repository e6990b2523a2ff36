import { EventEmitter } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { H1Callbacks, H1Exchange, H1Sink } from "./h1-connection.ts";
import { H1Pool, type H1PoolOptions } from "./h1-pool.ts";
import { closedPort } from "../testing/fixtures.ts";

const BIG = Buffer.alloc(1024 * 1024, "abcdefghij");

/** Raw upstream: answers by path with hand-written framings, some split over several writes. */
function answer(socket: Socket, method: string, path: string): void {
  const pieces = (...parts: (string | Buffer)[]) => {
    let i = 0;
    const next = () => { if (i < parts.length && !socket.destroyed) { socket.write(parts[i++]!); setTimeout(next, 5); } };
    next();
  };
  switch (path) {
    case "/len":
      if (method === "HEAD") return pieces("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
      return pieces("HTTP/1.1 200 OK\r\nContent-Le", "ngth: 5\r\nX-A: 1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: keep-alive\r\n\r", "\nhel", "lo");
    case "/chunked": return pieces("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r", "\nhello\r\n6\r\n wor", "ld\r\n0\r\nX-Trailer: 1\r\n", "\r\n");
    case "/both": return pieces("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
    case "/close": socket.end("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close"); return;
    case "/continue": return pieces("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok");
    case "/204": return pieces("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    case "/big": return pieces(`HTTP/1.1 200 OK\r\nContent-Length: ${BIG.length}\r\n\r\n`, BIG);
    case "/one-packet": return pieces("HTTP/1.1 200 OK\r\nCONTENT-TYPE:\t text/plain \t\r\nX-Custom-Name:  v w \r\nDate:\r\nContent-Length: 2\r\n\r\nok");
    case "/reset": socket.destroy(); return;
    case "/slow": return; // never answers
    default: socket.end("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
  }
}

interface Result { status: number; headers: string[]; body: Buffer; err: Error | null; requestHead: string }

/**
 * A sink that collects the body; `slow` refuses every write until a later drain (backpressure).
 * It keeps the buffers it is given, as a socket with a write queue does: a piece the pool hands
 * over must stay intact after the read it came in.
 */
class Collector extends EventEmitter implements H1Sink {
  readonly parts: Buffer[] = [];
  ended = false;
  private readonly slow: boolean;
  constructor(slow: boolean) { super(); this.slow = slow; }
  write(chunk: Buffer): boolean {
    this.parts.push(chunk);
    if (!this.slow) return true;
    setTimeout(() => this.emit("drain"), 1);
    return false;
  }
  end(chunk?: Buffer | string, encoding?: "latin1"): void {
    if (chunk !== undefined) this.parts.push(typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk);
    this.ended = true;
  }
}

type TestExchange = H1Exchange & { sink: Collector; status: number; headers: string[]; resolve: (r: Result) => void };

const callbacks: H1Callbacks = {
  onHeaders(e, status, headers) {
    const ex = e as TestExchange;
    ex.status = status;
    ex.headers = headers;
    return ex.sink;
  },
  onDone(e, err) {
    const ex = e as TestExchange;
    if (err === null) expect(ex.sink.ended).toBe(true);
    ex.resolve({ status: ex.status, headers: ex.headers, body: Buffer.concat(ex.sink.parts), err, requestHead: ex.h1Head });
  },
};

function send(pool: H1Pool, method: string, path: string, opts: { body?: Buffer; slow?: boolean; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const body = opts.body ?? null;
    const ex: TestExchange = {
      h1Conn: null, h1Pool: null, h1NoBody: method === "HEAD", h1Body: body,
      h1Head: `${method} ${path} HTTP/1.1\r\nhost: upstream\r\n${body ? `content-length: ${body.length}\r\n` : ""}\r\n`,
      sink: new Collector(opts.slow ?? false), status: 0, headers: [], resolve,
    };
    pool.dispatch(ex, opts.timeoutMs ?? 5_000);
  });
}

describe("lean HTTP/1.1 upstream pool", () => {
  let server: Server;
  let port: number;
  let connections = 0;
  const bodies: string[] = [];
  const pools: H1Pool[] = [];
  const pool = (o: Partial<H1PoolOptions> = {}) => {
    const p = new H1Pool({ host: "127.0.0.1", port, connectTimeoutMs: 1_000, maxConnections: 8, maxRequestsPerConnection: 0, idleTimeoutMs: 4_000, bodyIdleTimeoutMs: 10_000, tls: null, ...o },
      callbacks, new Set(["connection", "transfer-encoding", "keep-alive"]));
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      let buf = Buffer.alloc(0);
      socket.on("data", (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        for (;;) {
          const end = buf.indexOf("\r\n\r\n");
          if (end === -1) return;
          const head = buf.toString("latin1", 0, end);
          const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
          if (buf.length < end + 4 + length) return;
          bodies.push(buf.toString("utf8", end + 4, end + 4 + length));
          buf = buf.subarray(end + 4 + length);
          const [method, path] = head.split(" ");
          answer(socket, method!, path!);
        }
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const p of pools) p.destroy();
    await new Promise((r) => server.close(r));
  });

  it("parses a head and body split over packets, keeps duplicate headers, drops hop-by-hop ones, reuses the connection", async () => {
    const p = pool();
    const before = connections;
    for (let i = 0; i < 3; i++) {
      const r = await send(p, "GET", "/len");
      expect(r.err).toBeNull();
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe("hello");
      expect(r.headers).toEqual(["content-length", "5", "x-a", "1", "set-cookie", "a=1", "set-cookie", "b=2"]);
    }
    expect(connections - before).toBe(1);
  });

  it("reads head and body from one packet: names lower-cased in any case, values trimmed", async () => {
    const p = pool();
    for (let i = 0; i < 2; i++) {
      const r = await send(p, "GET", "/one-packet");
      expect([r.err, r.status, r.body.toString()]).toEqual([null, 200, "ok"]);
      expect(r.headers).toEqual(["content-type", "text/plain", "x-custom-name", "v w", "date", "", "content-length", "2"]);
    }
  });

  it("decodes chunked bodies (extensions, trailers, sizes split across packets) and reads HTTP/1.0 bodies until close", async () => {
    const p = pool();
    const chunked = await send(p, "GET", "/chunked");
    expect(chunked.err).toBeNull();
    expect(chunked.body.toString()).toBe("hello world");
    expect(chunked.headers).toEqual([]);
    const both = await send(p, "GET", "/both");
    expect([both.err, both.body.toString(), both.headers]).toEqual([null, "ok", []]);
    const close = await send(p, "GET", "/close");
    expect(close.err).toBeNull();
    expect(close.body.toString()).toBe("until close");
    expect(close.headers).toEqual(["content-type", "text/plain"]);
  });

  it("skips interim responses; HEAD and 204 have no body; sends a buffered request body", async () => {
    const p = pool();
    const cont = await send(p, "GET", "/continue");
    expect([cont.status, cont.body.toString()]).toEqual([201, "ok"]);
    const head = await send(p, "HEAD", "/len");
    expect([head.err, head.status, head.body.length]).toEqual([null, 200, 0]);
    const none = await send(p, "GET", "/204");
    expect([none.err, none.status, none.body.length]).toEqual([null, 204, 0]);
    const post = await send(p, "POST", "/len", { body: Buffer.from("payload-1") });
    expect(post.body.toString()).toBe("hello");
    expect(bodies).toContain("payload-1");
  });

  it("streams a 1 MiB body intact into a sink that pushes back on every write", async () => {
    const r = await send(pool(), "GET", "/big", { slow: true });
    expect(r.err).toBeNull();
    expect(r.body.equals(BIG)).toBe(true);
  });

  it("keeps every body intact while several connections read at once (reads share one buffer)", async () => {
    const p = pool();
    const paths = ["/big", "/chunked", "/len", "/big", "/close", "/chunked", "/big", "/len"];
    const results = await Promise.all(paths.map((path, i) => send(p, "GET", path, { slow: i % 2 === 0 })));
    const expected: Record<string, Buffer> = { "/big": BIG, "/chunked": Buffer.from("hello world"), "/len": Buffer.from("hello"), "/close": Buffer.from("until close") };
    results.forEach((r, i) => {
      expect(r.err).toBeNull();
      expect(r.body.equals(expected[paths[i]!]!), `body of ${paths[i]} #${i}`).toBe(true);
    });
  });

  it("queues beyond maxConnections and serves everything over that many connections", async () => {
    const p = pool({ maxConnections: 1 });
    const before = connections;
    const results = await Promise.all(Array.from({ length: 5 }, () => send(p, "GET", "/len")));
    expect(results.map((r) => r.body.toString())).toEqual(Array(5).fill("hello"));
    expect(connections - before).toBe(1);
  });

  it("closes a connection after maxRequestsPerConnection", async () => {
    const p = pool({ maxRequestsPerConnection: 2 });
    const before = connections;
    for (let i = 0; i < 4; i++) expect((await send(p, "GET", "/len")).status).toBe(200);
    expect(connections - before).toBe(2);
  });

  it("tells connect failures, resets and head timeouts apart by code", async () => {
    const refused = await send(pool({ port: await closedPort() }), "GET", "/len");
    expect((refused.err as { code?: string }).code).toBe("ECONNREFUSED");
    const reset = await send(pool(), "GET", "/reset");
    expect((reset.err as { code?: string }).code).toBe("UND_ERR_SOCKET");
    const start = Date.now();
    const slow = await send(pool(), "GET", "/slow", { timeoutMs: 300 });
    expect((slow.err as { code?: string }).code).toBe("UND_ERR_HEADERS_TIMEOUT");
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it("abort ends a request in flight at once and the pool keeps working", async () => {
    const p = pool({ maxConnections: 1 });
    const pending = send(p, "GET", "/slow");
    await new Promise((r) => setTimeout(r, 50));
    const inFlight = [...(p as unknown as { conns: Set<{ ex: H1Exchange | null }> }).conns][0]!.ex!;
    p.abort(inFlight, Object.assign(new Error("aborted"), { code: "UND_ERR_ABORTED" }));
    expect(((await pending).err as { code?: string }).code).toBe("UND_ERR_ABORTED");
    expect((await send(p, "GET", "/len")).body.toString()).toBe("hello");
  });
});
