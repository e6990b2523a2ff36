import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeanListener, type LeanListenerOptions } from "./lean-listener.ts";

/** Connects; `closed` resolves with everything received once the server closes, and when. */
function openConnection(port: number): Promise<{ socket: Socket; closed: Promise<{ data: string; afterMs: number }> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const started = Date.now();
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => { data += d; });
    socket.on("error", () => { /* a reset after the drain: 'close' follows */ });
    const closed = new Promise<{ data: string; afterMs: number }>((done) => socket.on("close", () => done({ data, afterMs: Date.now() - started })));
    socket.once("connect", () => resolve({ socket, closed }));
    socket.once("error", reject);
  });
}

type Handler = NonNullable<Parameters<typeof createServer>[1]>;

/** A node:http server with the lean listener in front, on a free port; `close` stops both. */
async function startLeanServer(handler: Handler, options: LeanListenerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  const lean = new LeanListener(server, handler, options);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      lean.closeAll();
      await new Promise((r) => server.close(r));
    },
  };
}

describe("lean listener timeouts and draining", () => {
  let port: number;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const handler: Handler = (_req, res) => { res.writeHead(200, { "content-length": 2 }); res.end("ok"); };
    ({ port, close } = await startLeanServer(handler, { maxHeaderSize: 16 * 1024, headersTimeout: 1_500, keepAliveTimeout: 1_000, requestTimeout: 3_000 }));
  });
  afterAll(() => close());

  it("closes a keep-alive connection left idle past the keep-alive timeout, and says so in Keep-Alive", async () => {
    const { socket, closed } = await openConnection(port);
    socket.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    const { data, afterMs } = await closed;
    expect(data).toContain("Keep-Alive: timeout=1\r\n");
    expect(data.endsWith("ok")).toBe(true);
    expect(afterMs).toBeGreaterThanOrEqual(1_000);
    expect(afterMs).toBeLessThan(3_500);
  });

  it("gives a connection that hasn't sent anything the headers timeout, not the keep-alive one", async () => {
    const { closed } = await openConnection(port);
    const { data, afterMs } = await closed;
    expect(data).toBe("");
    expect(afterMs).toBeGreaterThanOrEqual(1_500);
    expect(afterMs).toBeLessThan(4_000);
  });

  it("answers 408 and closes when a head doesn't complete within the headers timeout", async () => {
    const { socket, closed } = await openConnection(port);
    socket.write("GET / HTTP/1.1\r\nHost: t\r\n");
    const { data, afterMs } = await closed;
    expect(data.startsWith("HTTP/1.1 408 Request Timeout")).toBe(true);
    expect(afterMs).toBeGreaterThanOrEqual(1_500);
    expect(afterMs).toBeLessThan(4_000);
  });

  it("answers without the body when the handler doesn't need it, and closes once the body stalls past the request timeout", async () => {
    const { socket, closed } = await openConnection(port);
    socket.write("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789");
    const { data, afterMs } = await closed;
    expect(data.startsWith("HTTP/1.1 200 OK")).toBe(true);
    expect(data.endsWith("ok")).toBe(true);
    expect(afterMs).toBeGreaterThanOrEqual(3_000);
    expect(afterMs).toBeLessThan(5_500);
  });

  it("once draining, closes idle connections and answers what is in flight with Connection: close", async () => {
    // A request that is in flight when the drain starts is answered, with Connection: close.
    let release!: () => void;
    const slowServer = createServer();
    const slowLean = new LeanListener(slowServer, (_req, res) => { release = () => res.end("done"); }, { maxHeaderSize: 16 * 1024, headersTimeout: 60_000, keepAliveTimeout: 5_000, requestTimeout: 300_000 });
    await new Promise<void>((r) => slowServer.listen(0, "127.0.0.1", r));
    const slowPort = (slowServer.address() as AddressInfo).port;
    try {
      const idle = await openConnection(slowPort);
      const busy = await openConnection(slowPort);
      busy.socket.write("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
      await new Promise((r) => setTimeout(r, 100));
      slowLean.closeIdle();
      expect((await idle.closed).data).toBe("");
      release();
      const { data } = await busy.closed;
      expect(data).toContain("Connection: close");
      expect(data.endsWith("done")).toBe(true);
    } finally {
      slowLean.closeAll();
      await new Promise((r) => slowServer.close(r));
    }
  });
});

describe("lean listener reading into the worker's shared buffer", () => {
  let port: number;
  let close: () => Promise<void>;

  beforeAll(async () => {
    // Reads the body only after a while: its pieces wait in the request stream meanwhile, while
    // later reads (the rest of the body, other connections) land in the same shared buffer.
    const handler: Handler = (req, res) => {
      setTimeout(() => {
        const parts: Buffer[] = [];
        req.on("data", (d: Buffer) => parts.push(d));
        req.on("end", () => {
          const body = Buffer.concat(parts);
          res.writeHead(200, { "content-length": body.length });
          res.end(body);
        });
      }, 60);
    };
    ({ port, close } = await startLeanServer(handler, { maxHeaderSize: 16 * 1024, headersTimeout: 5_000, keepAliveTimeout: 5_000, requestTimeout: 10_000 }));
  });
  afterAll(() => close());

  it("keeps body pieces intact while later reads reuse the buffer", async () => {
    const a = "A".repeat(3_000), b = "B".repeat(3_000);
    const conns = await Promise.all([openConnection(port), openConnection(port)]);
    conns.forEach(({ socket }, i) => socket.write(`POST /${i} HTTP/1.1\r\nHost: t\r\nContent-Length: 6000\r\nConnection: close\r\n\r\n${i === 0 ? a : b}`));
    await new Promise((r) => setTimeout(r, 20));
    conns.forEach(({ socket }, i) => socket.write(i === 0 ? b : a));
    const [first, second] = await Promise.all(conns.map((c) => c.closed));
    expect(first!.data.endsWith(`\r\n\r\n${a}${b}`)).toBe(true);
    expect(second!.data.endsWith(`\r\n\r\n${b}${a}`)).toBe(true);
  });
});

describe("lean listener writing responses straight to the socket", () => {
  let port: number;
  let close: () => Promise<void>;
  const BODY = 2_000; // joined with the head into one direct write

  beforeAll(async () => {
    const handler: Handler = (req, res) => {
      const n = (req.url ?? "/").slice(1);
      const body = `${n}:`.padEnd(BODY, "x");
      res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
      res.end(body);
    };
    ({ port, close } = await startLeanServer(handler, { maxHeaderSize: 16 * 1024, headersTimeout: 5_000, keepAliveTimeout: 5_000, requestTimeout: 10_000 }));
  });
  afterAll(() => close());

  // ~10 MB of answers to a client that reads nothing at first: the kernel's buffers fill, writes
  // are taken in part and finish later, pipelined requests wait for them, and every answer still
  // arrives whole and in order once the client reads.
  it("keeps pipelined answers whole and in order when the client reads late", async () => {
    const count = 5_000;
    const socket = connect(port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    socket.pause();
    let requests = "";
    for (let i = 0; i < count; i++) requests += `GET /${i} HTTP/1.1\r\nHost: t\r\n\r\n`;
    socket.write(requests);
    await new Promise((r) => setTimeout(r, 300));
    let data = "";
    socket.setEncoding("latin1");
    const done = new Promise<void>((resolve) => {
      socket.on("data", (d: string) => {
        data += d;
        if (data.endsWith(`${count - 1}:`.padEnd(BODY, "x"))) resolve();
      });
    });
    socket.resume();
    await done;
    socket.destroy();
    const bodies = data.split(/HTTP\/1\.1 200 OK\r\n[^]*?\r\n\r\n/).slice(1);
    expect(bodies).toHaveLength(count);
    bodies.forEach((body, i) => {
      if (body !== `${i}:`.padEnd(BODY, "x")) expect.fail(`answer ${i} is not whole or out of order`);
    });
  }, 20_000);
});
