import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import type { GatewayConfigInput, TracingInput } from "@switchyard/config";
import { startPushedGateway, type PushedGateway } from "../testing/pushed-gateway.ts";
import { startFaultServer, type FaultServer } from "../testing/fault-server.ts";
import { send, tempDir, waitUntil } from "../testing/fixtures.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

function parse(header: string | string[] | undefined): { traceId: string; parentId: string; flags: string } {
  const m = TRACEPARENT.exec(String(header));
  if (m === null) throw new Error(`not a version 00 traceparent: ${String(header)}`);
  return { traceId: m[1]!, parentId: m[2]!, flags: m[3]! };
}

describe("W3C trace context propagation (export off, real loopback upstreams)", () => {
  let pushed: PushedGateway;
  let up: FaultServer;
  let flaky: FaultServer;
  let mirror: FaultServer;
  let wsServer: Server;
  let wss: WebSocketServer;
  const wsHeaders: IncomingHttpHeaders[] = [];
  let logDir: Awaited<ReturnType<typeof tempDir>>;

  function config(tracing?: TracingInput): GatewayConfigInput {
    const wsPort = (wsServer.address() as AddressInfo).port;
    return {
      ...(tracing === undefined ? {} : { settings: { tracing } }),
      services: [
        { name: "up", targets: [{ host: "127.0.0.1", port: up.port }] },
        { name: "flaky", targets: [{ host: "127.0.0.1", port: flaky.port }] },
        { name: "mirror", targets: [{ host: "127.0.0.1", port: mirror.port }] },
        { name: "ws", targets: [{ host: "127.0.0.1", port: wsPort }] },
      ],
      routes: [
        { name: "flaky", path: { type: "prefix", value: "/flaky" }, rules: [{ destinations: [{ service: "flaky" }], retries: { attempts: 3, retryOn: ["5xx"], backoffMs: 1 } }] },
        { name: "mirrored", path: { type: "prefix", value: "/mirrored" }, rules: [{ mirror: { service: "mirror" }, destinations: [{ service: "up" }] }] },
        { name: "ws", path: { type: "prefix", value: "/ws" }, rules: [{ destinations: [{ service: "ws" }] }] },
        { name: "up", path: { type: "prefix", value: "/" }, rules: [{ destinations: [{ service: "up" }] }] },
      ],
    };
  }

  /** Sends one request to `path` and returns the headers `server` received for it. */
  async function through(server: FaultServer, path: string, headers: Record<string, string> = {}): Promise<IncomingHttpHeaders> {
    const before = server.hits;
    const res = await send(pushed.client, path, { headers });
    expect(res.status).toBe(200);
    expect(server.hits).toBe(before + 1);
    return server.received.at(-1)!;
  }

  beforeAll(async () => {
    [up, flaky, mirror, logDir] = await Promise.all([startFaultServer("up"), startFaultServer("flaky"), startFaultServer("mirror"), tempDir()]);
    wsServer = createServer((_req, res) => { res.writeHead(426); res.end(); });
    wss = new WebSocketServer({ server: wsServer });
    wss.on("connection", (socket, req) => { wsHeaders.push(req.headers); socket.send("hi"); });
    await new Promise<void>((resolve) => wsServer.listen(0, "127.0.0.1", () => resolve()));
    pushed = await startPushedGateway({ workers: 1, connections: 4, accessLog: { destination: join(logDir.path, "access.log"), sampleRate: 1 } });
    await pushed.apply(config());
  });
  afterAll(async () => {
    await pushed?.close();
    await Promise.all([up?.close(), flaky?.close(), mirror?.close()]);
    wss?.close();
    await new Promise((r) => wsServer?.close(r));
    await logDir?.remove();
  });

  it("keeps an incoming trace: same trace id and flags, the gateway's span as parent, tracestate unchanged", async () => {
    const headers = await through(up, "/a", { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE" });
    const tp = parse(headers.traceparent);
    expect(tp.traceId).toBe(TRACE);
    expect(tp.parentId).not.toBe(PARENT);
    expect(tp.parentId).not.toBe("0000000000000000");
    expect(tp.flags).toBe("01");
    expect(headers.tracestate).toBe("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    // An unsampled caller stays unsampled (parent-based), whatever the ratio.
    expect(parse((await through(up, "/a", { traceparent: `00-${TRACE}-${PARENT}-00` })).traceparent).flags).toBe("00");
  });

  it("starts a new trace, without the tracestate, when traceparent is invalid", async () => {
    for (const bad of [`00-${"0".repeat(32)}-${PARENT}-01`, `00-${TRACE.toUpperCase()}-${PARENT}-01`, "garbage", `00-${TRACE}-${PARENT}-01-x`]) {
      const headers = await through(up, "/b", { traceparent: bad, tracestate: "rojo=1" });
      const tp = parse(headers.traceparent);
      expect(tp.traceId).not.toBe(TRACE);
      expect(tp.traceId).not.toBe("0".repeat(32));
      expect(tp.flags).toBe("01");
      expect(headers.tracestate).toBeUndefined();
    }
  });

  it("starts a new trace per request without traceparent, sampled by settings.tracing.sampleRatio", async () => {
    const a = parse((await through(up, "/c")).traceparent);
    const b = parse((await through(up, "/c")).traceparent);
    expect(a.traceId).not.toBe(b.traceId);
    expect([a.flags, b.flags]).toEqual(["01", "01"]);
    // A lone tracestate without traceparent is not passed on.
    expect((await through(up, "/c", { tracestate: "rojo=1" })).tracestate).toBeUndefined();
    await pushed.apply(config({ sampleRatio: 0 }));
    try {
      expect(parse((await through(up, "/c")).traceparent).flags).toBe("00");
      // The ratio is for new traces only: a sampled caller stays sampled.
      expect(parse((await through(up, "/c", { traceparent: `00-${TRACE}-${PARENT}-01` })).traceparent).flags).toBe("01");
    } finally {
      await pushed.apply(config());
    }
  });

  it("gives every upstream attempt its own parent id within the one trace", async () => {
    flaky.mode.failNext = 2;
    const before = flaky.hits;
    const res = await send(pushed.client, "/flaky", { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
    expect(res.status).toBe(200);
    expect(flaky.hits - before).toBe(3);
    const attempts = flaky.received.slice(-3).map((h) => parse(h.traceparent));
    expect(attempts.map((a) => a.traceId)).toEqual([TRACE, TRACE, TRACE]);
    expect(new Set(attempts.map((a) => a.parentId)).size).toBe(3);
    expect(attempts.map((a) => a.parentId)).not.toContain(PARENT);
  });

  it("propagates to a mirror and through a WebSocket upgrade", async () => {
    const headers = await through(up, "/mirrored", { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: "rojo=1" });
    await waitUntil(() => mirror.hits > 0, 5_000, "the mirror copy");
    const copy = parse(mirror.received.at(-1)!.traceparent);
    expect(copy.traceId).toBe(TRACE);
    expect(copy.parentId).not.toBe(parse(headers.traceparent).parentId);
    expect(mirror.received.at(-1)!.tracestate).toBe("rojo=1");

    const ws = new WebSocket(`ws://127.0.0.1:${pushed.gw.proxyPort}/ws`, { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } });
    await new Promise<void>((resolve, reject) => { ws.once("message", () => resolve()); ws.once("error", reject); });
    ws.close();
    const tp = parse(wsHeaders.at(-1)!.traceparent);
    expect(tp.traceId).toBe(TRACE);
    expect(tp.parentId).not.toBe(PARENT);
  });

  it("writes the trace id to the access log: the incoming one, or the one the upstream was sent", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    await through(up, "/logged-in", { traceparent: `00-${traceId}-${PARENT}-01` });
    const started = parse((await through(up, "/logged-new")).traceparent).traceId;
    await send(pushed.client, "/logged-bad", { headers: { traceparent: "00-nope" } });
    const file = join(logDir.path, "access.log");
    const lines = async () => (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as { path: string; traceId: string });
    await waitUntil(async () => (await lines()).some((l) => l.path === "/logged-bad"), 5_000, "access-log lines");
    const byPath = new Map((await lines()).map((l) => [l.path, l.traceId]));
    expect(byPath.get("/logged-in")).toBe(traceId);
    expect(byPath.get("/logged-new")).toBe(started);
    // An invalid header is not logged as a trace id: the request got a fresh one.
    expect(byPath.get("/logged-bad")).toMatch(/^[0-9a-f]{32}$/);
    expect(byPath.get("/logged-bad")).not.toContain("nope");
  });
});
