import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What the server does with the next requests; tests change it between phases. */
export interface FaultMode {
  /** Answer this many requests with `failStatus` before answering 200 again. */
  failNext: number;
  failStatus: number;
  /** Every request fails with `failStatus`. */
  failAll: boolean;
  /** Wait this long before answering. */
  delayMs: number;
  /** Close the connection without answering. */
  reset: boolean;
  /** Answer on the health path with 200 (true) or 503. */
  healthy: boolean;
}

export interface FaultServer {
  port: number;
  readonly name: string;
  /** Proxied requests received (health checks not included). */
  hits: number;
  healthHits: number;
  /** Most requests in progress at once. */
  maxConcurrent: number;
  /** Headers of the proxied requests received, oldest first (the last 100). */
  received: IncomingHttpHeaders[];
  mode: FaultMode;
  close(): Promise<void>;
}

export const HEALTH_PATH = "/healthz";

/**
 * An upstream for resilience tests: fails N times, answers slowly, resets connections, or fails
 * its health check on demand, and counts what reached it. Answers `{ name, hit }` as JSON.
 */
export function startFaultServer(name: string, mode: Partial<FaultMode> = {}): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  let concurrent = 0;
  const state: FaultServer = {
    port: 0, name, hits: 0, healthHits: 0, maxConcurrent: 0, received: [],
    mode: { failNext: 0, failStatus: 503, failAll: false, delayMs: 0, reset: false, healthy: true, ...mode },
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
  const server: Server = createServer((req, res) => {
    if (req.url === HEALTH_PATH) {
      state.healthHits++;
      res.writeHead(state.mode.healthy ? 200 : 503, { "content-length": 0 });
      res.end();
      return;
    }
    const hit = ++state.hits;
    state.received.push(req.headers);
    if (state.received.length > 100) state.received.shift();
    concurrent++;
    state.maxConcurrent = Math.max(state.maxConcurrent, concurrent);
    req.resume();
    const m = state.mode;
    const answer = () => {
      concurrent--;
      if (m.reset) { req.socket.destroy(); return; }
      let status = 200;
      if (m.failAll) status = m.failStatus;
      else if (m.failNext > 0) { m.failNext--; status = m.failStatus; }
      const body = JSON.stringify({ name, hit, status });
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (m.delayMs > 0) setTimeout(answer, m.delayMs);
    else req.on("end", answer);
  });
  server.on("connection", (s: Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      state.port = (server.address() as AddressInfo).port;
      resolve(state);
    });
  });
}
