import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface EchoServerOptions {
  service: string;
  version: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

export interface EchoServer {
  service: string;
  version: string;
  port: number;
  /** Requests answered so far. */
  readonly requests: number;
  /** TCP connections accepted so far (shows whether callers reuse connections). */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A versioned echo upstream: answers every request with JSON describing it, so the demo and
 * tests can see where the gateway sent traffic and what it forwarded. The request body is read
 * to the end (and counted) so keep-alive connections stay reusable.
 *
 * Knobs for tests, as query parameters: `delay_ms` waits before answering, `status` sets the
 * response status.
 */
export function startEchoServer(options: EchoServerOptions): Promise<EchoServer> {
  const { service, version } = options;
  let requests = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests++;
    let bodyBytes = 0;
    req.on("data", (chunk: Buffer) => { bodyBytes += chunk.length; });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://echo");
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      const status = Number(url.searchParams.get("status") ?? 200);
      const delay = Number(url.searchParams.get("delay_ms") ?? 0);
      const body = JSON.stringify({
        service,
        version,
        method: req.method,
        path: url.pathname,
        query,
        headers: req.headers,
        bodyBytes,
      });
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(Number.isInteger(status) && status >= 200 && status <= 599 ? status : 200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-demo-version": version,
          "x-demo-service": service,
        });
        res.end(body);
      };
      if (delay > 0) setTimeout(send, Math.min(delay, 60_000));
      else send();
    });
  });
  server.keepAliveTimeout = 10_000;
  let connections = 0;
  server.on("connection", () => { connections++; });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port, host: options.host ?? "127.0.0.1" }, () => {
      server.off("error", reject);
      const port = (server.address() as AddressInfo).port;
      resolve({
        service,
        version,
        port,
        get requests() { return requests; },
        get connections() { return connections; },
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeIdleConnections();
          // Bounded: anything still open after a second is cut.
          setTimeout(() => server.closeAllConnections(), 1_000).unref();
        }),
      });
    });
  });
}
