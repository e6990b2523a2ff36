import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Pool } from "undici";
import type { GatewayConfigInput } from "@switchyard/config";
import { startEchoServer, type EchoServer } from "@switchyard/demo-services";
import type { Logger } from "../log.ts";

export interface Upstreams {
  v1: EchoServer;
  v2: EchoServer;
  orders: EchoServer;
  close(): Promise<void>;
}

export async function startUpstreams(): Promise<Upstreams> {
  const [v1, v2, orders] = await Promise.all([
    startEchoServer({ service: "user-service", version: "v1", port: 0 }),
    startEchoServer({ service: "user-service", version: "v2", port: 0 }),
    startEchoServer({ service: "order-service", version: "v1", port: 0 }),
  ]);
  return { v1, v2, orders, close: async () => { await Promise.all([v1.close(), v2.close(), orders.close()]); } };
}

/** The demo config, over the test's upstreams, with the users split as given. */
export function demoConfig(up: Upstreams, weights: { v1: number; v2: number } = { v1: 90, v2: 10 }): GatewayConfigInput {
  return {
    services: [
      {
        name: "user-service",
        targets: [
          { host: "127.0.0.1", port: up.v1.port, labels: { version: "v1" } },
          { host: "127.0.0.1", port: up.v2.port, labels: { version: "v2" } },
        ],
        subsets: [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }],
      },
      { name: "order-service", targets: [{ host: "127.0.0.1", port: up.orders.port, labels: { version: "v1" } }] },
    ],
    routes: [
      {
        name: "users",
        path: { type: "prefix", value: "/api/users" },
        rules: [{ destinations: [{ service: "user-service", subset: "v1", weight: weights.v1 }, { service: "user-service", subset: "v2", weight: weights.v2 }] }],
      },
      { name: "orders", path: { type: "prefix", value: "/api/orders" }, rules: [{ destinations: [{ service: "order-service", weight: 100 }] }] },
    ],
  };
}

/** A logger that keeps lines, so tests can assert on what an operator would read. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = ((level: string, message: string) => { lines.push(`${level} ${message}`); }) as Logger & { lines: string[] };
  log.lines = lines;
  return log;
}

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "switchyard-gw-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url);
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try { body = JSON.parse(text) as Record<string, unknown>; } catch { body = { text }; }
  return { status: res.status, body, headers: res.headers };
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Keep-alive client pool to the gateway's proxy port. */
export function proxyClient(port: number, connections = 8): Pool {
  return new Pool(`http://127.0.0.1:${port}`, { connections, keepAliveTimeout: 2_000 });
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown> & { version?: string; service?: string; path?: string; headers?: Record<string, string> };
}

export async function send(client: Pool, path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer | Readable } = {}): Promise<ProxyResponse> {
  const res = await client.request({ path, method: (init.method ?? "GET") as "GET", headers: init.headers, body: init.body });
  const text = await res.body.text();
  let json: ProxyResponse["json"] = {};
  try { json = JSON.parse(text) as ProxyResponse["json"]; } catch { json = {}; }
  return { status: res.statusCode, headers: res.headers, json };
}

/** A node:http(s) response read to its end: status, headers and the JSON body ({} when it isn't JSON). */
export function readProxyResponse(res: IncomingMessage): Promise<ProxyResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("error", reject);
    res.on("end", () => {
      let json: ProxyResponse["json"] = {};
      try { json = JSON.parse(Buffer.concat(chunks).toString()) as ProxyResponse["json"]; } catch { json = {}; }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
    });
  });
}

/** A request through node:http, which (unlike undici) lets a test send hop-by-hop headers. */
export function rawRequest(port: number, path: string, headers: Record<string, string>): Promise<ProxyResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => { readProxyResponse(res).then(resolve, reject); });
    req.on("error", reject);
    req.end();
  });
}
