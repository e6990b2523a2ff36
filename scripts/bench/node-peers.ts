// Processes the benchmark runs as children: `node node-peers.ts upstream PORT` (a fast Node
// upstream, used when nginx is absent) or `node node-peers.ts http-proxy PORT UPSTREAM_PORT`
// (node-http-proxy with keep-alive upstream connections: the Node peer users pick).
import http from "node:http";
import httpProxy from "http-proxy";

const [mode, portArg, upstreamArg] = process.argv.slice(2);
const port = Number(portArg);
const body = JSON.stringify({ service: "bench", version: "v1" });

if (mode === "upstream") {
  http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }).listen(port, "127.0.0.1");
} else if (mode === "http-proxy") {
  const proxy = httpProxy.createProxyServer({
    target: `http://127.0.0.1:${upstreamArg}`,
    agent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    xfwd: true,
  });
  proxy.on("error", (_err, _req, res) => {
    if (res instanceof http.ServerResponse && !res.headersSent) res.writeHead(502).end();
  });
  http.createServer((req, res) => proxy.web(req, res)).listen(port, "127.0.0.1");
} else {
  console.error("usage: node-peers.ts upstream PORT | http-proxy PORT UPSTREAM_PORT");
  process.exit(2);
}
