import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import WebSocket, { WebSocketServer } from "ws";
import type { GatewayConfigInput } from "@switchyard/config";
import type { RunningGateway } from "../start-gateway.ts";
import type { FakeControlPlane } from "../testing/fake-control-plane.ts";
import { startPushedGateway, type PushedGateway } from "../testing/pushed-gateway.ts";
import { rawRequest, send, startUpstreams, type Upstreams } from "../testing/fixtures.ts";

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

describe("protocols: WebSocket, trusted proxies, body limits", () => {
  let up: Upstreams;
  let pushed: PushedGateway;
  let cp: FakeControlPlane;
  let gw: RunningGateway;
  let client: Pool;
  let wsServer: Server;
  let wss: WebSocketServer;
  let refuser: Server;
  let refusedUpgrades = 0;

  async function apply(config: GatewayConfigInput): Promise<void> {
    await pushed.apply(config);
  }

  beforeAll(async () => {
    up = await startUpstreams();
    wsServer = createServer((_req, res) => { res.writeHead(426); res.end(); });
    wss = new WebSocketServer({ server: wsServer });
    wss.on("connection", (socket, req) => {
      socket.send(`hello ${req.url} via ${req.headers["x-forwarded-for"]}`);
      socket.on("message", (data) => socket.send(`echo ${data.toString()}`));
    });
    // Declines every upgrade with a plain 403.
    refuser = createServer((_req, res) => { res.writeHead(403, { "content-type": "text/plain" }); res.end("no websockets here"); });
    refuser.on("upgrade", (_req, socket) => { refusedUpgrades++; socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\nconnection: close\r\n\r\nno"); });
    const [wsPort, refuserPort] = await Promise.all([listen(wsServer), listen(refuser)]);
    pushed = await startPushedGateway({ workers: 1, connections: 4 });
    ({ cp, gw, client } = pushed);
    await apply({
      settings: { trustedProxies: ["127.0.0.1/32", "10.0.0.0/8"] },
      services: [
        { name: "ws", targets: [{ host: "127.0.0.1", port: wsPort }] },
        { name: "refuser", targets: [{ host: "127.0.0.1", port: refuserPort }] },
        { name: "echo", targets: [{ host: "127.0.0.1", port: up.orders.port }] },
      ],
      routes: [
        { name: "ws", path: { type: "prefix", value: "/ws" }, stripPath: true, rules: [{ destinations: [{ service: "ws" }] }] },
        { name: "no-ws", path: { type: "prefix", value: "/no-ws" }, rules: [{ destinations: [{ service: "refuser" }] }] },
        { name: "small", path: { type: "prefix", value: "/small" }, maxRequestBodyBytes: 1_000, rules: [{ destinations: [{ service: "echo" }] }] },
        { name: "echo", path: { type: "prefix", value: "/" }, rules: [{ destinations: [{ service: "echo" }] }] },
      ],
    });
  });
  afterAll(async () => {
    await pushed?.close();
    await up?.close();
    wss?.close();
    await new Promise((r) => wsServer?.close(r));
    await new Promise((r) => refuser?.close(r));
  });

  it("tunnels a WebSocket after the upstream's 101, both ways", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.proxyPort}/ws/chat?room=1`);
    const messages: string[] = [];
    ws.on("message", (d) => messages.push(d.toString()));
    await new Promise<void>((resolve, reject) => { ws.once("open", () => resolve()); ws.once("error", reject); });
    ws.send("ping");
    await new Promise<void>((resolve) => { const t = setInterval(() => { if (messages.length >= 2) { clearInterval(t); resolve(); } }, 10); });
    expect(messages).toEqual(["hello /chat?room=1 via 127.0.0.1", "echo ping"]);
    ws.close();
  });

  it("relays an upstream's refusal of the upgrade and opens no tunnel", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.proxyPort}/no-ws`);
    const status = await new Promise<number>((resolve) => {
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("open", () => resolve(101));
    });
    expect(status).toBe(403);
    expect(refusedUpgrades).toBe(1);
  });

  it("believes X-Forwarded-For only through trusted proxies and appends the peer", async () => {
    // The test client (127.0.0.1) is a trusted proxy: the chain is kept, the peer appended.
    const res = await rawRequest(gw.proxyPort, "/xff", { "x-forwarded-for": "203.0.113.9, 10.1.1.1", "x-forwarded-proto": "https" });
    expect(res.json.headers?.["x-forwarded-for"]).toBe("203.0.113.9, 10.1.1.1, 127.0.0.1");
    expect(res.json.headers?.["x-forwarded-proto"]).toBe("https");
  });

  it("does not believe forwarding headers from an untrusted peer", async () => {
    await apply({
      settings: { trustedProxies: ["10.0.0.0/8"] },
      services: [{ name: "echo", targets: [{ host: "127.0.0.1", port: up.orders.port }] }],
      routes: [{ name: "echo", path: { type: "prefix", value: "/" }, rules: [{ destinations: [{ service: "echo" }] }] }],
    });
    const res = await rawRequest(gw.proxyPort, "/xff", { "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", forwarded: "for=203.0.113.9" });
    expect(res.json.headers?.["x-forwarded-for"]).toBe("127.0.0.1");
    expect(res.json.headers?.["x-forwarded-proto"]).toBe("http");
    expect(res.json.headers?.forwarded).toBeUndefined();
  });

  it("answers 413 from Content-Length before sending anything, and cuts a streamed body at the limit", async () => {
    await apply({
      services: [{ name: "echo", targets: [{ host: "127.0.0.1", port: up.orders.port }] }],
      routes: [{ name: "small", path: { type: "prefix", value: "/small" }, maxRequestBodyBytes: 1_000, rules: [{ destinations: [{ service: "echo" }] }] }],
    });
    const before = up.orders.requests;
    const big = await send(client, "/small", { method: "POST", body: "x".repeat(1_001) });
    expect([big.status, big.headers["x-switchyard-flag"]]).toEqual([413, "PTL"]);
    expect(up.orders.requests).toBe(before);
    expect((await send(client, "/small", { method: "POST", body: "x".repeat(1_000) })).status).toBe(200);

    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: gw.proxyPort, path: "/small", method: "POST", headers: { "transfer-encoding": "chunked" }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 10; i++) req.write("y".repeat(200));
      req.end();
    });
    expect(status).toBe(413);
  });
});
