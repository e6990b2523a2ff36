import { createServer } from "node:net";

/**
 * Fails when something already listens on host:port. The workers bind with SO_REUSEPORT so
 * that they can share the port; that same option would let a second gateway (or any other
 * SO_REUSEPORT listener) share it too and silently take half the connections. A bind without
 * it, closed again at once, tells the two cases apart. Port 0 (any free port) needs no check.
 */
export function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === "EADDRINUSE" ? `${host}:${port} is already in use (another gateway or server listens there)` : `cannot listen on ${host}:${port}: ${err.message}`));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
