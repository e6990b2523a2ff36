// The console's HTTP server: Next's own request handler with one change. `next start` keeps a
// client-sent X-Forwarded-For as it is (it only fills the header in when absent), so a browser
// could name any address it likes in the control plane's audit log. Here the peer's address is
// always appended, as nginx's $proxy_add_x_forwarded_for does; the control plane walks the chain
// from the right past its trusted proxies (SWITCHYARD_TRUSTED_PROXIES).
import { createServer, type IncomingMessage } from "node:http";
import next from "next";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.SWITCHYARD_CONSOLE_HOST ?? "0.0.0.0";

function appendPeer(req: IncomingMessage): void {
  const raw = req.socket.remoteAddress ?? "";
  const peer = raw.startsWith("::ffff:") && raw.includes(".") ? raw.slice(7) : raw;
  const sent = req.headers["x-forwarded-for"];
  const chain = Array.isArray(sent) ? sent.join(", ") : sent;
  req.headers["x-forwarded-for"] = chain ? `${chain}, ${peer}` : peer;
}

const app = next({ dev: false, dir: import.meta.dirname, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
const server = createServer((req, res) => {
  appendPeer(req);
  void handle(req, res);
});
server.listen(port, hostname, () => console.log(`console listening on http://${hostname}:${port}`));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  });
}
