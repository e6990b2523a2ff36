import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface AdminHandlers {
  /** null when ready, else the reason it isn't. */
  notReadyReason: () => string | null;
  readyInfo: () => Record<string, unknown>;
  metrics: () => Promise<string>;
}

/** Admin endpoints (/live, /ready, /metrics); bound to loopback by default since they are unauthenticated. */
export async function startAdminServer(host: string, port: number, handlers: AdminHandlers): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(text);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return json(405, { error: "method not allowed" });
    if (path === "/live") return json(200, { live: true });
    if (path === "/ready") {
      const reason = handlers.notReadyReason();
      return reason === null ? json(200, { ready: true, ...handlers.readyInfo() }) : json(503, { ready: false, reason });
    }
    if (path === "/metrics") {
      handlers.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
          res.end(text);
        },
        (e: Error) => json(500, { error: e.message }),
      );
      return;
    }
    json(404, { error: "not found", endpoints: ["/live", "/ready", "/metrics"] });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host }, () => { server.off("error", reject); resolve(); });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
